#include "node-agent/probe/http_get.hpp"

#include <algorithm>

#include "node-agent/probe/probe_socket.hpp"

namespace troupe::node_agent::probe {

namespace {

constexpr const char* stopped_reason = "probe cancelled: the prober is stopping";
constexpr const char* timeout_reason =
    "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";

bool absolute_location(const std::string& loc) {
  auto scheme = loc.find("://");
  return loc.compare(0, 2, "//") == 0 ||
         (scheme != std::string::npos && scheme < loc.find_first_of("/?#"));
}

// One request on its own connection (keep-alives are off). Empty on success.
std::string exchange(const http_url& url, const header_list& headers,
                     std::chrono::steady_clock::time_point deadline, int stop_fd,
                     http_response& out) {
  if (url.scheme != "http" && url.scheme != "https")
    return "unsupported protocol scheme " + go_quote(url.scheme);
  probe_socket sock(stop_fd, deadline);
  auto fail = [&](io_status st) -> std::string {
    if (st == io_status::timeout)
      return timeout_reason;
    if (st == io_status::stopped)
      return stopped_reason;
    return sock.error();
  };
  if (auto st = sock.connect(url.host, url.port); st != io_status::ok)
    return st == io_status::error ? sock.error() : fail(st);
  if (url.scheme == "https")
    if (auto st = sock.start_tls(url.host); st != io_status::ok)
      return fail(st);
  if (auto st = sock.send_all(build_request(url, headers)); st != io_status::ok)
    return fail(st);
  std::string bytes, error;
  for (;;) {
    bool eof = false;
    if (auto st = sock.receive(bytes, eof); st != io_status::ok)
      return fail(st);
    switch (parse_response(bytes, eof, out, error)) {
      case read_state::complete: return {};
      case read_state::malformed: return error;
      case read_state::need_more: break;
    }
  }
}

} // namespace

std::string tcp_connect(const std::string& host, int port,
                        std::chrono::steady_clock::time_point deadline, int stop_fd) {
  probe_socket sock(stop_fd, deadline);
  auto st = sock.connect(host, port);
  if (st == io_status::stopped)
    return stopped_reason;
  return st == io_status::ok ? std::string() : sock.error();
}

http_get_result http_get(const http_url& url, const header_list& headers,
                         std::chrono::steady_clock::time_point deadline, int stop_fd) {
  http_get_result r;
  r.url = url;
  header_list h = headers;
  for (int requests = 1;; ++requests) {
    if (auto err = exchange(r.url, h, deadline, stop_fd, r.response); !err.empty()) {
      r.error = http_error(r.url, err);
      return r;
    }
    auto next = redirect_target(r.url, r.response);
    if (!next)
      return r;
    // Go's client: CheckRedirect sees the requests made so far; the kubelet's stops at 10.
    if (requests >= max_redirects) {
      r.error = http_error(*next, "stopped after 10 redirects");
      return r;
    }
    // A custom Host header survives only a relative Location (net/http redirect rules).
    if (absolute_location(*r.response.header("Location")))
      h.erase(std::remove_if(h.begin(), h.end(), [](const auto& kv) { return kv.first == "Host"; }),
              h.end());
    r.url = *next;
  }
}

} // namespace troupe::node_agent::probe
