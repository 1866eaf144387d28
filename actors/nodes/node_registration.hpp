#pragma once
// What a node session writes to the store, as pure functions (CAF-free; the actors in
// node_registry_actor.* and node_session_actor.* only apply these).
//
// - Registration merges the agent's Node into the stored one as the kubelet does
//   (kubelet_node_status.go: tryRegisterWithAPIServer / updateDefaultLabels): the agent owns
//   .status and the kubelet labels (kubernetes.io/hostname, kubernetes.io/os, kubernetes.io/arch
//   and their beta.kubernetes.io twins); user labels, annotations, taints, unschedulable and
//   podCIDR of an existing Node are kept. A new Node is the agent's.
// - Node status reports replace .status; each condition's lastHeartbeatTime becomes now, and its
//   lastTransitionTime is kept while its status stays the same (the kubelet's setters).
// - Heartbeats refresh the conditions' lastHeartbeatTime at most every
//   node_status_update_frequency (10 s, the kubelet's nodeStatusUpdateFrequency; the session's
//   option, 1 s in troupe-server's fast profile) unless a report
//   changed something.
// - Pod status writes set .status of the pod with the reported uid and keep everything else;
//   only pods bound to the reporting node.
// - Events get a name when they have none (`<involvedObject.name>.<hex nanoseconds>`, as
//   client-go's recorder names them) and the involved object's namespace when they have none.

#include <chrono>
#include <optional>
#include <string>

#include "config/time_format.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::nodes {

constexpr std::chrono::seconds node_status_update_frequency{10};

/// True for the labels the agent owns on its Node.
bool is_agent_label(const std::string& key);

/// The Node to write when `reported` (the agent's Node from register_atom) registers over
/// `existing` (null: none stored). Keeps metadata.resourceVersion of `existing` (a conditional
/// update).
core::v1::Node merge_registered_node(const core::v1::Node* existing, const core::v1::Node& reported,
                                     config::timestamp now);

/// The NodeStatus to store for `reported` over `current`, stamped at `now`.
core::v1::NodeStatus merge_node_status(const core::v1::NodeStatus& current,
                                       const core::v1::NodeStatus& reported, config::timestamp now);

/// `current` with every condition's lastHeartbeatTime = now.
core::v1::NodeStatus refresh_heartbeat(const core::v1::NodeStatus& current, config::timestamp now);

/// The newest lastHeartbeatTime among `status`'s conditions; nullopt when none has one. The session
/// counts its next heartbeat from this written time, not from when the write's reply arrived.
std::optional<config::timestamp> last_heartbeat(const core::v1::NodeStatus& status);

/// A heartbeat write is due when `last_write` (of the node's status) is at least the update
/// frequency before `now`.
bool heartbeat_due(config::timestamp last_write, config::timestamp now,
                   std::chrono::milliseconds every = node_status_update_frequency);

/// The Pod to write for a status report of node `node`: `current` with `reported`'s status, or
/// nullopt when `current` is another pod (uid differs: the reported one is gone) or is not bound
/// to `node` (a node writes only its own pods, as Kubernetes' NodeRestriction admission says).
std::optional<core::v1::Pod> pod_status_write(const core::v1::Pod& current,
                                              const core::v1::Pod& reported,
                                              const std::string& node);

/// `event` ready to create: a name and a namespace if it had none.
core::v1::Event prepare_event(core::v1::Event event, config::timestamp now);

} // namespace troupe::nodes
