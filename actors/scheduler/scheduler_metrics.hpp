#pragma once
// The scheduler's metrics, named and labelled as kube-scheduler's where it has them, so "why is
// my pod Pending" is answered by data (CONVENTIONS 7):
//   scheduler_schedule_attempts_total{result="scheduled|unschedulable|error",profile}
//   scheduler_scheduling_attempt_duration_seconds{result,profile}  pop to decision (scheduled:
//                                                                 to the bind's answer)
//   scheduler_pending_pods{queue="active|backoff|unschedulable"}
//   scheduler_pod_scheduling_attempts                              attempts until a pod was bound
//   scheduler_pod_scheduling_sli_duration_seconds{attempts}        first queued to bound
//   troupe_scheduler_filter_rejections_total{plugin}               nodes a filter plugin rejected
//   troupe_scheduler_binds_in_flight                               bind writes awaiting the store
// Created once per process on the hub's registry (root_children.cpp), which it keeps alive, and
// used by one scheduler actor at a time (a restarted one takes over the same series).
// prometheus-cpp is thread-safe for the scrape; no CAF.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace troupe::scheduler {

enum class attempt_result { scheduled, unschedulable, error };

class scheduler_metrics {
public:
  explicit scheduler_metrics(std::shared_ptr<prometheus::Registry> registry);

  void attempt(attempt_result result, double seconds);
  /// A pod was bound after `attempts` attempts, `seconds` after it was first queued.
  void bound_after(int attempts, double seconds);
  /// schedule_result::rejected_by (nodes rejected per filter plugin).
  template <class Map>
  void rejections(const Map& rejected_by) {
    for (const auto& [plugin, nodes] : rejected_by)
      rejected(plugin, static_cast<double>(nodes));
  }
  void rejected(std::string_view plugin, double nodes);
  void pending(size_t active, size_t backoff, size_t unschedulable);
  void binds_in_flight(size_t n);

private:
  std::shared_ptr<prometheus::Registry> registry_;  // the series below live in it
  prometheus::Counter* attempts_[3];
  prometheus::Histogram* durations_[3];
  prometheus::Family<prometheus::Counter>& rejections_;
  prometheus::Gauge* active_;
  prometheus::Gauge* backoff_;
  prometheus::Gauge* unschedulable_;
  prometheus::Histogram* pod_attempts_;
  prometheus::Family<prometheus::Histogram>* sli_;
  prometheus::Gauge* binds_in_flight_;
  std::map<std::string, prometheus::Counter*, std::less<>> by_plugin_;
};

} // namespace troupe::scheduler
