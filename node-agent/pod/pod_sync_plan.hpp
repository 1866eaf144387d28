#pragma once
// The pod actor's SyncPod decisions as a value (CONVENTIONS 1-2): given the pod, what the agent
// observed of its sandbox, containers and images, and `now`, which runtime actions to take, in
// order, and when to look again. Mirrors the kubelet's kuberuntime computePodActions /
// SyncPod / findNextInitContainerToRun / doBackOff / EnsureImageExists. Pure: no runtime calls.
//
// Contract:
// - Deletion (metadata.deletionTimestamp set): kill every running container (app containers in
//   spec order, then init containers, then unknown ones), each with the grace period
//   (metadata.deletionGracePeriodSeconds, else spec.terminationGracePeriodSeconds, else 30) and
//   its preStop hook first when it has one; then stop and remove the sandbox. `finished` when no
//   sandbox is left.
// - Containers not in the spec (by name) are killed first, with the pod's grace period, no hook.
// - Sandbox missing or not ready: kill what still runs, create a new sandbox (attempt + 1) and
//   start over from the first init container (or all app containers). Exception (kubelet): with
//   restartPolicy Never, a pod whose sandbox died after containers were made is not recreated.
// - Init containers (restartPolicy Always "sidecars" are treated as plain init containers: not
//   supported yet) run strictly in order, one at a time, each to exit 0. A running one is waited
//   for. A failed one (exit != 0, or state created/unknown) restarts with crash backoff under
//   OnFailure/Always (an unknown one is killed first); under Never the pod fails: `pod_failed`,
//   everything killed and the sandbox stopped. Once any app container exists, init is over.
// - App containers run once init is done: a running one is kept; one never created starts; a
//   created or unknown one starts anew (an unknown one is killed first); an exited one
//   restarts per restartPolicy (Always: any exit; OnFailure: non-zero exit; Never: no)
//   unless its crash backoff holds: then a waiting entry CrashLoopBackOff and a wake-up at the
//   backoff's end instead of a start. A container whose restart is not due is not an action.
// - Images, per container about to start (imagePullPolicy; default Always for ":latest" or no tag,
//   else IfNotPresent): Never + absent -> waiting ErrImageNeverPull, no start; IfNotPresent +
//   present -> no pull; else a pull_image action before the start unless a recorded pull failure's
//   backoff holds -> waiting ImagePullBackOff and a wake-up. Images match the spec string exactly
//   (the actor normalizes references before filling the observation).
// - Nothing running, nothing to start, nothing waiting on a backoff, sandbox ready: stop the
//   sandbox (kubelet's KillPod when no container is kept).
// - Apply rule for the actor: actions in order; an action that fails ends this sync (the actor
//   records the failure, e.g. ErrImagePull with a pull backoff, and re-syncs).
// Not covered: liveness-probe kills, in-place resize, spec changes of a running container (hash).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "node-agent/pod/crash_backoff.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::node_agent::pod {

using sync_time = std::chrono::system_clock::time_point;

/// One container as the runtime shows it (the latest instance of that name in the sandbox).
struct container_run {
  enum class state_kind { created, running, exited, unknown };
  std::string name;
  std::string id;  // runtime container id
  state_kind state = state_kind::running;
  int32_t exit_code = 0;       // when exited
  sync_time finished_at{};     // when exited
  int32_t restart_count = 0;
};

/// A pull that failed; retried once `retry_at` has passed (the actor's image backoff).
struct pull_failure {
  std::string message;
  sync_time retry_at{};
};

struct sync_observation {
  enum class sandbox_kind { missing, ready, not_ready };
  sandbox_kind sandbox = sandbox_kind::missing;
  std::string sandbox_id;
  std::string sandbox_ip;
  uint32_t sandbox_attempt = 0;  // of the current (or last) sandbox
  std::vector<container_run> init_containers;  // by name; absent = never created
  std::vector<container_run> containers;       // app containers, plus any not in the spec
  std::set<std::string> images_present;
  std::map<std::string, pull_failure> pull_failures;  // by image
  std::map<std::string, crash_backoff> backoffs;      // by container name; absent = fresh
};

struct sync_action {
  enum class kind { run_sandbox, pull_image, start_container, kill_container, stop_sandbox,
                    remove_sandbox };
  kind what = kind::run_sandbox;
  std::string container;     // start/kill: container name
  bool init = false;         // start/kill: an init container
  std::string image;         // pull/start
  std::string container_id;  // kill
  std::string sandbox_id;    // stop/remove
  uint32_t attempt = 0;      // start: restart count of the new instance; run_sandbox: its attempt
  int64_t grace_seconds = 0; // kill
  bool pre_stop = false;     // kill: run the preStop hook first
  std::string reason;        // kill: why (event text)
  friend bool operator==(const sync_action& a, const sync_action& b);
};

/// A container held back this sync, with the reason to show as its waiting state.
struct waiting_container {
  std::string name;
  std::string reason;  // CrashLoopBackOff, ImagePullBackOff, ErrImageNeverPull
  std::string message;
  friend bool operator==(const waiting_container& a, const waiting_container& b) {
    return a.name == b.name && a.reason == b.reason && a.message == b.message;
  }
};

struct sync_plan {
  std::vector<sync_action> actions;
  std::vector<waiting_container> waiting;
  std::optional<sync_time> next_sync;  // earliest backoff end; none = on the next event/resync
  bool pod_failed = false;  // an init container failed under restartPolicy Never
  bool finished = false;    // deleted and nothing left on the node
};

sync_plan plan_pod_sync(const troupe::core::v1::Pod& pod, const sync_observation& observed,
                        sync_time now);

/// imagePullPolicy with the API default applied ("Always" for ":latest" or no tag).
std::string effective_pull_policy(const troupe::core::v1::Container& c);

std::string to_string(const sync_action& a);  // "start app (init=0, attempt 1, image busybox)"

} // namespace troupe::node_agent::pod
