#include "actors/server/server_config.hpp"

#include <yaml-cpp/yaml.h>

#include "actors/server/setting_values.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace troupe::server {

std::string host_port::to_string() const {
  if (host.find(':') != std::string::npos)
    return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::string parse_port(const std::string& text, uint16_t& out) {
  const char* problem = "port must be an integer from 1 to 65535";
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
    return problem;
  auto value = std::stoul(text);
  if (value < 1 || value > 65535)
    return problem;
  out = static_cast<uint16_t>(value);
  return {};
}

std::string parse_host_port(const std::string& text, host_port& out) {
  if (text.empty())
    return "expected host:port, got an empty value";
  std::string host;
  std::string port;
  if (text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return "expected [ipv6]:port";
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos)
      return "expected host:port";
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find(':') != std::string::npos)
      return "an IPv6 address must be in brackets, as in [::1]:6443";
  }
  if (host.empty())
    return "missing host (127.0.0.1 listens on loopback only)";
  if (host.find_first_of(" \t/") != std::string::npos)
    return "invalid host \"" + host + "\"";
  uint16_t p = 0;
  if (auto problem = parse_port(port, p); !problem.empty())
    return problem;
  out = {host, p};
  return {};
}

namespace {

using namespace setting_values;
using setter = std::string (*)(server_config&, const std::string&);

// One row per setting: its flag, its YAML key, and how a value is checked and stored.
struct setting {
  const char* flag;  // without the leading "--"
  const char* key;
  const char* value_name;
  const char* help;
  bool list;  // repeatable flag / YAML sequence; flags replace the file's list
  setter set;
};

const setting settings[] = {
  {"data-dir", "dataDir", "DIR", "data directory (default ./troupe-data)", false,
   [](server_config& c, const std::string& v) { return non_empty(v, c.data_dir); }},
  {"api-address", "apiAddress", "HOST:PORT", "HTTPS API address (default 127.0.0.1:6443)", false,
   [](server_config& c, const std::string& v) { return parse_host_port(v, c.api_address); }},
  {"node-port", "nodePort", "PORT", "port for node agents (CAF middleman, default 7443)", false,
   [](server_config& c, const std::string& v) { return parse_port(v, c.node_port); }},
  {"metrics-address", "metricsAddress", "HOST:PORT",
   "Prometheus /metrics address (default 127.0.0.1:6480)", false,
   [](server_config& c, const std::string& v) { return parse_host_port(v, c.metrics_address); }},
  {"tls-dir", "tlsDir", "DIR", "CA and server certificate directory (default <data-dir>/pki)", false,
   [](server_config& c, const std::string& v) { return non_empty(v, c.tls_dir); }},
  {"token-file", "tokenFile", "FILE", "admin bearer token file (default <data-dir>/admin.token)",
   false, [](server_config& c, const std::string& v) { return non_empty(v, c.token_file); }},
  {"tls-san", "tlsSans", "NAME",
   "extra DNS name or IP address for the server certificate (repeatable)", true,
   [](server_config& c, const std::string& v) -> std::string {
     if (v.empty() || v.find_first_of(" ,\t") != std::string::npos)
       return "must be one DNS name or IP address";
     c.tls_sans.push_back(v);
     return {};
   }},
  {"profile", "profile", "default|fast",
   "node lifecycle timings: default (Kubernetes') or fast (seconds, for tests; docs/node-lifecycle.md)",
   false,
   [](server_config& c, const std::string& v) -> std::string {
     if (v != "default" && v != "fast")
       return "must be \"default\" or \"fast\"";
     c.profile = v;
     return {};
   }},
  {"node-monitor-grace-period", "nodeMonitorGracePeriod", "DURATION",
   "a node silent this long becomes Unknown (default 50s; fast profile 5s)", false,
   [](server_config& c, const std::string& v) {
     return positive_duration(v, c.node_monitor_grace_period);
   }},
  {"node-startup-grace-period", "nodeStartupGracePeriod", "DURATION",
   "the same for a node that never posted Ready (default 1m; fast profile 10s)", false,
   [](server_config& c, const std::string& v) {
     return positive_duration(v, c.node_startup_grace_period);
   }},
  {"default-not-ready-toleration-seconds", "defaultNotReadyTolerationSeconds", "SECONDS",
   "tolerationSeconds of the not-ready:NoExecute toleration added to pods (default 300; fast 5)",
   false,
   [](server_config& c, const std::string& v) {
     return toleration_seconds(v, c.default_not_ready_toleration_seconds);
   }},
  {"default-unreachable-toleration-seconds", "defaultUnreachableTolerationSeconds", "SECONDS",
   "tolerationSeconds of the unreachable:NoExecute toleration added to pods (default 300; fast 5)",
   false,
   [](server_config& c, const std::string& v) {
     return toleration_seconds(v, c.default_unreachable_toleration_seconds);
   }},
  {"percentage-of-nodes-to-score", "percentageOfNodesToScore", "PERCENT",
   "nodes the scheduler searches for a fit before scoring, in % (default 0: adaptive, 50% down to "
   "5% in large clusters)",
   false,
   [](server_config& c, const std::string& v) -> std::string {
     // kube-scheduler's validation text.
     if (v.empty() || v.size() > 3 || v.find_first_not_of("0123456789") != std::string::npos ||
         std::stoi(v) > 100)
       return "not in valid range [0-100]";
     c.percentage_of_nodes_to_score = std::stoi(v);
     return {};
   }},
  {"node-eviction-rate", "nodeEvictionRate", "RATE",
   "nodes per second whose pods are evicted (NoExecute taint) in a healthy zone (default 0.1)",
   false,
   [](server_config& c, const std::string& v) {
     return number_in(v, 0, 1e6, "0 or more", c.node_eviction_rate);
   }},
  {"secondary-node-eviction-rate", "secondaryNodeEvictionRate", "RATE",
   "the same in an unhealthy zone of more than --large-cluster-size-threshold nodes (default 0.01)",
   false,
   [](server_config& c, const std::string& v) {
     return number_in(v, 0, 1e6, "0 or more", c.secondary_node_eviction_rate);
   }},
  {"unhealthy-zone-threshold", "unhealthyZoneThreshold", "FRACTION",
   "a zone with this fraction of its nodes not ready (and more than 2) is unhealthy (default 0.55)",
   false,
   [](server_config& c, const std::string& v) {
     return number_in(v, 0, 1, "between 0 and 1", c.unhealthy_zone_threshold);
   }},
  {"large-cluster-size-threshold", "largeClusterSizeThreshold", "COUNT",
   "an unhealthy zone of at most this many nodes evicts nothing (default 50)", false,
   [](server_config& c, const std::string& v) -> std::string {
     if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
       return "must be a whole number of nodes, 0 or more";
     c.large_cluster_size_threshold = std::stoll(v);
     return {};
   }},
  {"terminated-pod-gc-threshold", "terminatedPodGCThreshold", "COUNT",
   "Succeeded or Failed pods kept before the oldest are deleted (default 12500; 0: no limit)",
   false,
   [](server_config& c, const std::string& v) -> std::string {
     if (v.empty() || v.size() > 12 || v.find_first_not_of("0123456789") != std::string::npos)
       return "must be a whole number of pods, 0 or more";
     c.terminated_pod_gc_threshold = std::stoll(v);
     return {};
   }},
};

const setting* find_flag(const std::string& name) {
  for (const auto& s : settings)
    if (name == s.flag)
      return &s;
  return nullptr;
}

const setting* find_key(const std::string& key) {
  for (const auto& s : settings)
    if (key == s.key)
      return &s;
  return nullptr;
}

std::string yaml_value_error(const std::string& source, const std::string& key,
                             const std::string& value, const std::string& problem) {
  return source + ": invalid value \"" + value + "\" for key \"" + key + "\": " + problem;
}

bool read_file(const std::string& path, std::string& out, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot read config file \"" + path + "\": " + std::strerror(errno);
    return false;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    error = "cannot read config file \"" + path + "\": read error";
    return false;
  }
  out = buf.str();
  return true;
}

parse_outcome failure(std::string error) {
  parse_outcome out;
  out.what = parse_outcome::action::fail;
  out.error = std::move(error);
  return out;
}

} // namespace

std::string apply_yaml(const std::string& yaml_text, const std::string& source,
                       server_config& config) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return source + ": invalid YAML: " + e.what();
  }
  if (root.IsNull())
    return {};
  if (!root.IsMap())
    return source + ": expected a mapping of settings at the top level";
  for (const auto& item : root) {
    if (!item.first.IsScalar())
      return source + ": keys must be strings";
    auto key = item.first.Scalar();
    const setting* s = find_key(key);
    if (!s)
      return source + ": unknown key \"" + key + "\"";
    const YAML::Node& value = item.second;
    if (s->list) {
      if (!value.IsSequence())
        return source + ": key \"" + key + "\" must be a list";
      config.tls_sans.clear();
      for (const auto& element : value) {
        auto text = element.IsScalar() ? element.Scalar() : std::string{};
        if (auto problem = s->set(config, text); !problem.empty())
          return yaml_value_error(source, key, text, problem);
      }
      continue;
    }
    if (!value.IsScalar() && !value.IsNull())
      return source + ": key \"" + key + "\" must be a single value";
    auto text = value.IsScalar() ? value.Scalar() : std::string{};
    if (auto problem = s->set(config, text); !problem.empty())
      return yaml_value_error(source, key, text, problem);
  }
  return {};
}

node_lifecycle_settings resolve_node_lifecycle(const server_config& config) {
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  const bool fast = config.profile == "fast";
  node_lifecycle_settings s;
  s.node_monitor_grace_period =
    config.node_monitor_grace_period.value_or(milliseconds(fast ? seconds(5) : seconds(50)));
  s.node_startup_grace_period =
    config.node_startup_grace_period.value_or(milliseconds(fast ? seconds(10) : seconds(60)));
  s.node_status_update_frequency = fast ? seconds(1) : seconds(10);
  s.default_not_ready_toleration_seconds =
    config.default_not_ready_toleration_seconds.value_or(fast ? 5 : 300);
  s.default_unreachable_toleration_seconds =
    config.default_unreachable_toleration_seconds.value_or(fast ? 5 : 300);
  s.pod_gc_period = fast ? seconds(1) : seconds(20);
  s.pod_gc_quarantine = fast ? seconds(3) : seconds(40);
  return s;
}

void resolve_defaults(server_config& config) {
  if (config.tls_dir.empty())
    config.tls_dir = config.data_dir + "/pki";
  if (config.token_file.empty())
    config.token_file = config.data_dir + "/admin.token";
}

parse_outcome parse_server_args(const std::vector<std::string>& args) {
  // First pass: split into (setting, value) pairs and find --config and --help.
  std::vector<std::pair<const setting*, std::string>> flags;
  std::string config_file;
  bool help = false;
  bool print_join_token = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      help = true;
      continue;
    }
    if (arg == "--print-join-token") {
      print_join_token = true;
      continue;
    }
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0)
      return failure(arg.size() > 1 && arg[0] == '-' ? "unknown shorthand flag: " + arg
                                                     : "unexpected argument \"" + arg + "\"");
    auto eq = arg.find('=');
    auto name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const setting* s = find_flag(name);
    if (!s && name != "config")
      return failure("unknown flag: --" + name);
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else {
      if (i + 1 >= args.size())
        return failure("flag needs an argument: --" + name);
      value = args[++i];
    }
    if (s)
      flags.emplace_back(s, std::move(value));
    else if (value.empty())
      return failure("invalid argument \"\" for \"--config\" flag: must not be empty");
    else
      config_file = std::move(value);
  }
  parse_outcome out;
  if (help) {
    out.what = parse_outcome::action::help;
    return out;
  }
  if (!config_file.empty()) {
    std::string text;
    std::string error;
    if (!read_file(config_file, text, error))
      return failure(error);
    if (auto problem = apply_yaml(text, config_file, out.config); !problem.empty())
      return failure(problem);
    out.config.config_file = config_file;
  }
  bool list_from_flags = false;
  for (const auto& [s, value] : flags) {
    if (s->list && !list_from_flags) {
      out.config.tls_sans.clear();
      list_from_flags = true;
    }
    if (auto problem = s->set(out.config, value); !problem.empty())
      return failure("invalid argument \"" + value + "\" for \"--" + s->flag + "\" flag: " +
                     problem);
  }
  resolve_defaults(out.config);
  if (print_join_token)
    out.what = parse_outcome::action::print_join_token;
  return out;
}

std::string help_text() {
  std::ostringstream out;
  out << "troupe-server: the Troupe control plane (Kubernetes API, store, controllers).\n\n"
         "Usage:\n  troupe-server [flags]\n\n"
         "On first start it creates a CA, a server certificate, an admin token and an admin\n"
         "kubeconfig (<data-dir>/admin.kubeconfig) for kubectl and troupe, and the token\n"
         "node agents join with (<data-dir>/join-token).\n\n"
         "Flags:\n";
  auto row = [&](const std::string& left, const std::string& help) {
    out << "      " << left;
    if (left.size() >= 30)  // a long flag: its help on the next line, aligned
      out << "\n      ";
    for (size_t n = left.size() >= 30 ? 0 : left.size(); n < 30; ++n)
      out << ' ';
    out << help << '\n';
  };
  row("--config FILE", "YAML file with the settings below (flags override it)");
  for (const auto& s : settings)
    row(std::string("--") + s.flag + " " + s.value_name, s.help);
  row("--print-join-token", "print the token node agents join with, then exit");
  row("-h, --help", "print this help");
  out << "\nYAML keys:";
  for (const auto& s : settings)
    out << ' ' << s.key;
  out << "\n";
  return out.str();
}

} // namespace troupe::server
