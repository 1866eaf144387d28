#pragma once
// One node's monitor (ARCHITECTURE §3 node_lifecycle -> node[name]): spawned linked by the node
// lifecycle controller (node_lifecycle_actor.hpp), which feeds it the node's watch events and
// those of the pods bound to it. A thin shell over node_health.hpp and taint_eviction.hpp:
//
// - heartbeat deadline: a timer at the time the node goes stale (plan_node_health's deadline);
//   then, or on any change of the node, it plans the node's health and writes the Node when the
//   plan changes it (conditions Unknown, taints): read-modify-write with resourceVersion, a
//   Conflict retried at once (re-read, re-planned), other failures with retry_backoff(). When its
//   own write turns Ready from True to Unknown it records NodeNotReady on the Node.
//   Adding a NoExecute taint needs the controller's leave (no_execute_atom, zone_disruption.hpp):
//   a monitor starts with `hold` (keep and swap what is there, add nothing) until its node's turn
//   in its zone's queue comes (`allow`); `clear` removes them (master disruption mode).
// - while Ready is Unknown, the node's pods get Ready=False (MarkPodsNotReady, a Warning event
//   NodeNotReady each). Kubernetes marks them only when the controller itself makes the node
//   Unknown: the agent is gone then, so nothing else writes those pods' status.
// - NoExecute taints: each evictable pod is kept, evicted now, or evicted at a time (a timer, the
//   earliest of all); an eviction writes the pod's status (DisruptionTarget, and NodeLost when
//   the node is unreachable, so kubectl shows STATUS Unknown), deletes it gracefully
//   (terminationGracePeriodSeconds, uid precondition: the agent finishes it when it returns) and
//   records TaintManagerEviction "Marking for deletion Pod ns/p". A scheduled eviction that is
//   no longer due (the taint went, a toleration changed) records "Cancelling deletion of Pod".
// - one write per pod at a time; a pod changed meanwhile is looked at again when it finishes.
// Level-triggered: every decision re-reads the object it writes. Time comes from `clock`; tests
// move a fake clock and send check_atom instead of waiting for the timers.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "actors/controllers/node_health.hpp"
#include "actors/protocol/server_protocol.hpp"
#include "config/time_format.hpp"

namespace troupe::controllers {

struct node_monitor_options {
  protocol::store_actor_type store;
  std::function<config::timestamp()> clock;  // required (the controller fills it)
  node_health_options health;
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds min_wakeup{20};  // the shortest timer (no busy loop on a past time)
};

/// The node's latest state from the watch; null when it was deleted.
struct node_seen {
  std::shared_ptr<const core::v1::Node> node;
};

/// A pod bound to the node: its latest state, or `deleted` (then only `uid` counts).
struct pod_seen {
  std::string uid;
  std::shared_ptr<const core::v1::Pod> pod;
  bool deleted = false;
};

using check_atom = caf::atom_constant<caf::atom("check")>;       // plan now (tests: fake clock)
using wake_atom = caf::atom_constant<caf::atom("wake")>;         // internal: a timer
using node_retry_atom = caf::atom_constant<caf::atom("nretry")>; // internal: write the Node again
using pod_retry_atom = caf::atom_constant<caf::atom("pretry")>;  // internal: act on a pod again
using drop_atom = caf::atom_constant<caf::atom("drop")>;         // the node and its pods are gone
using no_execute_atom = caf::atom_constant<caf::atom("noexec")>;  // the no_execute_policy (as int)

using node_monitor_actor_type = caf::typed_actor<
  caf::reacts_to<node_seen>,
  caf::reacts_to<pod_seen>,
  caf::replies_to<check_atom>::with<bool>,  // planned (its writes may still be under way)
  caf::reacts_to<drop_atom>,
  caf::reacts_to<no_execute_atom, int32_t>,
  caf::reacts_to<wake_atom, uint64_t>,
  caf::reacts_to<node_retry_atom>,
  caf::reacts_to<pod_retry_atom, std::string>>;

node_monitor_actor_type spawn_linked_node_monitor(caf::local_actor* parent,
                                                  node_monitor_options options,
                                                  std::string node_name);

} // namespace troupe::controllers

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::controllers::node_seen)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::controllers::pod_seen)
