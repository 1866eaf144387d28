#pragma once
// The node actor (agent_protocol.hpp): one per troupe-node. It
// - connects to the node registry (caf::openssl or plain middleman, asynchronously through the
//   manager's actor_handle and connect_atom; the interface is checked with assignable), registers
//   with the Node object (node_protocol.hpp), monitors the registry and its session, heartbeats
//   (a request with a timeout every heartbeat_interval), and on a DOWN or failed heartbeats
//   reconnects with backoff (initial doubling to max; never sooner than down_wait after a DOWN:
//   CAF 0.17 may hand back the dead node's stale proxy right after it) and registers again;
// - keeps its pods running while disconnected (nothing is stopped for lack of a server);
// - receives pods (pods_atom): spawns one pod actor per new uid (linked: they stop with the node
//   actor), forwards changes, kills uids no longer bound, and after every full set stops and
//   removes orphan sandboxes (pod_assignment.hpp);
// - coalesces pod reports per uid and flushes them to the session in one report_atom at most
//   report_flush after the first one (held while disconnected; everything known is sent again
//   after a re-register); node status changes go with the next report;
// - serves logs_atom: finds the container by its labels, reads the CRI log file on a helper thread
//   (never on a CAF worker) and answers through a response promise.
// On exit (send_exit from main on SIGTERM) its pod actors exit too, leaving containers running,
// as the kubelet does when it stops.

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "node-agent/agent/agent_protocol.hpp"
#include "node-agent/agent/node_info.hpp"
#include "node-agent/agent/connection_metrics.hpp"

namespace troupe::node_agent {

using namespace std::chrono_literals;

/// How the node actor starts a pod actor; spawn_pod_actor in production, doubles in tests.
using pod_actor_factory = std::function<pod_actor_type(
  caf::actor_system&, pod_actor_context, pod_ptr, caf::actor parent)>;

struct node_actor_timing {
  std::chrono::milliseconds heartbeat_interval = 2s;
  std::chrono::milliseconds heartbeat_timeout = 5s;
  int heartbeat_failures = 2;  // this many failed heartbeats in a row: reconnect
  std::chrono::milliseconds backoff_initial = 200ms;
  std::chrono::milliseconds backoff_max = 5s;
  std::chrono::milliseconds down_wait = 100ms;
  std::chrono::milliseconds connect_timeout = 10s;
  std::chrono::milliseconds register_timeout = 10s;
  std::chrono::milliseconds report_flush = 50ms;
  std::chrono::milliseconds node_status_interval = 10s;  // look at the runtime's conditions
  std::chrono::milliseconds node_status_refresh = 60s;   // send the status at least this often
  std::chrono::milliseconds runtime_timeout = 10s;
};

struct node_actor_config {
  node_settings node;
  host_facts host;
  std::string credential;
  /// Where the registry is published ("host", port). An empty host: the registry is the actor
  /// registered as protocol::node_registry_name in this actor system (tests, embedding).
  std::string registry_host;
  uint16_t registry_port = 0;
  bool tls = true;  // caf::openssl (mutual TLS) or the plain middleman
  pod_actor_context pod_context;
  pod_actor_factory spawn_pod;
  node_actor_timing timing;
  /// Log lines ("registered with ...", "connection lost ..."); default: stderr.
  std::function<void(const std::string&)> log;
  /// Wall clock for event names and status times; default: the system clock.
  std::function<std::chrono::system_clock::time_point()> clock;
  /// Counters and gauges (connection_metrics.hpp); default: none.
  connection_metrics metrics;
};

/// Spawns the node actor. The handle is untyped (it also receives pod_report and its own timers);
/// the server sees it as protocol::node_agent_actor.
caf::actor spawn_node_actor(caf::actor_system& sys, node_actor_config config);

} // namespace troupe::node_agent
