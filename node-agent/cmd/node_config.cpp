#include "node-agent/cmd/node_config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "actors/http/url.hpp"
#include "config/label_syntax.hpp"
#include "node-agent/agent/node_info.hpp"

namespace troupe::node_agent::cmd {

namespace {

using setter = std::string (*)(node_config&, const std::string&);

struct flag {
  const char* name;        // without "--"
  const char* value_name;  // "" for a boolean flag
  const char* help;
  bool secret;             // never echo the value in errors
  setter set;
};

std::string non_empty(const std::string& v, std::string& field) {
  if (v.empty())
    return "must not be empty";
  field = v;
  return {};
}

bool is_ip(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

// kubeadm's bootstrap token form.
bool is_join_token(const std::string& t) {
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return t.size() == 23 && t[6] == '.' && std::all_of(t.begin(), t.begin() + 6, ok) &&
         std::all_of(t.begin() + 7, t.end(), ok);
}

std::string set_token(node_config& c, const std::string& v) {
  if (!is_join_token(v))
    return "a join token has the form [a-z0-9]{6}.[a-z0-9]{16} (troupe-server "
           "--print-join-token prints it)";
  c.join_token = v;
  return {};
}

std::string set_host_port(node_config& c, const std::string& v) {
  auto colon = v.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return "expected host:port";
  auto host = v.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  auto port = v.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) < 1 || std::stoul(port) > 65535)
    return "port must be an integer from 1 to 65535";
  c.metrics_host = host;
  c.metrics_port = static_cast<uint16_t>(std::stoul(port));
  return {};
}

const flag flags[] = {
  {"name", "NAME", "node name (default: the host name)", false,
   [](node_config& c, const std::string& v) -> std::string {
     auto problems = config::dns1123_subdomain_problems(v);
     if (!problems.empty())
       return problems.front();
     c.name = v;
     return {};
   }},
  {"server", "URL", "troupe-server's API, https://host:port", false,
   [](node_config& c, const std::string& v) -> std::string {
     auto u = http::parse_url(v);
     if (!u || u->scheme != "https" || u->host.empty())
       return "must be an https URL such as https://127.0.0.1:6443";
     c.server = v;
     while (!c.server.empty() && c.server.back() == '/')
       c.server.pop_back();
     return {};
   }},
  {"join-token", "TOKEN", "the cluster's join token", true, set_token},
  {"join-token-file", "FILE", "file holding the join token", false,
   [](node_config& c, const std::string& v) -> std::string {
     if (v.empty())
       return "must not be empty";
     std::ifstream in(v);
     if (!in)
       return "cannot read the file";
     std::string token;
     std::getline(in, token);
     while (!token.empty() && (token.back() == '\r' || token.back() == ' '))
       token.pop_back();
     if (!is_join_token(token))
       return "the file does not hold a join token of the form [a-z0-9]{6}.[a-z0-9]{16}";
     c.join_token = token;
     return {};
   }},
  {"ca-file", "FILE", "cluster CA to verify the server with at the join", false,
   [](node_config& c, const std::string& v) { return non_empty(v, c.ca_file); }},
  {"insecure-skip-tls-verify", "", "join without verifying the server's certificate", false,
   [](node_config& c, const std::string& v) -> std::string {
     if (v == "true" || v.empty())
       c.insecure_skip_tls_verify = true;
     else if (v == "false")
       c.insecure_skip_tls_verify = false;
     else
       return "must be true or false";
     return {};
   }},
  {"data-dir", "DIR", "agent state and credentials (default /var/lib/troupe-node)", false,
   [](node_config& c, const std::string& v) { return non_empty(v, c.data_dir); }},
  {"cri-socket", "ENDPOINT",
   "container runtime endpoint (default unix:///run/containerd/containerd.sock)", false,
   [](node_config& c, const std::string& v) -> std::string {
     bool ok = (v.rfind("unix:///", 0) == 0 && v.size() > 8) || (v.size() > 1 && v[0] == '/');
     if (!ok)
       return "must be unix:///absolute/path or an absolute path";
     c.cri_socket = v;
     return {};
   }},
  {"runtime", "cri|fake", "cri (containerd) or fake (a hollow node, in memory)", false,
   [](node_config& c, const std::string& v) -> std::string {
     if (v != "cri" && v != "fake")
       return "must be cri or fake";
     c.runtime = v;
     return {};
   }},
  {"node-ip", "IP", "the node's InternalIP (default: first non-loopback IPv4)", false,
   [](node_config& c, const std::string& v) -> std::string {
     if (!is_ip(v))
       return "must be an IPv4 or IPv6 address";
     c.node_ip = v;
     return {};
   }},
  {"node-labels", "K=V,...", "labels to add to the Node", false,
   [](node_config& c, const std::string& v) { return parse_node_labels(v, c.node_labels); }},
  {"log-root", "DIR", "pod log directory (default /var/log/pods)", false,
   [](node_config& c, const std::string& v) -> std::string {
     if (v.empty() || v[0] != '/')
       return "must be an absolute path";
     c.log_root = v;
     return {};
   }},
  {"cgroup-parent", "PATH", "cgroup under which pods get pod<uid> (e.g. /troupe/node1)", false,
   [](node_config& c, const std::string& v) -> std::string {
     if (v.empty() || v[0] != '/')
       return "must be an absolute cgroup path";
     c.cgroup_parent = v;
     return {};
   }},
  {"metrics-address", "HOST:PORT", "Prometheus /metrics address (default: none)", false,
   set_host_port},
  {"profile", "default|fast", "fast: short backoffs for tests (1 s doubling to 10 s)", false,
   [](node_config& c, const std::string& v) -> std::string {
     if (v != "default" && v != "fast")
       return "must be default or fast";
     c.profile = v;
     return {};
   }},
};

const flag* find_flag(const std::string& name) {
  for (const auto& f : flags)
    if (name == f.name)
      return &f;
  return nullptr;
}

node_parse_outcome failure(std::string error) {
  node_parse_outcome out;
  out.what = node_parse_outcome::action::fail;
  out.error = std::move(error);
  return out;
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

} // namespace

node_parse_outcome parse_node_args(const std::vector<std::string>& args,
                                   const std::string& default_name) {
  node_parse_outcome out;
  bool token_flag = false, token_file_flag = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "-h" || arg == "--help") {
      out.what = node_parse_outcome::action::help;
      return out;
    }
    if (arg.size() < 3 || arg.compare(0, 2, "--") != 0)
      return failure(arg.size() > 1 && arg[0] == '-' ? "unknown shorthand flag: " + arg
                                                     : "unexpected argument \"" + arg + "\"");
    auto eq = arg.find('=');
    auto name = arg.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    const flag* f = find_flag(name);
    if (!f)
      return failure("unknown flag: --" + name);
    std::string value;
    if (eq != std::string::npos) {
      value = arg.substr(eq + 1);
    } else if (*f->value_name) {
      if (i + 1 >= args.size())
        return failure("flag needs an argument: --" + name);
      value = args[++i];
    }
    if (auto problem = f->set(out.config, value); !problem.empty()) {
      if (f->secret)
        return failure("invalid argument for \"--" + name + "\" flag: " + problem);
      return failure("invalid argument \"" + value + "\" for \"--" + name + "\" flag: " + problem);
    }
    token_flag = token_flag || name == "join-token";
    token_file_flag = token_file_flag || name == "join-token-file";
  }
  if (token_flag && token_file_flag)
    return failure("--join-token and --join-token-file are mutually exclusive");
  if (!out.config.ca_file.empty() && out.config.insecure_skip_tls_verify)
    return failure("--ca-file and --insecure-skip-tls-verify are mutually exclusive");
  if (out.config.name.empty()) {
    auto name = lower(default_name);
    if (!config::dns1123_subdomain_problems(name).empty())
      return failure("the host name \"" + default_name +
                     "\" is not a valid node name: give one with --name");
    out.config.name = name;
  }
  return out;
}

std::string join_flags_problem(const node_config& c) {
  if (c.server.empty())
    return "--server is needed to join a cluster";
  if (c.join_token.empty())
    return "--join-token or --join-token-file is needed to join a cluster";
  if (c.ca_file.empty() && !c.insecure_skip_tls_verify)
    return "--ca-file (the cluster CA) or --insecure-skip-tls-verify is needed to join a cluster";
  return {};
}

std::string node_help_text() {
  std::ostringstream out;
  out << "troupe-node: the Troupe node agent (runs the pods bound to this node).\n\n"
         "Usage:\n  troupe-node --server https://HOST:PORT --join-token-file FILE --ca-file FILE "
         "[flags]\n\n"
         "At the first start it joins the cluster with the join token and keeps its node\n"
         "certificate and credential in <data-dir>/pki; later starts reuse them.\n\nFlags:\n";
  for (const auto& f : flags) {
    std::string left = std::string("--") + f.name + (*f.value_name ? " " : "") + f.value_name;
    out << "      " << left;
    for (size_t n = left.size(); n < 32; ++n)
      out << ' ';
    out << f.help << '\n';
  }
  out << "      -h, --help                      print this help\n";
  return out.str();
}

profile_timing timing_of(const std::string& profile) {
  profile_timing t;
  if (profile == "fast") {
    t.backoff_initial = std::chrono::seconds(1);
    t.backoff_max = std::chrono::seconds(10);
    t.resync = std::chrono::seconds(2);
    t.node_status_interval = std::chrono::seconds(2);
  }
  return t;
}

} // namespace troupe::node_agent::cmd
