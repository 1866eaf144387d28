#pragma once
// The Node object a node agent registers and the NodeStatus it keeps reporting, as the kubelet
// builds them (pkg/kubelet/nodestatus): capacity from the host (cpu count, memory from
// /proc/meminfo in Ki, pods 110; allocatable the same: no reservations), nodeInfo, the well-known
// labels plus --node-labels, addresses (InternalIP, Hostname) and the four conditions with the
// kubelet's reasons and messages. CAF-free; reading the host is separate from building the object
// so tests give fixed facts.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "node-agent/runtime/runtime_types.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::node_agent {

/// What the host says about itself.
struct host_facts {
  int64_t cpus = 1;
  int64_t memory_kib = 0;  // MemTotal
  std::string os_image;    // PRETTY_NAME of /etc/os-release
  std::string kernel_version;
  std::string architecture = "amd64";
  std::string machine_id;  // /etc/machine-id
  std::string boot_id;     // /proc/sys/kernel/random/boot_id
  std::string hostname;
};

/// Reads /proc/cpuinfo (via sysconf), /proc/meminfo, /etc/os-release, uname, machine-id, boot_id.
/// A fact that cannot be read stays at its default.
host_facts read_host_facts();

/// The parts of /proc/meminfo and /etc/os-release the node needs (for tests).
int64_t parse_meminfo_total_kib(const std::string& meminfo);
std::string parse_os_release_pretty_name(const std::string& os_release);

/// The node's identity and settings (flags).
struct node_settings {
  std::string name;
  std::string node_ip;                      // InternalIP
  std::map<std::string, std::string> labels;  // --node-labels
  int64_t max_pods = 110;
};

/// The Node object for register_atom: metadata (name, labels), status (capacity, allocatable,
/// nodeInfo, addresses, conditions at `now_s`, daemonEndpoints).
troupe::core::v1::Node make_node(const node_settings& settings, const host_facts& host,
                                 const runtime::version_info& runtime_version,
                                 const std::vector<runtime::runtime_condition>& runtime_conditions,
                                 int64_t now_s);

/// The status part alone, keeping each condition's lastTransitionTime from `previous` when its
/// status did not change (lastHeartbeatTime is always `now_s`).
troupe::core::v1::NodeStatus make_node_status(
  const node_settings& settings, const host_facts& host,
  const runtime::version_info& runtime_version,
  const std::vector<runtime::runtime_condition>& runtime_conditions, int64_t now_s,
  const troupe::core::v1::NodeStatus* previous = nullptr);

/// The Ready condition from the runtime's conditions: (true, "KubeletReady", "kubelet is posting
/// ready status") when RuntimeReady and NetworkReady hold; else false, "KubeletNotReady" and the
/// kubelet's message ("container runtime network not ready: NetworkReady=false
/// reason:NetworkPluginNotReady message:cni config uninitialized").
struct ready_verdict {
  bool ready = true;
  std::string reason;
  std::string message;
};
ready_verdict node_ready(const std::vector<runtime::runtime_condition>& runtime_conditions);

/// Whether two statuses differ in what the API would show apart from heartbeat times.
bool node_status_changed(const troupe::core::v1::NodeStatus& a,
                         const troupe::core::v1::NodeStatus& b);

/// Parses --node-labels "k=v,k2=v2" (keys as Kubernetes label keys); error names the bad pair.
std::string parse_node_labels(const std::string& text, std::map<std::string, std::string>& out);

} // namespace troupe::node_agent
