#pragma once
// Labels the node agent puts on every sandbox and container it makes, so a restarted agent can
// list exactly its own objects (ListPodSandbox / ListContainers by label selector) and tell which
// pod and which container spec each belongs to. Values are plain strings, as CRI labels are.

namespace troupe::node_agent::runtime::labels {

/// "troupe-node": set on everything this agent made; the selector for re-adoption.
inline constexpr const char* managed_by = "troupe.io/managed-by";
inline constexpr const char* managed_by_value = "troupe-node";
/// The node name, so several agents sharing one runtime (hollow nodes) keep apart.
inline constexpr const char* node_name = "troupe.io/node-name";
inline constexpr const char* pod_uid = "troupe.io/pod-uid";
inline constexpr const char* pod_name = "troupe.io/pod-name";
inline constexpr const char* pod_namespace = "troupe.io/pod-namespace";
/// On containers only: the container's name in the pod spec.
inline constexpr const char* container_name = "troupe.io/container-name";
/// On containers only: "init" or "app".
inline constexpr const char* container_kind = "troupe.io/container-kind";

} // namespace troupe::node_agent::runtime::labels
