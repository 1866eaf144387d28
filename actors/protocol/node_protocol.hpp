#pragma once
// The wire between troupe-server and its node agents (ARCHITECTURE §6), in one place for both
// sides. Every message here crosses machines over CAF's middleman with mutual TLS, so:
// - only types CAF 0.17 serializes out of the box (atoms, integers, bool, std::string,
//   std::vector<std::string>) and the typed handles below (announced by announce_node_protocol,
//   which BOTH processes must call on their actor_system_config before the system starts);
// - API objects travel as Kubernetes protobuf bytes (troupe.core.v1.Pod, Node, NodeStatus, Event:
//   SerializeAsString / ParseFromString), so either side can be upgraded without breaking the
//   other;
// - every request has a timeout (requests to a dead remote actor fail only by their timeout).
//
// The handshake:
//   1. (before CAF) the node joins over the HTTPS API with the cluster's join token and gets a
//      node certificate signed by the cluster CA plus a node credential (node_join.hpp);
//   2. the node connects to the node registry published with caf::openssl (mutual TLS, cluster CA),
//      and sends register_atom with its name, its credential, its Node object and its own
//      node_agent_actor handle; a wrong credential is refused (error, logged without the secret);
//   3. the registry replies with the node's node_session_actor; the session monitors the agent
//      and pushes the pods bound to the node (`spec.nodeName`), first the full set, then changes;
//   4. the agent sends heartbeats and batched reports (pod statuses, events, node status) to its
//      session; the session writes them to the store.
// Either side seeing the other go down (down_msg) starts over: the agent reconnects with backoff
// and registers again; the session ends.

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace troupe::protocol {

// --- atoms (at most 10 characters)
using register_atom = caf::atom_constant<caf::atom("register")>;
using pods_atom = caf::atom_constant<caf::atom("pods")>;
using report_atom = caf::atom_constant<caf::atom("report")>;
using heartbeat_atom = caf::atom_constant<caf::atom("heartbeat")>;
using logs_atom = caf::atom_constant<caf::atom("logs")>;

/// The name under which troupe-server's node registry is in its actor registry.
constexpr caf::atom_value node_registry_name = caf::atom("nodes");

/// A node agent, as the server sees it (the handle the agent sends in register_atom).
using node_agent_actor = caf::typed_actor<
  // The pods bound to this node (each a troupe.core.v1.Pod, protobuf bytes, with its
  // metadata.deletionTimestamp when it is being deleted). `full` = true: exactly these pods are
  // bound to the node now; any other pod the agent runs is to be stopped and removed (sent after
  // every register). `full` = false: these pods were added or changed, and `removed_uids` are
  // pods whose objects are gone from the store (force-deleted): stop them at once.
  caf::reacts_to<pods_atom, std::vector<std::string> /*pods*/,
                 std::vector<std::string> /*removed_uids*/, bool /*full*/>,
  // pods/log for one container: (namespace, pod, container, previous, tailLines (-1 = all),
  // sinceSeconds (0 = no limit), timestamps, limitBytes (0 = no limit), offset). offset < 0: the
  // first read, which applies tailLines/sinceSeconds; offset >= 0: continue a follow from a
  // previous reply's next offset, returning only newer bytes. Replies (log text in Kubernetes'
  // `kubectl logs` form, next offset, whether the container may still write more). An error
  // (caf::sec or a string-carrying error) for an unknown pod/container, with the message the
  // API server shows (e.g. `container "x" in pod "y" is not available`).
  caf::replies_to<logs_atom, std::string, std::string, std::string, bool, int64_t, int64_t, bool,
                  int64_t, int64_t>::with<std::string, int64_t, bool>>;

/// One node's session on the server (the registry's reply to register_atom).
using node_session_actor = caf::typed_actor<
  // Batched reports: pod statuses (each a troupe.core.v1.Pod with metadata namespace, name, uid
  // and the whole status, protobuf bytes; the session writes .status of the pod with that uid),
  // events (troupe.core.v1.Event, protobuf bytes; the session creates them), and the node's
  // status (troupe.core.v1.NodeStatus bytes; empty = unchanged since the last report).
  // A reported Pod whose metadata.deletionTimestamp is set means "terminated on the node, nothing
  // of it left": the session writes its final status, then deletes the object (grace 0, uid
  // precondition), as the kubelet's status manager does.
  caf::reacts_to<report_atom, std::vector<std::string> /*pod statuses*/,
                 std::vector<std::string> /*events*/, std::string /*node status*/>,
  // Liveness of the agent; the reply is the server's clock in ms since the epoch.
  caf::replies_to<heartbeat_atom>::with<int64_t>>;

/// The node registry, published by troupe-server with caf::openssl on its node address.
using node_registry_actor = caf::typed_actor<
  // (node name, node credential from the join, troupe.core.v1.Node bytes: labels, capacity,
  // allocatable, nodeInfo, addresses; the agent's handle). A wrong credential or a name that does
  // not match the credential's node: an error, and the attempt is logged without the secret.
  caf::replies_to<register_atom, std::string, std::string, std::string,
                  node_agent_actor>::with<node_session_actor>>;

/// Announces the typed handles above for remote messaging. Call on every actor_system_config
/// that talks to the other side (troupe-server, troupe-node, an embedding service).
inline void announce_node_protocol(caf::actor_system_config& cfg) {
  cfg.add_message_type<node_agent_actor>("troupe_node_agent");
  cfg.add_message_type<node_session_actor>("troupe_node_session");
  cfg.add_message_type<node_registry_actor>("troupe_node_registry");
}

} // namespace troupe::protocol
