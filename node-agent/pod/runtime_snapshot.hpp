#pragma once
// What the runtime shows of one pod, gathered in one go (CAF-free): the pod's latest sandbox with
// its IP, every container labelled with the pod's uid with its ContainerStatus, and which of the
// spec's images are present. The pod actor takes one snapshot per sync round and turns it into
// plan_pod_sync's and compute_pod_status's inputs (pod_observations.hpp).
//
// Contract:
// - collect_runtime_snapshot issues ListPodSandbox and ListContainers by the pod-uid label
//   (runtime_labels.hpp) at once; then PodSandboxStatus of the latest sandbox (highest attempt,
//   then newest) when it is ready, ContainerStatus of each container, and ImageStatus of the
//   image of each spec container that has no running instance (only those can be started).
//   `done` runs exactly once, on whichever thread answered last, after every call answered; it
//   must only hand the snapshot on (an actor: send itself a message).
// - With `previous` (the last snapshot), answers that cannot have changed are reused instead of
//   asked again: a container's status while its listed state is the same as before (an exit
//   changes it), the sandbox's status (its IP) while its id and state are the same. A pod whose
//   containers all run then costs two list calls per look.
// - A failed list call leaves `error` set (the first failure); the snapshot must then not be used
//   for decisions (the actor retries at its next sync). A container that vanished between list
//   and status (not_found) is left out; other status failures set `error` too.
// - Containers are ordered by creation (created_at, then attempt): the last of a name is its
//   current instance.

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "node-agent/runtime/container_runtime.hpp"

namespace troupe::node_agent::pod {

struct runtime_snapshot {
  std::optional<runtime::sandbox_info> sandbox;         // the latest sandbox, ip from its status
  std::vector<runtime::container_status> containers;  // every container of the pod, oldest first
  std::set<std::string> images_present;                 // images (as asked) that are present
  runtime::status error;                                // ok unless a call failed
};

using snapshot_callback = std::function<void(runtime_snapshot)>;

struct snapshot_request {
  std::string pod_uid;
  /// (container name, image) of every spec container, init and app.
  std::vector<std::pair<std::string, std::string>> images;
  std::shared_ptr<const runtime_snapshot> previous;  // may be null
};

void collect_runtime_snapshot(const std::shared_ptr<runtime::container_runtime>& rt,
                              snapshot_request req, runtime::timeout t, snapshot_callback done);

} // namespace troupe::node_agent::pod
