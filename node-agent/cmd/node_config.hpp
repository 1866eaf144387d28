#pragma once
// troupe-node's command line. Every error names the flag, in troupe-server's style:
//   invalid argument "cri,fake" for "--runtime" flag: must be cri or fake
//   unknown flag: --nme
// The join token is a secret: errors about it never repeat its value. Parsing is pure apart from
// reading --join-token-file; nothing here throws. Whether the flags suffice to join (server, token,
// CA) is decided later, by main, because saved credentials make them unnecessary.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace troupe::node_agent::cmd {

struct node_config {
  std::string name;                // default: the host name, lower-cased
  std::string server;              // "https://host:port"
  std::string join_token;          // from --join-token or --join-token-file
  std::string ca_file;
  bool insecure_skip_tls_verify = false;
  std::string data_dir = "/var/lib/troupe-node";
  std::string cri_socket = "unix:///run/containerd/containerd.sock";
  std::string runtime = "cri";     // "cri" or "fake" (hollow node)
  std::string node_ip;             // default: the host's first non-loopback IPv4 address
  std::map<std::string, std::string> node_labels;
  std::string log_root = "/var/log/pods";
  std::string cgroup_parent;
  std::string metrics_host;        // "" = no /metrics
  uint16_t metrics_port = 0;
  std::string profile = "default"; // "fast": short backoffs and resyncs, for tests
};

struct node_parse_outcome {
  enum class action { run, help, fail };
  action what = action::run;
  node_config config;
  std::string error;  // when what == fail
};

/// Parses the command line (without argv[0]). `default_name` is used when --name is not given.
node_parse_outcome parse_node_args(const std::vector<std::string>& args,
                                   const std::string& default_name);

/// What the flags lack for a join (no usable saved credentials); empty when they suffice.
std::string join_flags_problem(const node_config& config);

/// The --help text.
std::string node_help_text();

/// Timings of a profile: the pod actors' crash backoff (default: Kubernetes' 10 s doubling to
/// 300 s; fast: 1 s doubling to 10 s) and resync period.
struct profile_timing {
  std::chrono::milliseconds backoff_initial{10'000};
  std::chrono::milliseconds backoff_max{300'000};
  std::chrono::milliseconds resync{10'000};
  std::chrono::milliseconds node_status_interval{10'000};
};
profile_timing timing_of(const std::string& profile);

} // namespace troupe::node_agent::cmd
