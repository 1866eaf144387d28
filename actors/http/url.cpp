#include "actors/http/url.hpp"

#include "actors/http/message.hpp"

namespace troupe::http {

std::string url::authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  bool default_port = (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
  return default_port ? h : h + ":" + port;
}

std::optional<url> parse_url(std::string_view text) {
  url out;
  size_t sep = text.find("://");
  if (sep == std::string_view::npos)
    return std::nullopt;
  std::string_view scheme = text.substr(0, sep);
  if (iequals(scheme, "https"))
    out.scheme = "https";
  else if (iequals(scheme, "http"))
    out.scheme = "http";
  else
    return std::nullopt;
  text.remove_prefix(sep + 3);
  size_t slash = text.find_first_of("/?");
  std::string_view authority = text.substr(0, slash);
  std::string_view rest = slash == std::string_view::npos ? "" : text.substr(slash);
  if (authority.empty() || authority.find('@') != std::string_view::npos)
    return std::nullopt;
  std::string_view port;
  if (authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return std::nullopt;
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return std::nullopt;
      port = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos)
      port = authority.substr(colon + 1);
  }
  if (out.host.empty())
    return std::nullopt;
  for (char c : port)
    if (c < '0' || c > '9')
      return std::nullopt;
  if (port.size() > 5 || (!port.empty() && std::stoul(std::string(port)) > 65535))
    return std::nullopt;
  out.port = port.empty() ? (out.tls() ? "443" : "80") : std::string(port);
  out.target = rest.empty() ? "/" : std::string(rest);
  if (out.target.front() == '?')
    out.target.insert(out.target.begin(), '/');
  return out;
}

} // namespace troupe::http
