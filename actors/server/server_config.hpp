#pragma once
// troupe-server's configuration: defaults < YAML file (--config FILE) < command-line flags.
// Every setting has one flag and one YAML key (same meaning, same checks), and every error names
// the flag or the key (and the file):
//   invalid argument "70000" for "--node-port" flag: port must be an integer from 1 to 65535
//   /etc/troupe.yaml: unknown key "dataDirr"
// Parsing is pure apart from reading the --config file; nothing here throws.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace troupe::server {

struct host_port {
  std::string host;
  uint16_t port = 0;

  /// "127.0.0.1:6443", "[::1]:6443".
  std::string to_string() const;
};

/// Parses "host:port" or "[ipv6]:port" into `out`; empty on success, else what is wrong.
std::string parse_host_port(const std::string& text, host_port& out);
/// Parses a TCP port 1-65535 into `out`; empty on success, else what is wrong.
std::string parse_port(const std::string& text, uint16_t& out);

struct server_config {
  std::string data_dir = "./troupe-data";
  host_port api_address{"127.0.0.1", 6443};      // HTTPS Kubernetes API
  uint16_t node_port = 7443;                      // CAF middleman, for node agents
  host_port metrics_address{"127.0.0.1", 6480};  // Prometheus /metrics (plain HTTP)
  std::string tls_dir;                            // empty until resolved: <data_dir>/pki
  std::string token_file;                         // empty until resolved: <data_dir>/admin.token
  std::vector<std::string> tls_sans;  // extra SANs for the server certificate (DNS names or IPs)
  std::string config_file;            // the YAML file the settings came from, if any
  // Node lifecycle: unset values come from the profile (resolve_node_lifecycle).
  std::string profile = "default";    // "default" (Kubernetes' timings) or "fast" (seconds)
  std::optional<std::chrono::milliseconds> node_monitor_grace_period;
  std::optional<std::chrono::milliseconds> node_startup_grace_period;
  std::optional<int64_t> default_not_ready_toleration_seconds;
  std::optional<int64_t> default_unreachable_toleration_seconds;
  // Scheduler: Kubernetes' percentageOfNodesToScore (0 = adaptive: 50% minus 1% per 125 nodes,
  // at least 5%; at least 100 nodes are searched either way).
  int percentage_of_nodes_to_score = 0;
  // PodGC: Succeeded/Failed pods kept before the oldest are deleted (0 = no limit).
  int64_t terminated_pod_gc_threshold = 12500;
  // NoExecute tainting per zone (kube-controller-manager's flags; zone_disruption.hpp).
  double node_eviction_rate = 0.1;             // nodes per second, healthy zone
  double secondary_node_eviction_rate = 0.01;  // nodes per second, unhealthy large zone
  double unhealthy_zone_threshold = 0.55;      // fraction of nodes not ready
  int64_t large_cluster_size_threshold = 50;   // nodes


  std::string kubeconfig_path() const { return data_dir + "/admin.kubeconfig"; }
};

/// The node lifecycle's timings, the flags' values or else the profile's:
///   default: grace 50s (Kubernetes 1.32), startup grace 1m, node sessions write the heartbeat
///            at most every 10s, default not-ready/unreachable tolerations 300s;
///   fast:    grace 5s, startup grace 10s, heartbeat written every 1s (the agents beat every 2s),
///            tolerations 5s: a lost node's pods are evicted about 10s after it went silent.
struct node_lifecycle_settings {
  std::chrono::milliseconds node_monitor_grace_period;
  std::chrono::milliseconds node_startup_grace_period;
  std::chrono::milliseconds node_status_update_frequency;
  int64_t default_not_ready_toleration_seconds = 300;
  int64_t default_unreachable_toleration_seconds = 300;
  // PodGC (pod_gc_actor.hpp): its pass period and how long a node must be missing before its pods
  // are deleted (Kubernetes: 20s and 40s; fast: 1s and 3s).
  std::chrono::milliseconds pod_gc_period;
  std::chrono::milliseconds pod_gc_quarantine;
};

node_lifecycle_settings resolve_node_lifecycle(const server_config& config);

struct parse_outcome {
  enum class action { run, help, fail, print_join_token };
  action what = action::run;
  server_config config;  // resolved (derived defaults filled in) when what == run or
                         // print_join_token (--print-join-token: print the join token, exit)
  std::string error;     // when what == fail
};

/// Parses the command line (without argv[0]), reading the --config file if one is given.
parse_outcome parse_server_args(const std::vector<std::string>& args);

/// Applies the settings of a YAML document to `config`. `source` names the file in errors.
/// Returns empty on success, else the first error.
std::string apply_yaml(const std::string& yaml_text, const std::string& source,
                       server_config& config);

/// Fills the defaults that derive from the data dir (TLS dir, token file).
void resolve_defaults(server_config& config);

/// The --help text.
std::string help_text();

} // namespace troupe::server
