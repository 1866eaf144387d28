#include "node-agent/embed/node_agent_options.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <fstream>

#include "actors/http/url.hpp"
#include "config/label_syntax.hpp"

namespace troupe::node_agent::embed {

namespace {

std::string field(const char* name, const std::string& problem) {
  return std::string("node_agent_options.") + name + ": " + problem;
}

std::string quoted(const std::string& v) { return "\"" + v + "\""; }

// kubeadm's bootstrap token form, as troupe-server issues it.
bool is_join_token(const std::string& t) {
  auto ok = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return t.size() == 23 && t[6] == '.' && std::all_of(t.begin(), t.begin() + 6, ok) &&
         std::all_of(t.begin() + 7, t.end(), ok);
}

const char* token_form =
  "is not of the form [a-z0-9]{6}.[a-z0-9]{16} (troupe-server --print-join-token prints it)";

bool is_ip(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

} // namespace

std::string options_problem(const node_agent_options& o) {
  if (o.node_name.empty())
    return field("node_name", "is required (the Node object's name)");
  if (auto p = config::dns1123_subdomain_problems(o.node_name); !p.empty())
    return field("node_name", quoted(o.node_name) + " is not a valid node name: " + p.front());
  if (o.data_dir.empty())
    return field("data_dir", "is required (the node's credentials are kept in <data_dir>/pki)");
  if (!o.server.empty()) {
    auto u = http::parse_url(o.server);
    if (!u || u->scheme != "https" || u->host.empty())
      return field("server", quoted(o.server) + " is not an https URL such as https://127.0.0.1:6443");
  }
  if (!o.join_token.empty() && !o.join_token_file.empty())
    return field("join_token", "give join_token or join_token_file, not both");
  if (!o.join_token.empty() && !is_join_token(o.join_token))
    return field("join_token", token_form);
  if (!o.ca_file.empty() && o.insecure_skip_tls_verify)
    return field("ca_file", "give ca_file or insecure_skip_tls_verify, not both");
  if (!o.node_ip.empty() && !is_ip(o.node_ip))
    return field("node_ip", quoted(o.node_ip) + " is not an IPv4 or IPv6 address");
  for (const auto& [key, value] : o.labels) {
    if (auto p = config::label_key_problems(key); !p.empty())
      return field("labels", "invalid label key " + quoted(key) + ": " + p.front());
    if (auto p = config::label_value_problems(value); !p.empty())
      return field("labels", "invalid label value " + quoted(value) + ": " + p.front());
  }
  if (!o.runtime_instance && o.runtime == runtime_kind::cri) {
    const auto& s = o.cri_socket;
    bool ok = (s.rfind("unix:///", 0) == 0 && s.size() > 8) || (s.size() > 1 && s[0] == '/');
    if (!ok)
      return field("cri_socket", quoted(s) + " is not unix:///absolute/path or an absolute path");
  }
  if (!o.log_root.empty() && o.log_root[0] != '/')
    return field("log_root", quoted(o.log_root) + " is not an absolute path");
  if (!o.cgroup_parent.empty() && o.cgroup_parent[0] != '/')
    return field("cgroup_parent", quoted(o.cgroup_parent) + " is not an absolute cgroup path");
  if (o.profile != "default" && o.profile != "fast")
    return field("profile", quoted(o.profile) + " is not default or fast");
  return {};
}

std::string join_inputs_problem(const node_agent_options& o) {
  if (o.server.empty())
    return field("server", "is required to join a cluster (https://host:port of troupe-server)");
  if (o.join_token.empty() && o.join_token_file.empty())
    return field("join_token", "join_token or join_token_file is required to join a cluster");
  if (o.ca_file.empty() && !o.insecure_skip_tls_verify)
    return field("ca_file",
                 "the cluster CA (or insecure_skip_tls_verify) is required to join a cluster");
  return {};
}

std::string resolve_join_token(const node_agent_options& o, std::string& token) {
  if (o.join_token_file.empty()) {
    if (!is_join_token(o.join_token))
      return field("join_token", o.join_token.empty() ? std::string("is empty") : token_form);
    token = o.join_token;
    return {};
  }
  std::ifstream in(o.join_token_file);
  if (!in)
    return field("join_token_file", "cannot read " + quoted(o.join_token_file));
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
    line.pop_back();
  if (!is_join_token(line))
    return field("join_token_file", "the first line of " + quoted(o.join_token_file) + " " +
                 token_form);
  token = line;
  return {};
}

bool split_host_port(const std::string& address, std::string& host, uint16_t& port) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= address.size())
    return false;
  auto h = address.substr(0, colon);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']')
    h = h.substr(1, h.size() - 2);
  auto digits = address.substr(colon + 1);
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  auto p = std::stoul(digits);
  if (p < 1 || p > 65535)
    return false;
  host = h;
  port = static_cast<uint16_t>(p);
  return true;
}

// The kubelet's default when --node-ip is not given is the host's address; the first up,
// non-loopback IPv4 interface address is the simple equivalent (as troupe-node does).
std::string default_node_ip() {
  ifaddrs* list = nullptr;
  std::string out = "127.0.0.1";
  if (::getifaddrs(&list) != 0)
    return out;
  for (auto* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK) ||
        !(a->ifa_flags & IFF_UP))
      continue;
    char text[INET_ADDRSTRLEN];
    auto* in = reinterpret_cast<sockaddr_in*>(a->ifa_addr);
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof text)) {
      out = text;
      break;
    }
  }
  ::freeifaddrs(list);
  return out;
}

std::string effective_log_root(const node_agent_options& o) {
  return o.log_root.empty() ? o.data_dir + "/pods" : o.log_root;
}

} // namespace troupe::node_agent::embed
