#pragma once
// Plain value types of the container runtime interface: what the pod actor asks for and what it
// gets back. They mirror CRI runtime.v1 (fields named as there) but carry no generated proto type,
// so the fake runtime and the pod logic never depend on gRPC. Timestamps are nanoseconds since the
// Unix epoch, as CRI reports them (0 = not set). Labels go on sandboxes and containers so a
// restarted agent can find what it made (see runtime_labels.hpp).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace troupe::node_agent::runtime {

using string_map = std::map<std::string, std::string>;

struct version_info {
  std::string version;              // CRI's own version, "0.1.0"
  std::string runtime_name;         // "containerd"
  std::string runtime_version;      // "1.6.20~ds1"
  std::string runtime_api_version;  // "v1"
};

/// One of the runtime's conditions (CRI Status): "RuntimeReady" and "NetworkReady" must both be
/// true for the node to be Ready; reason and message say why not.
struct runtime_condition {
  std::string type;
  bool status = false;
  std::string reason;
  std::string message;
};

/// Which namespace a container shares: the pod's, its own, or the node's.
enum class namespace_mode { pod, container, node };

enum class port_protocol { tcp, udp, sctp };

struct port_mapping {
  port_protocol protocol = port_protocol::tcp;
  int32_t container_port = 0;
  int32_t host_port = 0;
  std::string host_ip;
};

struct mount {
  std::string container_path;
  std::string host_path;
  bool readonly = false;
};

/// cgroup v1 knobs; 0 means "not set" (no limit, runtime default).
struct linux_resources {
  int64_t cpu_period = 0;
  int64_t cpu_quota = 0;
  int64_t cpu_shares = 0;
  int64_t memory_limit_in_bytes = 0;
  int64_t oom_score_adj = 0;
  friend bool operator==(const linux_resources& a, const linux_resources& b) {
    return a.cpu_period == b.cpu_period && a.cpu_quota == b.cpu_quota &&
           a.cpu_shares == b.cpu_shares && a.memory_limit_in_bytes == b.memory_limit_in_bytes &&
           a.oom_score_adj == b.oom_score_adj;
  }
};

enum class seccomp_profile { unconfined, runtime_default };

/// A pod sandbox as the kubelet describes it to RunPodSandbox.
struct sandbox_config {
  std::string name;        // pod name
  std::string uid;         // pod uid
  std::string namespace_;  // pod namespace
  uint32_t attempt = 0;
  std::string hostname;
  std::string log_directory;  // absolute; container log_path is relative to it
  std::vector<std::string> dns_servers, dns_searches, dns_options;
  std::vector<port_mapping> port_mappings;
  string_map labels, annotations;
  std::string cgroup_parent;
  string_map sysctls;
  namespace_mode network = namespace_mode::pod;  // node = hostNetwork
  namespace_mode pid = namespace_mode::container;  // pod = shareProcessNamespace
  namespace_mode ipc = namespace_mode::pod;
  bool privileged = false;
  std::optional<int64_t> run_as_user;
  seccomp_profile seccomp = seccomp_profile::unconfined;
};

enum class sandbox_state { ready, not_ready };

/// A sandbox as ListPodSandbox / PodSandboxStatus report it. `ip` only from status().
struct sandbox_info {
  std::string id;
  std::string name, uid, namespace_;
  uint32_t attempt = 0;
  sandbox_state state = sandbox_state::not_ready;
  int64_t created_at = 0;
  string_map labels, annotations;
  std::string ip;
  std::vector<std::string> additional_ips;
};

struct sandbox_filter {
  std::string id;                     // "" = any
  std::optional<sandbox_state> state;  // none = any
  string_map label_selector;          // every pair must match
};

struct env_var {
  std::string name, value;
  friend bool operator==(const env_var& a, const env_var& b) {
    return a.name == b.name && a.value == b.value;
  }
};

/// A container as the kubelet describes it to CreateContainer.
struct container_config {
  std::string name;
  uint32_t attempt = 0;  // restart count; name+attempt must be unique within the sandbox
  std::string image;
  std::vector<std::string> command;  // entrypoint override ("" = image's)
  std::vector<std::string> args;
  std::string working_dir;
  std::vector<env_var> envs;
  std::vector<mount> mounts;
  string_map labels, annotations;
  std::string log_path;  // relative to the sandbox's log_directory, "<name>/<attempt>.log"
  bool tty = false;
  bool stdin_open = false;
  std::optional<linux_resources> resources;
  bool privileged = false;
  std::optional<int64_t> run_as_user;
  bool readonly_rootfs = false;
  std::vector<std::string> add_capabilities, drop_capabilities;
  seccomp_profile seccomp = seccomp_profile::unconfined;
};

enum class container_state { created, running, exited, unknown };

/// A container as ListContainers reports it.
struct container_info {
  std::string id;
  std::string sandbox_id;
  std::string name;
  uint32_t attempt = 0;
  std::string image;      // as asked for
  std::string image_ref;  // resolved, "sha256:..."
  container_state state = container_state::unknown;
  int64_t created_at = 0;
  string_map labels, annotations;
};

/// A container as ContainerStatus reports it. reason for an exited container is containerd's:
/// "Completed" (exit 0), "Error" (non-zero), "OOMKilled", "StartError" (exit 128).
/// finished_at can be earlier than started_at for containers that exit within ~1 ms.
struct container_status : container_info {
  int64_t started_at = 0;
  int64_t finished_at = 0;
  int32_t exit_code = 0;
  std::string reason;
  std::string message;
  std::string log_path;  // absolute
  std::optional<linux_resources> resources;
};

struct container_filter {
  std::string id;
  std::string sandbox_id;
  std::optional<container_state> state;
  string_map label_selector;
};

struct exec_result {
  std::string stdout_data;
  std::string stderr_data;
  int32_t exit_code = 0;
};

struct image_info {
  std::string id;  // "sha256:<config digest>"
  std::vector<std::string> repo_tags;
  std::vector<std::string> repo_digests;
  uint64_t size = 0;
};

/// Cumulative counters; compute rates from two samples (usage_nano_cores from the runtime is
/// stateful across clients and often 0).
struct container_stats {
  std::string id;
  std::string name;
  string_map labels;
  int64_t cpu_timestamp = 0;
  uint64_t cpu_usage_core_nano_seconds = 0;
  uint64_t memory_working_set_bytes = 0;
  uint64_t memory_usage_bytes = 0;
  uint64_t writable_layer_bytes = 0;
};

const char* to_string(sandbox_state s);    // "SANDBOX_READY", "SANDBOX_NOTREADY"
const char* to_string(container_state s);  // "CONTAINER_RUNNING", ...

} // namespace troupe::node_agent::runtime
