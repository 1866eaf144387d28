#include "actors/scheduler/scheduler_metrics.hpp"

#include <algorithm>

#include "actors/scheduler/cluster_changes.hpp"

namespace troupe::scheduler {

namespace {

// kube-scheduler's: ExponentialBuckets(0.001, 2, 15), 1 ms to ~16 s.
prometheus::Histogram::BucketBoundaries duration_buckets() {
  prometheus::Histogram::BucketBoundaries b;
  double v = 0.001;
  for (int i = 0; i < 15; ++i, v *= 2)
    b.push_back(v);
  return b;
}

// kube-scheduler's pod_scheduling_sli_duration_seconds: ExponentialBuckets(0.01, 2, 20).
const prometheus::Histogram::BucketBoundaries& sli_buckets() {
  static const auto b = [] {
    prometheus::Histogram::BucketBoundaries out;
    double v = 0.01;
    for (int i = 0; i < 20; ++i, v *= 2)
      out.push_back(v);
    return out;
  }();
  return b;
}

// kube-scheduler's pod_scheduling_attempts: ExponentialBuckets(1, 2, 5).
prometheus::Histogram::BucketBoundaries attempt_buckets() { return {1, 2, 4, 8, 16}; }

} // namespace

scheduler_metrics::scheduler_metrics(std::shared_ptr<prometheus::Registry> shared)
  : registry_(std::move(shared)),
    rejections_(prometheus::BuildCounter()
                  .Name("troupe_scheduler_filter_rejections_total")
                  .Help("Nodes a filter plugin found a pod did not fit, by plugin.")
                  .Register(*registry_)) {
  auto& registry = *registry_;
  auto& attempts = prometheus::BuildCounter()
                     .Name("scheduler_schedule_attempts_total")
                     .Help("Number of attempts to schedule pods, by the result. 'unschedulable' "
                           "means a pod could not be scheduled, while 'error' means an internal "
                           "scheduler problem.")
                     .Register(registry);
  auto& durations = prometheus::BuildHistogram()
                      .Name("scheduler_scheduling_attempt_duration_seconds")
                      .Help("Scheduling attempt latency in seconds (scheduling algorithm + binding)")
                      .Register(registry);
  const char* results[] = {"scheduled", "unschedulable", "error"};
  for (int i = 0; i < 3; ++i) {
    prometheus::Labels labels{{"result", results[i]}, {"profile", default_scheduler_name}};
    attempts_[i] = &attempts.Add(labels);
    durations_[i] = &durations.Add(labels, duration_buckets());
  }
  auto& pending = prometheus::BuildGauge()
                    .Name("scheduler_pending_pods")
                    .Help("Number of pending pods, by the queue type. 'active' means number of "
                          "pods in activeQ; 'backoff' means number of pods in backoffQ; "
                          "'unschedulable' means number of pods in unschedulablePods.")
                    .Register(registry);
  active_ = &pending.Add({{"queue", "active"}});
  backoff_ = &pending.Add({{"queue", "backoff"}});
  unschedulable_ = &pending.Add({{"queue", "unschedulable"}});
  pod_attempts_ = &prometheus::BuildHistogram()
                     .Name("scheduler_pod_scheduling_attempts")
                     .Help("Number of attempts to successfully schedule a pod.")
                     .Register(registry)
                     .Add({}, attempt_buckets());
  sli_ = &prometheus::BuildHistogram()
            .Name("scheduler_pod_scheduling_sli_duration_seconds")
            .Help("E2e latency for a pod being scheduled, from the time the pod enters the "
                  "scheduling queue and might involve multiple scheduling attempts.")
            .Register(registry);
  binds_in_flight_ = &prometheus::BuildGauge()
                        .Name("troupe_scheduler_binds_in_flight")
                        .Help("Bind writes the scheduler awaits from the store.")
                        .Register(registry)
                        .Add({});
}

void scheduler_metrics::attempt(attempt_result result, double seconds) {
  auto i = static_cast<int>(result);
  attempts_[i]->Increment();
  durations_[i]->Observe(seconds);
}

void scheduler_metrics::bound_after(int attempts, double seconds) {
  pod_attempts_->Observe(attempts);
  // kube-scheduler labels the SLI by attempts as a string, "1".."15" (more count as "15").
  sli_->Add({{"attempts", std::to_string(std::min(attempts, 15))}}, sli_buckets()).Observe(seconds);
}

void scheduler_metrics::rejected(std::string_view plugin, double nodes) {
  auto it = by_plugin_.find(plugin);
  if (it == by_plugin_.end())
    it = by_plugin_.emplace(std::string(plugin), &rejections_.Add({{"plugin", std::string(plugin)}})).first;
  it->second->Increment(nodes);
}

void scheduler_metrics::pending(size_t active, size_t backoff, size_t unschedulable) {
  active_->Set(static_cast<double>(active));
  backoff_->Set(static_cast<double>(backoff));
  unschedulable_->Set(static_cast<double>(unschedulable));
}

void scheduler_metrics::binds_in_flight(size_t n) { binds_in_flight_->Set(static_cast<double>(n)); }

} // namespace troupe::scheduler
