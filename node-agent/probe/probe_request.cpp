#include "node-agent/probe/probe_request.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

namespace troupe::node_agent::probe {

namespace {

std::string lower(std::string s) {
  for (auto& ch : s)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

// strconv.Atoi with its error wording.
port_result atoi_port(const std::string& s) {
  auto syntax = [&] { return port_result{0, "strconv.Atoi: parsing " + go_quote(s) + ": invalid syntax"}; };
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-'))
    neg = s[i++] == '-';
  if (i == s.size())
    return syntax();
  long long v = 0;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9')
      return syntax();
    if (!overflow) {
      v = v * 10 + (s[i] - '0');
      overflow = v > (1LL << 62);
    }
  }
  if (overflow)
    return {0, "strconv.Atoi: parsing " + go_quote(s) + ": value out of range"};
  v = neg ? -v : v;
  if (v < INT32_MIN || v > INT32_MAX)  // keeps the "invalid port number" check meaningful
    return {0, "invalid port number: " + std::to_string(v)};
  return {static_cast<int>(v), ""};
}

} // namespace

port_result resolve_port(const troupe::meta::IntOrString& port,
                         const troupe::core::v1::Container& container) {
  port_result r;
  if (port.type() == 0) {
    r.port = port.intval();
  } else {
    bool found = false;
    for (const auto& p : container.ports()) {
      if (p.name() == port.strval()) {
        r.port = p.containerport();
        found = true;
        break;
      }
    }
    if (!found) {
      // Last ditch, as upstream: maybe an int stored as a string.
      r = atoi_port(port.strval());
      if (!r.error.empty())
        return r;
    }
  }
  if (r.port <= 0 || r.port >= 65536)
    return {r.port, "invalid port number: " + std::to_string(r.port)};
  return r;
}

std::string join_host_port(const std::string& host, int port) {
  if (host.find(':') != std::string::npos)
    return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

std::string http_url::text() const {
  std::string out = scheme + "://";
  if (explicit_port)
    out += join_host_port(host, port);
  else
    out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (!path.empty() && path[0] != '/' && path[0] != '?')
    out += '/';
  return out + path;
}

std::string http_url::target() const {
  std::string t = path.substr(0, path.find('#'));
  if (t.empty() || t[0] == '?')
    return "/" + t;
  return t[0] == '/' ? t : "/" + t;
}

http_url make_url(const std::string& scheme, const std::string& host, int port,
                  const std::string& path) {
  http_url u;
  u.scheme = scheme.empty() ? "http" : lower(scheme);
  u.host = host;
  u.port = port;
  u.path = path;
  return u;
}

std::string canonical_header_name(const std::string& name) {
  for (char ch : name) {
    bool token = std::isalnum(static_cast<unsigned char>(ch)) ||
                 std::string("!#$%&'*+-.^_`|~").find(ch) != std::string::npos;
    if (!token)
      return name;  // as Go: a name it cannot canonicalize is left alone
  }
  std::string out = name;
  bool upper = true;
  for (auto& ch : out) {
    ch = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(ch))
                                 : std::tolower(static_cast<unsigned char>(ch)));
    upper = ch == '-';
  }
  return out;
}

header_list request_headers(
    const google::protobuf::RepeatedPtrField<troupe::core::v1::HTTPHeader>& given,
    const std::string& user_agent) {
  header_list h;
  for (const auto& g : given)
    h.emplace_back(canonical_header_name(g.name()), g.value());
  auto first = [&](const std::string& name) {
    return std::find_if(h.begin(), h.end(), [&](const auto& kv) { return kv.first == name; });
  };
  if (first("User-Agent") == h.end())
    h.emplace_back("User-Agent", user_agent);
  if (first("Accept") == h.end())
    h.emplace_back("Accept", "*/*");
  else if (first("Accept")->second.empty())
    h.erase(std::remove_if(h.begin(), h.end(), [](const auto& kv) { return kv.first == "Accept"; }),
            h.end());
  // Go writes User-Agent first, then the others sorted by name.
  std::stable_sort(h.begin(), h.end(), [](const auto& a, const auto& b) {
    bool ua = a.first == "User-Agent", ub = b.first == "User-Agent";
    if (ua != ub)
      return ua;
    return a.first < b.first;
  });
  return h;
}

std::string build_request(const http_url& url, const header_list& headers) {
  std::string host = join_host_port(url.host, url.port);
  if (!url.explicit_port)
    host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  for (const auto& [k, v] : headers)
    if (k == "Host" && !v.empty()) {
      host = v;
      break;
    }
  std::string out = "GET " + url.target() + " HTTP/1.1\r\nHost: " + host + "\r\n";
  bool user_agent_done = false;
  for (const auto& [k, v] : headers) {
    if (k == "Host" || (k == "User-Agent" && user_agent_done))
      continue;  // Go sends only the first User-Agent
    user_agent_done = user_agent_done || k == "User-Agent";
    out += k + ": " + v + "\r\n";
  }
  return out + "Connection: close\r\n\r\n";
}

std::string go_quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char ch : s) {
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (ch < 0x20 || ch == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", ch);
          out += buf;
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  return out + "\"";
}

std::string http_error(const http_url& url, const std::string& reason) {
  return "Get " + go_quote(url.text()) + ": " + reason;
}

} // namespace troupe::node_agent::probe
