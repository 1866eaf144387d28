#pragma once
// The node lifecycle controller's decisions about one Node, as pure functions (CAF-free; the
// actors node_lifecycle_actor / node_monitor_actor apply them). Kubernetes 1.32
// pkg/controller/nodelifecycle: tryUpdateNodeHealth, doNoExecuteTaintingPass,
// doNoScheduleTaintingPass, and MarkPodsNotReady (pkg/controller/util/node).
//
// Heartbeats. The controller notes, by its own clock, when it last saw Ready's lastHeartbeatTime
// change (heartbeat_observation, observe_heartbeat). A node whose heartbeat has not changed for
// longer than the grace period (nodeMonitorGracePeriod, 50 s in Kubernetes 1.32; for a node that
// never posted a Ready condition the startup grace, 60 s) is stale. Measuring from the
// controller's own observation rather than from the timestamp's value is what Kubernetes does:
// the writers' clocks do not matter, and a restarted controller gives every node a fresh grace
// period instead of finding them all stale at once.
//
// A stale node's Ready, MemoryPressure, DiskPressure and PIDPressure conditions become Unknown:
//   present and not Unknown -> reason NodeStatusUnknown, message "Kubelet stopped posting node
//                              status.", lastTransitionTime now, lastHeartbeatTime kept;
//   missing                 -> added Unknown, NodeStatusNeverUpdated, "Kubelet never posted node
//                              status.", lastHeartbeatTime = creationTimestamp, transition now.
//
// Taints, from the conditions after that:
//   NoExecute (taint-based eviction): Ready False -> node.kubernetes.io/not-ready, Ready Unknown
//     -> node.kubernetes.io/unreachable, with timeAdded now when added; Ready True -> neither;
//     no Ready condition -> left as they are.
//   NoSchedule (TaintNodesByCondition, so the scheduler keeps new pods off): Ready False/Unknown
//     -> not-ready/unreachable; MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable True
//     -> memory-pressure, disk-pressure, pid-pressure, network-unavailable; spec.unschedulable ->
//     unschedulable. No timeAdded (Kubernetes sets none on these).
// Adding a NoExecute taint is rate limited per zone (zone_disruption.hpp): the caller says what
// it may do with them (no_execute_policy): allow = add as above; hold = keep those present and
// swap unreachable <-> not-ready at once when Ready changes between False and Unknown, add none
// (the node waits in its zone's queue); clear = remove both (master disruption mode). Ready True
// removes them under every policy.
// A managed taint already present (same key and effect) stays as it is, timeAdded included;
// every other taint (users', other effects) is kept in its place; new ones are appended.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/time_format.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::controllers {

constexpr const char* taint_not_ready = "node.kubernetes.io/not-ready";
constexpr const char* taint_unreachable = "node.kubernetes.io/unreachable";
constexpr const char* taint_unschedulable = "node.kubernetes.io/unschedulable";
constexpr const char* taint_memory_pressure = "node.kubernetes.io/memory-pressure";
constexpr const char* taint_disk_pressure = "node.kubernetes.io/disk-pressure";
constexpr const char* taint_pid_pressure = "node.kubernetes.io/pid-pressure";
constexpr const char* taint_network_unavailable = "node.kubernetes.io/network-unavailable";

enum class no_execute_policy { allow, hold, clear };

struct node_health_options {
  std::chrono::milliseconds grace{50000};          // --node-monitor-grace-period
  std::chrono::milliseconds startup_grace{60000};  // --node-startup-grace-period
};

/// What the controller saw of a node's heartbeat, by its own clock.
struct heartbeat_observation {
  bool seen = false;         // false: never observed (the first observation starts the clock)
  bool has_ready = false;    // Ready existed when observed
  int64_t heartbeat = 0;     // Ready's lastHeartbeatTime (seconds) when observed
  config::timestamp probe;   // when the controller saw it change last
};

/// `before` updated with `node` seen at `now`: probe = now on the first observation and whenever
/// Ready's lastHeartbeatTime (or its presence) differs from the one observed before.
heartbeat_observation observe_heartbeat(const heartbeat_observation& before,
                                        const core::v1::Node& node, config::timestamp now);

struct node_health_plan {
  std::optional<core::v1::Node> update;      // the Node to write; nullopt: nothing changes
  std::string ready;                         // Ready's status after the plan ("" when absent)
  bool stale = false;                        // the heartbeat is older than the grace period
  std::optional<config::timestamp> deadline; // when it goes stale if no heartbeat comes
                                             // (nullopt when stale already)
};

/// The plan for `node` given what was observed of its heartbeat (`seen`, already updated with
/// observe_heartbeat for this `node`). `update` keeps metadata.resourceVersion (a conditional
/// write).
node_health_plan plan_node_health(const core::v1::Node& node, const heartbeat_observation& seen,
                                  config::timestamp now, const node_health_options& options,
                                  no_execute_policy policy = no_execute_policy::allow);

/// `taints` with the managed taints made to match `node`'s conditions and spec.unschedulable
/// (the rules above); `changed` says whether anything was added or removed.
std::vector<core::v1::Taint> condition_taints(const core::v1::Node& node, config::timestamp now,
                                              bool& changed,
                                              no_execute_policy policy = no_execute_policy::allow);

/// Whether `node` has the managed NoExecute taint its Ready condition calls for (not-ready for
/// False, unreachable for Unknown); false for Ready True or none.
bool has_condition_no_execute_taint(const core::v1::Node& node);

/// The status of the node's Ready condition ("" when it has none).
std::string ready_status(const core::v1::Node& node);

/// MarkPodsNotReady for one pod: the pod with its Ready condition False (lastTransitionTime now),
/// or nullopt when it has no Ready condition or it is False already.
std::optional<core::v1::Pod> pod_marked_not_ready(const core::v1::Pod& pod, config::timestamp now);

/// `t` moved by `d` (may be negative).
config::timestamp add_duration(config::timestamp t, std::chrono::milliseconds d);
/// a < b.
bool earlier(config::timestamp a, config::timestamp b);
/// b - a in milliseconds (negative when b is earlier).
std::chrono::milliseconds between(config::timestamp a, config::timestamp b);

} // namespace troupe::controllers
