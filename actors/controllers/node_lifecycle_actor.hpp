#pragma once
// The node lifecycle controller (child "node_lifecycle" of the controllers supervisor;
// ARCHITECTURE §3 node_lifecycle -> node[name]): Kubernetes' node lifecycle controller and
// taint-eviction controller. It watches Nodes and Pods (every namespace) through the store actor
// and keeps one node_monitor actor per node name (node_monitor_actor.hpp, linked: a crash takes
// the controller down and its supervisor restarts it, which rebuilds everything from the store).
// Each Node event goes to its monitor; each Pod event to the monitor of spec.nodeName (unbound
// pods are not its business). A monitor is dropped when its Node is deleted and no pod is bound
// to it any more.
//
// Zones (zone_disruption.hpp): after each batch of Node events it computes every zone's state
// (handleDisruption), keeps a rate-limited queue per zone of the not-ready/unreachable nodes that
// lack their NoExecute taint, and tells each monitor whether it may add it (no_execute_atom:
// hold until the node's turn, allow, or clear in master disruption mode). A timer releases the
// next node when its zone's bucket has a token again; check_atom runs a pass too (fake clock).
// Log lines (Kubernetes' wording) go to `log`.
//
// A closed watch (gone) subscribes anew from scratch; what the new initial events do not bring
// back by their end (the initial-events-end bookmark) was deleted meanwhile and is reported as
// deleted to the monitors.

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>

#include "actors/controllers/node_health.hpp"
#include "actors/controllers/node_monitor_actor.hpp"
#include "actors/controllers/zone_disruption.hpp"
#include "actors/protocol/server_protocol.hpp"
#include "config/time_format.hpp"

namespace troupe::controllers {

struct node_lifecycle_options {
  protocol::store_actor_type store;
  std::function<config::timestamp()> clock;  // empty = the wall clock
  node_health_options health;                // grace periods
  zone_options zones;                        // eviction rates, unhealthy zone thresholds
  std::function<void(const std::string&)> log;  // empty = stderr ("troupe-server: <line>")
  std::chrono::milliseconds request_timeout{10000};
};

using lifecycle_resubscribe_atom = caf::atom_constant<caf::atom("resub")>;
using lifecycle_tick_atom = caf::atom_constant<caf::atom("ztick")>;

using node_lifecycle_actor_type = caf::typed_actor<
  caf::reacts_to<protocol::watch_batch>,
  // Every monitor plans now; the answer (the number of monitors) comes when all have. Tests
  // move a fake clock, then check; a monitor has seen its Node before its first check.
  caf::replies_to<check_atom>::with<uint64_t>,
  caf::reacts_to<lifecycle_resubscribe_atom, bool>,  // internal: true = nodes, false = pods
  caf::reacts_to<lifecycle_tick_atom, uint64_t>>;    // internal: a zone queue's next token

node_lifecycle_actor_type spawn_node_lifecycle(caf::actor_system& sys,
                                               node_lifecycle_options options);

} // namespace troupe::controllers
