#pragma once
// The Events a pod actor records, in the kubelet's wording (pkg/kubelet/events, kuberuntime), and
// their coalescing (client-go's EventCorrelator, simplified): CAF-free, time is an argument.
//
// Contract:
// - make_pod_event: involvedObject = the pod (kind Pod, apiVersion v1, namespace, name, uid),
//   with fieldPath "spec.containers{app}" / "spec.initContainers{init}" for a container's event;
//   source.component "kubelet", source.host = the node; reportingComponent "kubelet",
//   reportingInstance = the node; first/lastTimestamp = now; count 1.
// - event_recorder: identical events (same fieldPath, type, reason and message) coalesce into one
//   with count + 1 and lastTimestamp = now; firstTimestamp stays the first one's. take() returns
//   the events recorded or changed since the last take(), each once, in the order they first
//   appeared; counts keep growing across takes (the parent updates the same Event). The
//   recorder names each new event as the kubelet's recorder does, <pod>.<16 hex digits of the
//   first time in ns> (kept unique within the recorder), so a repeat carries the same name and
//   updates that Event instead of making another.
// - Wording helpers return the kubelet's messages ("Started container app", ...).

#include "config/event_name.hpp"
#include <chrono>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "proto/core_v1.pb.h"

namespace troupe::node_agent::pod {

using event_time = std::chrono::system_clock::time_point;

struct event_target {
  std::string container;  // "" = the pod itself
  bool init = false;
};

troupe::core::v1::Event make_pod_event(const troupe::core::v1::Pod& pod, const event_target& on,
                                       const std::string& type, const std::string& reason,
                                       const std::string& message, const std::string& node,
                                       event_time now);

class event_recorder {
public:
  void record(troupe::core::v1::Event e, event_time now);
  std::vector<troupe::core::v1::Event> take();
  bool has_pending() const { return !pending_.empty(); }

private:
  using key = std::tuple<std::string, std::string, std::string, std::string>;
  std::map<key, troupe::core::v1::Event> seen_;
  std::vector<key> pending_;
  config::event_namer names_;
};

/// Go's time.Duration String() at millisecond precision: "0s", "350ms", "1.2s", "2m3.5s".
std::string go_duration(std::chrono::milliseconds d);

namespace wording {
std::string pulling(const std::string& image);             // Pulling image "busybox:1.30"
std::string pulled(const std::string& image, std::chrono::milliseconds took);
std::string already_present(const std::string& image);     // Container image "x" already present on machine
std::string failed_pull(const std::string& image, const std::string& error);
std::string back_off_pull(const std::string& image);       // Back-off pulling image "x"
std::string created(const std::string& container);         // Created container: app
std::string started(const std::string& container);         // Started container app
std::string stopping(const std::string& container);        // Stopping container app
std::string back_off_restart(const troupe::core::v1::Pod& pod, const std::string& container);
std::string liveness_restart(const std::string& container);
std::string probe_failed(const std::string& kind, const std::string& output);  // Liveness probe failed: ...
} // namespace wording

} // namespace troupe::node_agent::pod
