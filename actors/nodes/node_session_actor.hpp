#pragma once
// One node's session on the server (ARCHITECTURE §3 node_session[n]; the wire is
// actors/protocol/node_protocol.hpp). Spawned by the node registry when the node's agent
// registers, linked to it; a thin shell over node_registration.hpp:
//   - at start: writes the agent's Node (merged into the stored one; create, or update with
//     resourceVersion and retry on conflict);
//   - pods_push from the registry: forwarded to the agent as pods_atom (protobuf bytes);
//   - report_atom: pod statuses (read-modify-write of .status by uid with resourceVersion,
//     retried on Conflict, coalesced per pod while a write is in flight; a pod with
//     deletionTimestamp is then deleted with grace 0 and a uid precondition), events (created;
//     an existing name is updated), node status (merged, written);
//   - heartbeat_atom: answers the server clock; refreshes Ready's lastHeartbeatTime at most every
//     status_update_frequency (10 s) unless a report changed the status; then (once the Node's
//     write is done) writes again the agent's last status of every pod whose stored status
//     drifted from it (the kubelet status manager's syncBatch, pod_status_reconcile.hpp): the
//     pods_push of each change shows the stored status. So pods marked Ready=False while the node
//     was Unknown are Ready again when its heartbeats resume, without a re-register;
//   - monitors the agent: when it goes down (connection lost, heartbeat timeout) the session ends.
// Store writes go through the store actor's messages (its pool), never on this actor's thread.

#include <caf/fwd.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "actors/nodes/node_registration.hpp"
#include "actors/protocol/node_protocol.hpp"
#include "actors/protocol/server_protocol.hpp"
#include "config/time_format.hpp"

namespace troupe::core::v1 {
class Pod;
}

namespace troupe::nodes {

/// From the registry to a session: pods bound to the node (see pods_atom in node_protocol.hpp).
struct pods_push {
  std::vector<std::shared_ptr<const core::v1::Pod>> pods;
  std::vector<std::string> removed_uids;
  bool full = false;
};

using retry_atom = caf::atom_constant<caf::atom("retry")>;
using node_write_atom = caf::atom_constant<caf::atom("nodewrite")>;

/// The session's own interface: what the agent may send, plus the registry's pushes and the
/// session's timers (local only).
using node_session_local = protocol::node_session_actor::extend<
  caf::reacts_to<pods_push>,
  caf::reacts_to<retry_atom, std::string>,  // write the pending status of this pod uid again
  caf::reacts_to<node_write_atom>>;         // write the Node (registration or status) again

struct node_session_options {
  protocol::store_actor_type store;
  std::function<config::timestamp()> clock;  // empty = the wall clock
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::milliseconds retry_delay{500};
  // Heartbeats refresh the Node's lastHeartbeatTime at most this often (the node lifecycle
  // controller's grace period must be several times longer).
  std::chrono::milliseconds status_update_frequency{node_status_update_frequency};
};

/// Spawned linked to `parent` (the registry). `node_bytes` is the agent's troupe.core.v1.Node,
/// already parsed and checked by the registry.
node_session_local spawn_linked_node_session(caf::local_actor* parent, node_session_options options,
                                             std::string node_name, std::string node_bytes,
                                             protocol::node_agent_actor agent);

config::timestamp session_wall_clock();

} // namespace troupe::nodes

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::nodes::pods_push)
