#pragma once
// From a Pod to what CRI is asked to make (CAF-free, pure, table-tested): the sandbox config and
// each container's config as the kubelet builds them (kuberuntime_sandbox.go generatePodSandboxConfig,
// kuberuntime_container.go generateContainerConfig), with Troupe's labels (runtime_labels.hpp) so a
// restarted agent finds and adopts its own objects.
//
// Contract:
// - Sandbox: name/uid/namespace/attempt; hostname = pod name (or spec.hostname, + subdomain rule);
//   log_directory = <log_root>/<ns>_<name>_<uid>; labels: managed-by, node-name, pod uid/name/namespace,
//   plus the pod's labels; annotations: the pod's; hostNetwork -> network namespace node;
//   shareProcessNamespace -> pid pod; port mappings from containers' hostPort; cgroup_parent =
//   pod_cgroup(cgroup_parent, uid) when cgroup_parent is set.
// - Container: command = spec.command, args = spec.args (with $(VAR) expansion from env, as Kubernetes);
//   env (value; valueFrom.fieldRef for metadata.name/namespace/uid, spec.nodeName, status.podIP,
//   status.hostIP; other sources skipped with a note); working_dir; log_path "<name>/<restart>.log";
//   labels: managed-by, node-name, pod uid/name/namespace, container name and kind (init/app);
//   annotations: "io.kubernetes.container.restartCount" = restart count (read back on adoption),
//   "io.kubernetes.container.hash" of the spec, terminationMessagePath; tty/stdin.
// - Resources (kubelet's cgroup v1 math): cpu request -> shares = max(2, milli*1024/1000) (no request:
//   2; request from the limit when only a limit is set, as API defaulting does); cpu limit -> period
//   100000, quota = milli*100000/1000 (min 1000); the period is set even without a limit (quota 0),
//   as the kubelet does; memory limit -> limit_in_bytes; oom_score_adj by QoS (Guaranteed and
//   system-node-critical -997, BestEffort 1000, Burstable 1000 - 1000*request/capacity clamped to
//   [3, 999] as qos/policy.go: 1000 + (-997) is the floor).
// - qos_class: Guaranteed / Burstable / BestEffort as Kubernetes computes it (also shown in status).

#include <cstdint>
#include <string>

#include "node-agent/runtime/runtime_types.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::node_agent::pod {

struct node_facts {
  std::string node_name;
  std::string host_ip;
  std::string log_root = "/var/log/pods";
  std::string cgroup_parent;           // "" = the runtime's default
  int64_t memory_capacity_bytes = 0;   // for Burstable oom_score_adj; 0 = unknown (then 999)
};

std::string pod_log_directory(const std::string& log_root, const troupe::core::v1::Pod& pod);

/// "<parent>/pod<uid>" (the kubelet's pod cgroup naming under cgroupfs).
std::string pod_cgroup(const std::string& parent, const std::string& uid);

std::string qos_class(const troupe::core::v1::PodSpec& spec);

runtime::sandbox_config make_sandbox_config(const troupe::core::v1::Pod& pod, uint32_t attempt,
                                            const node_facts& node);

/// `pod_ip` fills status.podIP references in env.
runtime::container_config make_container_config(const troupe::core::v1::Pod& pod,
                                                const troupe::core::v1::Container& c, bool init,
                                                uint32_t restart_count, const std::string& pod_ip,
                                                const node_facts& node);

runtime::linux_resources container_resources(const troupe::core::v1::PodSpec& spec,
                                             const troupe::core::v1::Container& c,
                                             const node_facts& node);

/// The restart count recorded on a container by make_container_config (0 when absent).
uint32_t recorded_restart_count(const runtime::string_map& annotations);

} // namespace troupe::node_agent::pod
