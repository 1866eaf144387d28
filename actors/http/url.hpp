#pragma once
// Absolute http(s) URLs as kubeconfig's `server` field holds them, split for the client:
//   "https://127.0.0.1:6443/api/v1/pods?watch=1" -> {https, 127.0.0.1, 6443, /api/v1/pods?watch=1}
//   "http://[::1]/"                             -> {http, ::1, 80, /}
// The target is passed through as written (the caller escapes query values, see target.hpp).

#include <optional>
#include <string>
#include <string_view>

namespace troupe::http {

struct url {
  std::string scheme; // "http" or "https", lower case
  std::string host;   // without IPv6 brackets
  std::string port;   // defaulted from the scheme
  std::string target; // "/" at least

  bool tls() const { return scheme == "https"; }
  /// The Host header value: host, bracketed if IPv6, ":port" unless the scheme's default.
  std::string authority() const;
};

std::optional<url> parse_url(std::string_view text);

} // namespace troupe::http
