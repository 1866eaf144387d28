#pragma once
// Hosting a Troupe node agent inside an existing C++ service (docs/embedding.md): the service
// keeps its own caf::actor_system and its own actors; the node agent joins a cluster and runs
// the pods bound to it, exactly as troupe-node does.
//
//   troupe::node_agent::embed::node_agent_options opts;      // node_agent_options.hpp
//   opts.server = "https://127.0.0.1:6443"; opts.join_token_file = ...; opts.ca_file = ...;
//   opts.node_name = "svc-node"; opts.data_dir = "/var/lib/my-service/node";
//   caf::actor_system_config cfg;                            // the service's own config
//   auto joined = embed::prepare(cfg, opts);                 // BEFORE the system exists
//   if (!joined.ok()) { std::cerr << joined.error << "\n"; return 1; }
//   caf::actor_system sys{cfg};
//   auto agent = embed::start_node_agent(sys, opts, joined);
//   if (!agent.ok()) { ... agent.error ... }
//   ... the service runs ...
//   embed::stop_node_agent(agent.actor);                     // before the system goes away
//
// prepare() blocks (HTTPS join, file reads): call it from main, never from an actor.
// start_node_agent() and stop_node_agent() do not block.
//
// One caf::openssl identity per actor system: prepare() configures openssl.certificate/key/
// cafile with the node's credentials (mutual TLS with the node registry). If the service's config
// already names another certificate, prepare() refuses rather than silently replacing it.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <cstdint>
#include <string>

#include "node-agent/embed/node_agent_options.hpp"
#include "node-agent/join/join_client.hpp"

namespace troupe::node_agent::embed {

/// The outcome of prepare(): the node's credentials and where its registry listens.
struct join_result {
  join::node_credentials credentials;  // files under <data_dir>/pki, the node credential
  bool reused = false;       // true: saved credentials were used, no join request was made
  std::string registry_host; // from credentials.node_address
  uint16_t registry_port = 0;
  std::string error;         // empty on success; one line naming the field or the cause
  bool ok() const { return error.empty(); }
};

/// Before `cfg` makes an actor system: checks `options` (options_problem), reuses the node's
/// saved credentials in <data_dir>/pki or joins the cluster with the join token (blocking HTTPS),
/// then prepares `cfg`: loads caf::io::middleman and caf::openssl::manager unless already loaded,
/// sets openssl.certificate/key/cafile to the node's files, announces the node protocol
/// (actors/protocol/node_protocol.hpp) and turns on middleman heartbeats (1 s, connection timeout
/// 10 s) unless the service set them. On error `cfg` is left unchanged.
join_result prepare(caf::actor_system_config& cfg, const node_agent_options& options);

/// start_node_agent's answer: the node actor's handle, or why there is none.
struct start_result {
  caf::actor actor;
  std::string error;
  bool ok() const { return error.empty(); }
};

/// Spawns the node agent in `sys` (made from the config prepare() returned `joined` for): the
/// container runtime (options.runtime_instance, or a cri_runtime / fake_runtime on its own
/// threads), the prober, and the node actor, which connects to the registry over caf::openssl,
/// registers the Node, heartbeats, reconnects with backoff and runs the pods bound to the node
/// as pod actors. The runtime, its threads and the prober live as long as the actors using them.
start_result start_node_agent(caf::actor_system& sys, const node_agent_options& options,
                              const join_result& joined);

/// Stops the node agent: send_exit (user_shutdown) to the node actor; its pod actors exit with it
/// and the containers keep running (as when the kubelet stops). Its handle was sent to the
/// server, so without this the actor system's destructor would wait forever (CAF 0.17). Safe on
/// an invalid handle.
void stop_node_agent(const caf::actor& agent);

} // namespace troupe::node_agent::embed
