#pragma once
// Conversions between the runtime's value types and the generated runtime.v1 messages, used by
// cri_runtime only (the rest of the agent never sees proto types). Pure functions, table-tested.
// Sandbox and container configs are filled the way the kubelet fills them (containerd-cri.md §3):
// namespace options always present, seccomp present only when RuntimeDefault (an empty
// SecurityProfile means RuntimeDefault, an absent one unconfined), resources only when set.

#include <grpcpp/support/status.h>

#include "cri/api.pb.h"
#include "node-agent/runtime/runtime_status.hpp"
#include "node-agent/runtime/runtime_types.hpp"

namespace troupe::node_agent::runtime::cri {

namespace v1 = ::runtime::v1;

/// A gRPC status as a runtime status (same code number, same message).
runtime::status from_grpc(const grpc::Status& s);

/// PullImage failures: containerd answers code Unknown with "...: not found" when the registry
/// does not have the image; that becomes not_found. Anything else is returned unchanged.
runtime::status classify_pull_error(runtime::status s);

void to_proto(const sandbox_config& in, v1::PodSandboxConfig* out);
void to_proto(const container_config& in, v1::ContainerConfig* out);
void to_proto(const linux_resources& in, v1::LinuxContainerResources* out);
void to_proto(const sandbox_filter& in, v1::PodSandboxFilter* out);
void to_proto(const container_filter& in, v1::ContainerFilter* out);
void to_proto(const container_filter& in, v1::ContainerStatsFilter* out);

version_info from_proto(const v1::VersionResponse& in);
sandbox_info from_proto(const v1::PodSandbox& in);
sandbox_info from_proto(const v1::PodSandboxStatus& in);
container_info from_proto(const v1::Container& in);
runtime::container_status from_proto(const v1::ContainerStatus& in);
linux_resources from_proto(const v1::LinuxContainerResources& in);
image_info from_proto(const v1::Image& in);
runtime::container_stats from_proto(const v1::ContainerStats& in);

v1::NamespaceMode to_proto(namespace_mode m);
namespace_mode from_proto(v1::NamespaceMode m);
v1::PodSandboxState to_proto(sandbox_state s);
sandbox_state from_proto(v1::PodSandboxState s);
v1::ContainerState to_proto(container_state s);
container_state from_proto(v1::ContainerState s);

} // namespace troupe::node_agent::runtime::cri
