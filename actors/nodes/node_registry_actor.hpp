#pragma once
// The node registry (ARCHITECTURE §3 node_registry; child "node_registry" of the root
// supervisor, in the actor registry as protocol::node_registry_name). The wire is
// actors/protocol/node_protocol.hpp.
//
// - Publishes itself with caf::openssl (mutual TLS with the cluster CA: the actor system's
//   openssl options) on `host:port` — never on every interface unless `host` says so. A failed
//   publish is retried a few times (a restarted registry may find its port still closing), then
//   ends the actor with the error.
// - register_atom: checks the credential against <nodes_dir>/<name>.credential (SHA-256,
//   node_credential.hpp) and that the Node's name is the node's; a refusal is an error to the
//   agent and one log line without the secret. Accepted: spawns the node's session (linked),
//   ending an earlier session of the same name, and replies with it.
// - Watches pods in every namespace with ONE store subscription and dispatches each change by
//   spec.nodeName to that node's session (a batch of events is one push per node): after the
//   initial list (and after every re-list when the watch closed) each session gets its full set,
//   then changes; a pod that moved away or was deleted arrives as a removed uid.
// - get agent (local): the agent handle of a node with a live session, for the pods/log proxy.

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "actors/nodes/node_session_actor.hpp"
#include "actors/protocol/node_protocol.hpp"
#include "actors/protocol/server_protocol.hpp"

namespace troupe::nodes {

using agent_atom = caf::atom_constant<caf::atom("agent")>;
using publish_retry_atom = caf::atom_constant<caf::atom("pubretry")>;
using resubscribe_atom = caf::atom_constant<caf::atom("resub")>;

using node_registry_local = protocol::node_registry_actor::extend<
  caf::replies_to<caf::get_atom, agent_atom, std::string>::with<protocol::node_agent_actor>,
  caf::reacts_to<protocol::watch_batch>,
  caf::reacts_to<publish_retry_atom>,
  caf::reacts_to<resubscribe_atom>>;

struct node_registry_options {
  protocol::store_actor_type store;
  std::string nodes_dir;     // credential digests (<data-dir>/nodes)
  bool publish = true;       // false: local only (tests that connect in-process)
  std::string host = "127.0.0.1";
  uint16_t port = 0;         // 0: any free port
  std::function<void(uint16_t)> on_published;  // the bound port (tests, the log)
  node_session_options session;                // store and clock filled from here when empty
  std::chrono::milliseconds request_timeout{10000};
  unsigned publish_attempts = 10;
};

node_registry_local spawn_node_registry(caf::actor_system& sys, node_registry_options options);

} // namespace troupe::nodes
