#pragma once
// What an embedding service says about the node agent it hosts (node_agent.hpp), and the checks
// on it. CAF-free and pure apart from reading join_token_file, so the checks are table-tested.
//
// Every problem is one line that names the field and the cause, and never repeats the join
// token, e.g.
//   node_agent_options.server: "http://10.0.0.1:6443" is not an https URL such as https://127.0.0.1:6443
//   node_agent_options.join_token: is not of the form [a-z0-9]{6}.[a-z0-9]{16} (troupe-server --print-join-token prints it)
//   node_agent_options.join_token_file: cannot read "/etc/troupe/token"
// The join inputs (server, token, CA) are only required when there are no usable saved
// credentials in <data_dir>/pki: join_inputs_problem() is asked then.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace troupe::node_agent::runtime {
class container_runtime;
}

namespace prometheus {
class Registry;
}

namespace troupe::node_agent::embed {

enum class runtime_kind {
  cri,   // containerd (or any CRI runtime) over gRPC at cri_socket
  fake,  // in memory ("hollow" node): containers "run" without processes; every image pulls
};

struct node_agent_options {
  // -- joining (only needed when <data_dir>/pki has no usable credentials for node_name) --
  std::string server;           // troupe-server's API: "https://host:port"
  std::string join_token;       // the cluster's join token; or:
  std::string join_token_file;  // a file holding it (the first line)
  std::string ca_file;          // the cluster CA, to verify the server at the join; or:
  bool insecure_skip_tls_verify = false;

  // -- the node --
  std::string node_name;        // required; a DNS-1123 subdomain (the Node object's name)
  std::string data_dir;         // required; credentials are kept in <data_dir>/pki
  std::string node_ip;          // the Node's InternalIP; "" = the host's first non-loopback IPv4
  std::map<std::string, std::string> labels;  // added to the Node's well-known labels

  // -- where pods run --
  runtime_kind runtime = runtime_kind::cri;
  std::string cri_socket = "unix:///run/containerd/containerd.sock";
  std::string log_root;         // pod logs; "" = <data_dir>/pods
  std::string cgroup_parent;    // e.g. "/troupe/node1" (cri only); "" = the runtime's default
  /// A runtime made by the service (e.g. a fake_runtime it drives in tests). When set, `runtime`
  /// and cri_socket are ignored; the agent shares ownership.
  std::shared_ptr<runtime::container_runtime> runtime_instance;
  /// "default" (the kubelet's 10 s doubling to 300 s crash backoff) or "fast" (1 s to 10 s, tests).
  std::string profile = "default";

  /// Where the agent's log lines go ("registered node n1 with 127.0.0.1:7443", "lost the
  /// connection ..."). Called from CAF worker threads: must be thread-safe and must not block.
  /// Empty: stderr, prefixed with a UTC time and "node-agent <name>:".
  std::function<void(const std::string&)> log;

  /// Where the agent registers the kubelet's pod, probe and CRI metrics
  /// (node-agent/metrics/node_metrics.hpp: kubelet_pod_start_duration_seconds,
  /// kubelet_runtime_operations_*, prober_probe_total, ...), e.g. the registry the service's own
  /// prometheus::Exposer serves; the runtime is then wrapped in metrics::instrumented_runtime.
  /// Null: no metrics. The agent shares ownership.
  std::shared_ptr<prometheus::Registry> metrics_registry;
};

/// The first problem with the options' shape (required fields, URL, token form, runtime
/// endpoint, names, labels), or "" when they are usable. Does not require the join inputs.
std::string options_problem(const node_agent_options& options);

/// What a join lacks (server, token, CA or insecure_skip_tls_verify), or "".
std::string join_inputs_problem(const node_agent_options& options);

/// The join token from join_token or join_token_file (first line, trailing blanks removed).
/// Returns the problem ("" on success); `token` is set on success only.
std::string resolve_join_token(const node_agent_options& options, std::string& token);

/// "host:port" -> host (IPv6 brackets removed) and port 1..65535; false if it is not that.
bool split_host_port(const std::string& address, std::string& host, uint16_t& port);

/// The host's first up, non-loopback IPv4 address; "127.0.0.1" if there is none.
std::string default_node_ip();

/// options.log_root, or <data_dir>/pods.
std::string effective_log_root(const node_agent_options& options);

} // namespace troupe::node_agent::embed
