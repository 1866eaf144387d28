#pragma once
// The Events the node lifecycle controller records, worded as Kubernetes 1.32 words them
// (CAF-free). Each is ready to create: named `<involvedObject.name>.<hex nanoseconds>` like
// client-go's recorder, in the pod's namespace ("default" for a Node), count 1, first and last
// timestamp now, source.component = reportingComponent = the Kubernetes controller's name.
//
//   node_status_event: Normal  NodeNotReady        "Node <n> status is now: NodeNotReady"
//                      (node-controller, RecordNodeStatusChange; also NodeReady)
//   pod_not_ready_event: Warning NodeNotReady      "Node is not ready"
//                      (node-controller, MarkPodsNotReady)
//   eviction_event:    Normal  TaintManagerEviction "Marking for deletion Pod <ns>/<p>", or when
//                      cancelled "Cancelling deletion of Pod <ns>/<p>" (taint-eviction-controller)

#include <string>

#include "config/time_format.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::controllers {

constexpr const char* node_controller_component = "node-controller";
constexpr const char* taint_eviction_component = "taint-eviction-controller";

/// The shape every controller's Event shares (the ones below, replicaset_events.hpp): about
/// `involved`, from `component`, `type` Normal or Warning, count 1, ready to create.
core::v1::Event controller_event(core::v1::ObjectReference involved, const char* component,
                                 const char* type, const std::string& reason,
                                 const std::string& message, config::timestamp now);

/// An Event time its recorder has not used yet: `now`, or 1 ns after the last one (`last_ns`,
/// updated) when the clock has not moved. Event names carry the time in nanoseconds, and a fake
/// clock stands still.
config::timestamp unique_event_time(config::timestamp now, int64_t& last_ns);

/// `new_status` is "NodeNotReady" or "NodeReady".
core::v1::Event node_status_event(const core::v1::Node& node, const std::string& new_status,
                                  config::timestamp now);

core::v1::Event pod_not_ready_event(const core::v1::Pod& pod, config::timestamp now);

core::v1::Event eviction_event(const core::v1::Pod& pod, bool cancelled, config::timestamp now);

} // namespace troupe::controllers
