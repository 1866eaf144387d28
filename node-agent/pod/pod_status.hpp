#pragma once
// The Pod's status as the kubelet computes it (pkg/kubelet/kubelet_pods.go generateAPIPodStatus,
// getPhase, convertToAPIContainerStatuses; pkg/kubelet/status/generate.go), from what the node
// agent observed. Pure: no runtime calls, time is an argument.
//
// Contract:
// - Every container of the spec gets a status, in spec order. A container with no observation
//   waits with reason PodInitializing when the pod has init containers, ContainerCreating
//   otherwise (init containers without an observation: PodInitializing).
// - The observation's waiting reason is the pod actor's own decision (ErrImagePull,
//   ImagePullBackOff, CrashLoopBackOff, CreateContainerError, ...), copied as is.
// - A terminated container without a runtime reason gets Completed (exit 0) or Error.
// - phase: getPhase's rules for restartPolicy Always / OnFailure / Never. A terminal phase in
//   `previous` (Succeeded, Failed) is kept: a pod never leaves it.
// - conditions, in the kubelet's order: Initialized, Ready, ContainersReady, PodScheduled; each
//   keeps `previous`'s lastTransitionTime while its status is unchanged, else gets `now`.
// - startTime: `previous`'s when set, else `now`. podIP/podIPs: the sandbox IP when known.
// - Init containers with restartPolicy Always (sidecars) count as initialized once started;
//   they do not decide the phase. Readiness gates are not evaluated (Ready = ContainersReady).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "proto/core_v1.pb.h"

namespace troupe::node_agent::pod {

using time_point = std::chrono::system_clock::time_point;

/// A terminated run of a container.
struct termination {
  int32_t exit_code = 0;
  std::string reason;  // runtime's: Completed, Error, OOMKilled, StartError; may be empty
  std::string message;
  time_point started_at{};
  time_point finished_at{};
  std::string container_id;  // runtime id, without the "containerd://" prefix
};

/// What the agent knows of one container now. Exactly one of waiting/running/terminated.
struct container_observation {
  enum class state_kind { waiting, running, terminated };
  std::string name;
  state_kind state = state_kind::waiting;
  std::string waiting_reason;  // when waiting; empty = default (ContainerCreating/PodInitializing)
  std::string waiting_message;
  time_point running_since{};     // when running
  termination terminated;         // when terminated
  std::optional<termination> last;  // the previous run, shown as lastState
  int32_t restart_count = 0;
  bool ready = false;    // readiness result (true when there is no readiness probe)
  bool started = false;  // startup probe passed (true when there is none)
  std::string image_id;      // resolved, "docker.io/library/busybox@sha256:..." or "sha256:..."
  std::string container_id;  // runtime id of the current container, if any
};

struct pod_observation {
  std::vector<container_observation> init_containers;  // by name; missing = not created yet
  std::vector<container_observation> containers;
  std::string pod_ip;   // sandbox IP; empty until the sandbox has one
  std::string host_ip;
};

/// The status to publish for `spec` given the observation, the last published status and now.
troupe::core::v1::PodStatus compute_pod_status(const troupe::core::v1::PodSpec& spec,
                                               const pod_observation& observed,
                                               const troupe::core::v1::PodStatus& previous,
                                               time_point now);

/// getPhase alone, over already computed container statuses.
std::string pod_phase(const troupe::core::v1::PodSpec& spec,
                      const troupe::core::v1::PodStatus& status);

} // namespace troupe::node_agent::pod
