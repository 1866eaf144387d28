#pragma once
// The pod actor (agent_protocol.hpp): one per pod uid on a node. Lifecycle: sandbox -> image pulls
// -> init containers in order -> app containers -> postStart -> probes -> restarts with crash
// backoff -> termination (preStop within the grace period, force kill, sandbox removal). Applies
// pod_sync_plan's actions in order; computes the status with compute_pod_status; reports to its
// parent. Never blocks: runtime calls and probes answer through callbacks that only send the actor
// a message.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "node-agent/agent/agent_protocol.hpp"

namespace troupe::node_agent {

/// Spawns the pod actor for `pod` (the first object seen). Reports go to `parent` as pod_report.
pod_actor_type spawn_pod_actor(caf::actor_system& sys, pod_actor_context context, pod_ptr pod,
                               caf::actor parent);

} // namespace troupe::node_agent
