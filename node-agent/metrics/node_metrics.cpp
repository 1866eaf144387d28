#include "node-agent/metrics/node_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace troupe::node_agent::metrics {

const std::vector<double>& pod_start_buckets() {
  static const std::vector<double> b{0.5, 1,   2,   3,   4,   5,   6,    8,    10,
                                     20,  30,  45,  60,  120, 180, 240,  300,  360,
                                     480, 600, 900, 1200, 1800, 2700, 3600};
  return b;
}

const std::vector<double>& runtime_operation_buckets() {
  static const std::vector<double> b = [] {
    std::vector<double> out;
    double v = 0.005;
    for (int i = 0; i < 14; ++i, v *= 2.5)
      out.push_back(v);
    return out;
  }();
  return b;
}

namespace {

// prometheus' DefBuckets (the kubelet's prober_probe_duration_seconds sets none).
const std::vector<double>& default_buckets() {
  static const std::vector<double> b{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10};
  return b;
}

} // namespace

node_metrics::node_metrics(std::shared_ptr<prometheus::Registry> registry)
    : node_metrics(*registry) {
  keep_ = std::move(registry);
}

node_metrics::node_metrics(prometheus::Registry& r) {
  pod_start_ = &prometheus::BuildHistogram()
                  .Name("kubelet_pod_start_duration_seconds")
                  .Help("Duration in seconds from kubelet seeing a pod for the first time to the "
                        "pod starting to run")
                  .Register(r)
                  .Add({}, pod_start_buckets());
  operations_ = &prometheus::BuildCounter()
                   .Name("kubelet_runtime_operations_total")
                   .Help("Cumulative number of runtime operations by operation type.")
                   .Register(r);
  operation_errors_ = &prometheus::BuildCounter()
                         .Name("kubelet_runtime_operations_errors_total")
                         .Help("Cumulative number of runtime operation errors by operation type.")
                         .Register(r);
  operation_duration_ =
    &prometheus::BuildHistogram()
       .Name("kubelet_runtime_operations_duration_seconds")
       .Help("Duration in seconds of runtime operations. Broken down by operation type.")
       .Register(r);
  started_pods_ = &prometheus::BuildCounter()
                     .Name("kubelet_started_pods_total")
                     .Help("Cumulative number of pods started")
                     .Register(r)
                     .Add({});
  started_pods_errors_ = &prometheus::BuildCounter()
                            .Name("kubelet_started_pods_errors_total")
                            .Help("Cumulative number of errors when starting pods")
                            .Register(r)
                            .Add({});
  started_containers_ = &prometheus::BuildCounter()
                           .Name("kubelet_started_containers_total")
                           .Help("Cumulative number of containers started")
                           .Register(r);
  started_containers_errors_ = &prometheus::BuildCounter()
                                  .Name("kubelet_started_containers_errors_total")
                                  .Help("Cumulative number of errors when starting containers")
                                  .Register(r);
  probes_ = &prometheus::BuildCounter()
               .Name("prober_probe_total")
               .Help("Cumulative number of a liveness, readiness or startup probe for a "
                     "container by result.")
               .Register(r);
  probe_duration_ = &prometheus::BuildHistogram()
                       .Name("prober_probe_duration_seconds")
                       .Help("Duration in seconds for a probe response.")
                       .Register(r);
  restarts_ = &prometheus::BuildCounter()
                 .Name("kube_pod_container_status_restarts_total")
                 .Help("The number of container restarts per container.")
                 .Register(r);
  running_pods_ = &prometheus::BuildGauge()
                     .Name("kubelet_running_pods")
                     .Help("Number of pods that have a running pod sandbox")
                     .Register(r)
                     .Add({});
  running_containers_ = &prometheus::BuildGauge()
                           .Name("kubelet_running_containers")
                           .Help("Number of containers currently running")
                           .Register(r);
  // The states appear at 0 from the start, as the kubelet's gauge vector after its first relist.
  for (const char* s : {"created", "running", "exited", "unknown"})
    running_containers_->Add({{"container_state", s}});
}

void node_metrics::runtime_operation(const std::string& op, double seconds, bool failed) {
  const prometheus::Labels l{{"operation_type", op}};
  operations_->Add(l).Increment();
  operation_duration_->Add(l, runtime_operation_buckets()).Observe(seconds);
  if (failed)
    operation_errors_->Add(l).Increment();
}

void node_metrics::pod_started(std::chrono::duration<double> since_first_seen) {
  pod_start_->Observe(since_first_seen.count() < 0 ? 0 : since_first_seen.count());
}

void node_metrics::sandbox_start(bool failed) {
  started_pods_->Increment();
  if (failed)
    started_pods_errors_->Increment();
}

void node_metrics::container_start(const std::string& container_type) {
  started_containers_->Add({{"container_type", container_type}}).Increment();
}

void node_metrics::container_start_error(const std::string& container_type,
                                         const std::string& code) {
  started_containers_errors_->Add({{"container_type", container_type}, {"code", code}})
    .Increment();
}

void node_metrics::probe_result(const pod_ref& pod, const std::string& container,
                                const std::string& probe_type, const std::string& result,
                                std::chrono::duration<double> took) {
  // Under the lock: forget_pod() of an older pod of the same name may remove the duration series.
  std::lock_guard<std::mutex> lock(mutex_);
  auto& c = probes_->Add({{"probe_type", probe_type},
                          {"result", result},
                          {"container", container},
                          {"pod", pod.name},
                          {"namespace", pod.namespace_},
                          {"pod_uid", pod.uid}});
  auto& h = probe_duration_->Add({{"probe_type", probe_type},
                                  {"container", container},
                                  {"pod", pod.name},
                                  {"namespace", pod.namespace_}},
                                 default_buckets());
  c.Increment();
  h.Observe(took.count() < 0 ? 0 : took.count());
  auto& s = series_[pod.uid];
  s.probes.insert(&c);
  s.durations.insert(&h);
}

void node_metrics::container_restarts(const pod_ref& pod, const std::string& container,
                                      int64_t count) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& c = restarts_->Add({{"namespace", pod.namespace_},
                            {"pod", pod.name},
                            {"uid", pod.uid},
                            {"container", container}});
  const double delta = static_cast<double>(count) - c.Value();
  if (delta > 0)
    c.Increment(delta);
  series_[pod.uid].restarts.insert(&c);
}

void node_metrics::apply_share(const pod_share& s, int sign) {
  if (s.sandbox_ready)
    running_pods_->Increment(sign);
  const std::pair<const char*, int> by_state[] = {{"created", s.counts.created},
                                                  {"running", s.counts.running},
                                                  {"exited", s.counts.exited},
                                                  {"unknown", s.counts.unknown}};
  for (const auto& [state, n] : by_state)
    if (n)
      running_containers_->Add({{"container_state", state}}).Increment(sign * n);
}

void node_metrics::pod_runtime_state(const std::string& uid, bool sandbox_ready,
                                     const container_state_counts& counts) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& share = shares_[uid];
  apply_share(share, -1);
  share = pod_share{sandbox_ready, counts};
  apply_share(share, +1);
}

void node_metrics::forget_pod(const pod_ref& pod) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = shares_.find(pod.uid); it != shares_.end()) {
    apply_share(it->second, -1);
    shares_.erase(it);
  }
  if (auto it = series_.find(pod.uid); it != series_.end()) {
    for (auto* c : it->second.probes)
      probes_->Remove(c);
    for (auto* h : it->second.durations)
      probe_duration_->Remove(h);
    for (auto* c : it->second.restarts)
      restarts_->Remove(c);
    series_.erase(it);
  }
}

} // namespace troupe::node_agent::metrics
