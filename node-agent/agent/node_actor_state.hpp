#pragma once
// The node actor's state and internal messages (node_actor.hpp), shared by node_actor.cpp (pods,
// reports, logs) and node_connection.cpp (registry connection, heartbeats, node status). Private
// to the node actor: nothing else includes it.

#include <caf/all.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actors/protocol/node_protocol.hpp"
#include "node-agent/agent/node_actor.hpp"
#include "node-agent/agent/report_batch.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::node_agent::runtime::version_info)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<troupe::node_agent::runtime::runtime_condition>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<troupe::node_agent::runtime::sandbox_info>)

namespace troupe::node_agent {

// --- internal atoms (at most 10 characters)
using respawn_atom = caf::atom_constant<caf::atom("nrespawn")>;
using orphans_atom = caf::atom_constant<caf::atom("norphans")>;
using log_done_atom = caf::atom_constant<caf::atom("nlogdone")>;
using reconnect_atom = caf::atom_constant<caf::atom("nconnect")>;
using beat_atom = caf::atom_constant<caf::atom("nbeat")>;
using flush_atom = caf::atom_constant<caf::atom("nflush")>;
using status_tick_atom = caf::atom_constant<caf::atom("nstatus")>;
using version_atom = caf::atom_constant<caf::atom("nversion")>;
using conditions_atom = caf::atom_constant<caf::atom("nconds")>;

struct pod_entry {
  pod_actor_type actor;
  pod_ptr latest;
  bool killed = false;
};

struct node_actor_state {
  static inline const char* name = "troupe-node";

  node_actor_config cfg;
  std::function<void(const std::string&)> log;

  // -- pods
  std::map<std::string, pod_entry> pods;              // by uid: pods with a pod actor
  std::map<caf::actor_addr, std::string> uid_by_addr;  // pod actor -> uid
  std::set<std::string> bound_uids;     // the last full set plus later additions
  std::set<std::string> finished_uids;  // finished here; ignored until gone from a full set
  report_batch batch;
  uint64_t next_log_request = 0;
  std::map<uint64_t, caf::typed_response_promise<std::string, int64_t, bool>> log_promises;

  // -- connection
  enum class phase { waiting_for_runtime, disconnected, connecting, registered };
  phase ph = phase::waiting_for_runtime;
  uint64_t generation = 0;  // every attempt and every loss starts a new one; stale answers drop
  protocol::node_registry_actor registry;
  protocol::node_session_actor session;
  std::chrono::milliseconds backoff{0};
  int heartbeat_misses = 0;
  bool flush_scheduled = false;

  // -- runtime and node status
  bool have_version = false;
  runtime::version_info version;
  std::vector<runtime::runtime_condition> conditions;
  std::optional<troupe::core::v1::NodeStatus> last_status;  // as last sent
  int64_t last_status_sent_s = 0;

  std::chrono::system_clock::time_point now() const {
    return cfg.clock ? cfg.clock() : std::chrono::system_clock::now();
  }
  int64_t now_ns() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(now().time_since_epoch()).count();
  }
  int64_t now_s() const { return now_ns() / 1'000'000'000; }
};

using node_actor_self = caf::stateful_actor<node_actor_state>*;

// node_connection.cpp
/// Asks the runtime for its version and conditions; the first answer starts connecting.
void start_runtime_watch(node_actor_self self);
/// Flushes the batch to the session within report_flush (if registered and anything is pending).
void schedule_flush(node_actor_self self);
/// Lists this node's sandboxes; the answer comes back as orphans_atom.
void request_orphan_listing(node_actor_self self);
/// A monitored registry or session went down (stale ones are ignored).
void on_connection_down(node_actor_self self, caf::down_msg& dm);
/// Handlers for the connection's own messages (reconnect, heartbeat, flush, runtime answers).
caf::message_handler connection_handlers(node_actor_self self);

} // namespace troupe::node_agent
