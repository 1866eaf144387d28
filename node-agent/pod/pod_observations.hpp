#pragma once
// From a runtime_snapshot to the inputs of the pod's two decisions (CAF-free, pure):
// plan_pod_sync's sync_observation and compute_pod_status's pod_observation.
//
// Contract:
// - A container belongs to the init or app list by its container-kind label ("init" / else app)
//   and is named by its container-name label (the runtime name when the label is missing). Its
//   current instance is the last one of that name in the snapshot (creation order); the instance
//   before it, when exited, is its lastState. restart_count is the count recorded on the
//   container (recorded_restart_count), as the kubelet reads it back after a restart.
// - Sandbox: missing / ready / not_ready from the latest sandbox; its attempt and IP.
// - Status: a running instance is running (ready/started from the probes' flags; a container
//   without a readiness or startup probe is ready/started); an exited one is terminated unless a
//   waiting reason is given for it (the plan's CrashLoopBackOff / ImagePullBackOff, or the actor's
//   own ErrImagePull / CreateContainerError / RunContainerError): then it waits with that reason
//   and the exit becomes its lastState. A created or unknown instance waits (default reason).
//   A container with no instance waits with a given reason, or is left out (default reason).

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "node-agent/pod/pod_status.hpp"
#include "node-agent/pod/pod_sync_plan.hpp"
#include "node-agent/pod/runtime_snapshot.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::node_agent::pod {

/// ns since the epoch (CRI) -> wall-clock time point.
sync_time from_runtime_ns(int64_t ns);

/// The current and previous instance of each container name, by kind.
struct container_history {
  const runtime::container_status* current = nullptr;
  const runtime::container_status* previous = nullptr;
};
struct pod_containers {
  std::map<std::string, container_history> init, app;
};
pod_containers group_containers(const runtime_snapshot& snap);

sync_observation make_sync_observation(const runtime_snapshot& snap,
                                       std::map<std::string, pull_failure> pull_failures,
                                       std::map<std::string, crash_backoff> backoffs);

/// What the probes say of a running container.
struct probe_flags {
  bool ready = true;
  bool started = true;
};

struct status_inputs {
  std::vector<waiting_container> waiting;      // plan's and actor's reasons, by container name
  std::map<std::string, probe_flags> probes;   // by container name; absent = no probes
  std::string host_ip;
  std::string pod_ip;  // the sandbox's IP, kept by the actor after the sandbox stopped
};

pod_observation make_pod_observation(const runtime_snapshot& snap, const status_inputs& in);

} // namespace troupe::node_agent::pod
