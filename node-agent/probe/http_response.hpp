#pragma once
// An HTTP answer as the kubelet's probe client reads and judges it (CAF-free, pure,
// table-tested; pkg/probe/http, net/http's client).
//
// Contract:
// - parse_response reads a response from the bytes received so far: interim 1xx answers skipped,
//   the body (Content-Length, chunked, or up to EOF) kept up to max_body_bytes, malformed input
//   reported in Go's words ("EOF", "unexpected EOF", "net/http: HTTP/1.x transport connection
//   broken: malformed HTTP response \"...\"").
// - judge_http_response: 200-299 success; 300-399 warning "Probe terminated redirects, Response
//   body: <body>" (the redirects the client follows are decided before, by redirect_target);
//   else failure "HTTP probe failed with statuscode: <code>".
// - redirect_target: what Go's client with the kubelet's CheckRedirect does with a 3xx: follow
//   301/302/303/307/308 with a Location to the same hostname; stop (use this response) otherwise.

#include <optional>
#include <string>

#include "node-agent/probe/probe_request.hpp"

namespace troupe::node_agent::probe {

inline constexpr std::size_t max_body_bytes = 10 * 1024;  // maxRespBodyLength

struct http_response {
  int status = 0;
  header_list headers;  // names as sent
  std::string body;     // at most max_body_bytes, de-chunked
  /// The first header named `name` (case-insensitive), if any.
  std::optional<std::string> header(const std::string& name) const;
};

/// Progress of reading a response from bytes received so far.
enum class read_state { need_more, complete, malformed };

/// Parses `bytes` (everything received so far); `eof` = the peer closed. complete once the head is
/// read and the body is complete (Content-Length reached, last chunk seen, EOF, or
/// max_body_bytes collected). On malformed, `error` has Go's wording.
read_state parse_response(const std::string& bytes, bool eof, http_response& out,
                          std::string& error);

struct probe_verdict {
  enum class kind { success, warning, failure };
  kind what = kind::failure;
  std::string message;
};

probe_verdict judge_http_response(const http_response& r);

/// The next URL when the client follows this response; none when it stops here.
std::optional<http_url> redirect_target(const http_url& current, const http_response& r);

} // namespace troupe::node_agent::probe
