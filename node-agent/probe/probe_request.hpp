#pragma once
// The pure half of the prober (CAF-free, no sockets, table-tested): where a probe goes and what it
// sends, how an HTTP answer is read and judged, and the kubelet's wording of each outcome
// (pkg/probe/{tcp,http,exec}, pkg/probe/util.go ResolveContainerPort, pkg/kubelet/lifecycle).
//
// Contract:
// - resolve_port: an int port as is; a string is a container port's name, else an int written as
//   a string ("8080"); otherwise the Go error text ("strconv.Atoi: parsing \"http\": invalid
//   syntax"); a port outside 1..65535 is "invalid port number: <n>".
// - URLs as formatURL: scheme lowercased (default http), host:port with IPv6 in brackets, the path
//   kept as written (query included); printed as Go prints them ("http://10.0.0.5:80/healthz").
// - Requests as the kubelet's: GET, Host (the "Host" header when given, else host:port),
//   User-Agent "kube-probe/1.32" (hooks "kube-lifecycle/1.32") unless given, Accept "*/*" unless
//   given (an empty Accept removes it), the probe's headers with canonical names, Connection:
//   close (keep-alives off).
// Reading and judging the answer: http_response.hpp.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "proto/core_v1.pb.h"

namespace troupe::node_agent::probe {

inline constexpr const char* probe_user_agent = "kube-probe/1.32";
inline constexpr const char* hook_user_agent = "kube-lifecycle/1.32";
inline constexpr std::size_t max_exec_output = 10 * 1024;  // exec maxReadLength
inline constexpr int max_redirects = 10;

struct port_result {
  int port = 0;
  std::string error;  // set when the port cannot be used
};

port_result resolve_port(const troupe::meta::IntOrString& port,
                         const troupe::core::v1::Container& container);

/// "host:port", "[::1]:port" for IPv6 literals (net.JoinHostPort).
std::string join_host_port(const std::string& host, int port);

struct http_url {
  std::string scheme;  // "http" / "https"
  std::string host;    // without brackets
  int port = 0;
  std::string path;    // as written, may be "" or carry "?query"
  bool explicit_port = true;  // false for a redirect's Location without a port (printed without)
  /// As Go's url.String(): "http://10.0.0.5:8080/healthz", "http://[::1]:80".
  std::string text() const;
  /// The request target: the path, "/" when empty, a leading "/" added when missing.
  std::string target() const;
};

http_url make_url(const std::string& scheme, const std::string& host, int port,
                  const std::string& path);

using header_list = std::vector<std::pair<std::string, std::string>>;

/// Go's CanonicalMIMEHeaderKey: "x-forwarded-for" -> "X-Forwarded-For".
std::string canonical_header_name(const std::string& name);

/// The headers a probe or hook sends besides Host and Connection, in order: the given ones
/// (canonical names, duplicates kept) plus the defaults described above.
header_list request_headers(const google::protobuf::RepeatedPtrField<troupe::core::v1::HTTPHeader>& given,
                            const std::string& user_agent);

/// The full request text for `url` with `headers` (a "Host" entry sets the Host line).
std::string build_request(const http_url& url, const header_list& headers);

/// Go's %q of a string ("\"a b\"" with escapes).
std::string go_quote(const std::string& s);

/// The Go wording of a failed HTTP exchange: Get "<url>": <reason>.
std::string http_error(const http_url& url, const std::string& reason);

} // namespace troupe::node_agent::probe
