#pragma once
// The pod actor's state and its steps (pod_actor.hpp), shared by pod_actor.cpp (rounds, status,
// timers), pod_actor_actions.cpp (applying the plan's actions) and pod_actor_probes.cpp (probes).
// Internal to the actor: nothing here is part of the node agent's protocol.
//
// A sync round: take a runtime_snapshot -> plan_pod_sync -> report the status -> apply the
// actions one at a time (each runtime call answers with a step message) -> on the last action, or
// on the first that fails, start the next round at once. A round with no action rests: the next
// one starts on a message (pod_atom, sync_atom), at the plan's next_sync, after status_poll while
// a container runs, or after resync. Messages that arrive during a round mark it dirty.

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "node-agent/agent/agent_protocol.hpp"
#include "node-agent/metrics/node_metrics.hpp"
#include "node-agent/pod/crash_backoff.hpp"
#include "node-agent/pod/pod_events.hpp"
#include "node-agent/pod/pod_observations.hpp"
#include "node-agent/pod/pod_runtime_config.hpp"
#include "node-agent/pod/pod_sync_plan.hpp"
#include "node-agent/pod/probe_tracker.hpp"
#include "node-agent/pod/runtime_snapshot.hpp"
#include "node-agent/probe/prober.hpp"

namespace troupe::node_agent::pod_actor_detail {

namespace v1 = troupe::core::v1;
using time_point = std::chrono::system_clock::time_point;
using std::chrono::milliseconds;

// Internal messages (a runtime or prober callback sends them to the actor).
using snap_atom = caf::atom_constant<caf::atom("psnap")>;     // (round, snapshot)
using step_atom = caf::atom_constant<caf::atom("pstep")>;     // (round, stage, call_result)
using wake_atom = caf::atom_constant<caf::atom("pwake")>;     // (generation)
using probe_atom = caf::atom_constant<caf::atom("pprobe")>;   // (container, kind, generation)
using probed_atom = caf::atom_constant<caf::atom("pprobed")>; // (container, kind, gen, outcome)

using snapshot_ptr = std::shared_ptr<const pod::runtime_snapshot>;

/// Which call of an action answered.
enum class stage : int {
  sandbox_run, sandbox_status, pulled, created, started, post_start, post_start_killed,
  pre_stop, stopped, sandbox_stopped, sandbox_removed
};

struct call_result {
  runtime::status status;
  std::string value;            // sandbox id, container id, image ref
  std::string ip;               // sandbox status
  probe::probe_outcome hook;    // post_start, pre_stop
};
using call_result_ptr = std::shared_ptr<const call_result>;
using outcome_ptr = std::shared_ptr<const probe::probe_outcome>;

/// The probes of one app container, for its current instance.
struct container_probes {
  std::string container_id;  // the instance probed; "" = none running
  uint64_t generation = 0;   // bumped per instance: timers of an older one are ignored
  std::map<int, pod::probe_tracker> trackers;  // by probe_kind
  std::map<int, time_point> began;             // by probe_kind: the attempt in flight
  bool startup_passed = true;
  bool ready = true;
};

struct pod_actor_state {
  static inline const char* name = "pod-actor";

  caf::event_based_actor* self = nullptr;
  pod_actor_context ctx;
  pod_ptr pod;
  caf::actor parent;
  std::shared_ptr<probe::prober> prober;
  pod::node_facts facts;

  // -- the round in progress
  uint64_t round = 0;
  bool busy = false;
  bool dirty = false;
  int busy_rounds = 0;  // rounds in a row that had actions; bounds a hot loop
  snapshot_ptr snap;
  std::vector<pod::sync_action> actions;
  size_t next_action = 0;
  time_point action_began{};
  time_point kill_deadline{};
  std::string pulled_image;  // pulled earlier in this round (no "already present" event)
  std::string container_id;  // the container the current action created or stops

  // -- kept across rounds
  std::map<std::string, pod::pull_failure> pull_failures;  // by image
  std::map<std::string, milliseconds> pull_delay;          // by image
  std::map<std::string, pod::crash_backoff> backoffs;      // by container name
  std::map<std::string, pod::waiting_container> errors;    // ErrImagePull, CreateContainerError
  std::vector<pod::waiting_container> plan_waiting;
  std::vector<pod::sync_action> forced_kills;              // liveness / startup failures
  std::map<std::string, container_probes> probes;          // by container name
  std::optional<runtime::sandbox_config> sandbox_cfg;  // for CreateContainer
  std::string sandbox_cfg_id;                          // the sandbox it belongs to
  std::string sandbox_id, pod_ip;
  std::optional<time_point> deletion_started;
  bool killed = false;
  uint64_t wake_generation = 0;
  v1::PodStatus published;
  bool published_once = false;
  time_point first_seen{};      // when this actor began: kubelet_pod_start_duration_seconds
  bool start_recorded = false;  // observed once per pod (or it ran already when adopted)
  pod::event_recorder events;

  // pod_actor.cpp
  time_point now() const;
  void request_sync();
  void start_round();
  void on_snapshot(uint64_t r, const snapshot_ptr& s);
  void apply_next();
  void end_round(bool ok);
  void rest(const pod::sync_plan& plan);
  void report(bool finished = false);
  void event(const pod::event_target& on, const std::string& type, const std::string& reason,
             const std::string& message);
  const v1::Container* spec_container(const std::string& name, bool* init = nullptr) const;
  probe::probe_target target(const std::string& container_id, const v1::Container& c) const;
  metrics::pod_ref metrics_ref() const;
  void record_runtime_state(const pod::runtime_snapshot& s);   // the running gauges
  void record_status(const v1::PodStatus& before, const v1::PodStatus& now);  // start, restarts

  // pod_actor_actions.cpp
  void apply(const pod::sync_action& a);
  void on_step(uint64_t r, stage s, const call_result& res);
  std::function<void(call_result)> answer(stage s);

  // pod_actor_probes.cpp
  void track_probes();  // after a snapshot: (re)start or stop the trackers
  void schedule_probe(const std::string& container, int kind);
  void run_probe(const std::string& container, int kind, uint64_t gen);
  void on_probed(const std::string& container, int kind, uint64_t gen,
                 const probe::probe_outcome& out);
  std::map<std::string, pod::probe_flags> probe_flags() const;
};

} // namespace troupe::node_agent::pod_actor_detail

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::node_agent::pod_actor_detail::snapshot_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::node_agent::pod_actor_detail::call_result_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::node_agent::pod_actor_detail::outcome_ptr)
