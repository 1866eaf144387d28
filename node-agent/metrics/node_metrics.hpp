#pragma once
// The node's pod and runtime metrics, under the kubelet's names, labels and buckets (issue 5;
// ARCHITECTURE §7), registered in a prometheus-cpp registry that troupe-node serves on
// --metrics-address. CAF-free and thread-safe: pod actors on any worker thread and the runtime's
// callback threads record into one node_metrics.
//
//   kubelet_pod_start_duration_seconds            histogram: from the node first seeing a pod to
//                                                 its first status with phase Running (once per pod)
//   kubelet_runtime_operations_total{operation_type}          counter  \  every container_runtime
//   kubelet_runtime_operations_errors_total{operation_type}   counter   } call, from issue to its
//   kubelet_runtime_operations_duration_seconds{operation_type} hist.  /  callback
//                                                 (instrumented_runtime.hpp)
//   kubelet_started_pods_total, kubelet_started_pods_errors_total      RunPodSandbox attempts
//   kubelet_started_containers_total{container_type}                   CreateContainer attempts
//   kubelet_started_containers_errors_total{container_type,code}       create/start failures (code:
//                                                 the gRPC code as Go prints it, "Unknown", ...)
//   prober_probe_total{probe_type,result,container,pod,namespace,pod_uid}  counter, result
//                                                 "successful" | "failed" | "unknown"
//   prober_probe_duration_seconds{probe_type,container,pod,namespace}   histogram
//   kube_pod_container_status_restarts_total{namespace,pod,uid,container} (kube-state-metrics'
//                                                 name): the container's restartCount as reported
//   kubelet_running_pods                          gauge: pods whose sandbox is ready
//   kubelet_running_containers{container_state}   gauge: containers of the node's pods by state
//                                                 (created | running | exited | unknown)
// Per-pod series (prober_*, restarts) and the pod's share of the gauges go when forget_pod() is
// called (the pod's actor finished), as the kubelet deletes a stopped probe worker's series.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace prometheus {
class Counter;
class Gauge;
class Histogram;
class Registry;
template <typename T>
class Family;
} // namespace prometheus

namespace troupe::node_agent::metrics {

/// Which pod a per-pod series belongs to.
struct pod_ref {
  std::string namespace_;
  std::string name;
  std::string uid;
};

/// The containers of one pod in the runtime, by state (kubelet_running_containers).
struct container_state_counts {
  int created = 0, running = 0, exited = 0, unknown = 0;
};

/// kubelet_pod_start_duration_seconds' buckets (the kubelet's podStartupDurationBuckets).
const std::vector<double>& pod_start_buckets();
/// kubelet_runtime_operations_duration_seconds' buckets: ExponentialBuckets(0.005, 2.5, 14).
const std::vector<double>& runtime_operation_buckets();

class node_metrics {
public:
  /// Registers every family above in `registry`, which must outlive this object.
  explicit node_metrics(prometheus::Registry& registry);
  /// The same, and keeps the registry alive as long as this object (a runtime thread may record
  /// a late answer while the process shuts down).
  explicit node_metrics(std::shared_ptr<prometheus::Registry> registry);
  node_metrics(const node_metrics&) = delete;
  node_metrics& operator=(const node_metrics&) = delete;

  // -- the runtime (instrumented_runtime) --
  /// One call of `operation_type` ("run_podsandbox", "exec_sync", ...) that took `seconds`.
  void runtime_operation(const std::string& operation_type, double seconds, bool failed);

  // -- pods (the pod actor) --
  void pod_started(std::chrono::duration<double> since_first_seen);
  /// A RunPodSandbox attempt; `failed` when it failed.
  void sandbox_start(bool failed);
  /// A container start attempt (CreateContainer); container_type "container" | "init_container".
  void container_start(const std::string& container_type);
  /// Its CreateContainer or StartContainer failed with gRPC code name `code`.
  void container_start_error(const std::string& container_type, const std::string& code);
  /// One probe result: probe_type "Liveness" | "Readiness" | "Startup"; result "successful" |
  /// "failed" | "unknown".
  void probe_result(const pod_ref& pod, const std::string& container,
                    const std::string& probe_type, const std::string& result,
                    std::chrono::duration<double> took);
  /// The container's restartCount as last reported (the counter only moves forward).
  void container_restarts(const pod_ref& pod, const std::string& container, int64_t count);
  /// What the runtime shows of the pod now (replaces its previous share of the gauges).
  void pod_runtime_state(const std::string& uid, bool sandbox_ready,
                         const container_state_counts& counts);
  /// The pod is gone from the node: its series and its share of the gauges go.
  void forget_pod(const pod_ref& pod);

private:
  struct pod_share {
    bool sandbox_ready = false;
    container_state_counts counts;
  };
  struct pod_series {
    std::set<prometheus::Counter*> probes, restarts;
    std::set<prometheus::Histogram*> durations;
  };
  void apply_share(const pod_share& s, int sign);

  std::shared_ptr<prometheus::Registry> keep_;
  prometheus::Histogram* pod_start_ = nullptr;
  prometheus::Family<prometheus::Counter>* operations_ = nullptr;
  prometheus::Family<prometheus::Counter>* operation_errors_ = nullptr;
  prometheus::Family<prometheus::Histogram>* operation_duration_ = nullptr;
  prometheus::Counter* started_pods_ = nullptr;
  prometheus::Counter* started_pods_errors_ = nullptr;
  prometheus::Family<prometheus::Counter>* started_containers_ = nullptr;
  prometheus::Family<prometheus::Counter>* started_containers_errors_ = nullptr;
  prometheus::Family<prometheus::Counter>* probes_ = nullptr;
  prometheus::Family<prometheus::Histogram>* probe_duration_ = nullptr;
  prometheus::Family<prometheus::Counter>* restarts_ = nullptr;
  prometheus::Gauge* running_pods_ = nullptr;
  prometheus::Family<prometheus::Gauge>* running_containers_ = nullptr;

  std::mutex mutex_;  // guards what follows
  std::map<std::string, pod_share> shares_;   // by pod uid
  std::map<std::string, pod_series> series_;  // by pod uid
};

} // namespace troupe::node_agent::metrics
