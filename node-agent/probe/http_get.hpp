#pragma once
// The blocking halves of tcpSocket and httpGet (CAF-free; run on the prober's threads): one TCP
// connect, or one GET with the kubelet's client rules (redirects to the same hostname followed,
// at most 10 requests; the whole exchange within the deadline), errors worded as Go's.

#include <chrono>
#include <string>

#include "node-agent/probe/http_response.hpp"

namespace troupe::node_agent::probe {

/// "" when the port opened (closed again at once), else e.g. "dial tcp 10.0.0.5:80: connect:
/// connection refused" / "dial tcp 10.0.0.5:80: i/o timeout".
std::string tcp_connect(const std::string& host, int port,
                        std::chrono::steady_clock::time_point deadline, int stop_fd);

struct http_get_result {
  http_response response;  // the last response, when error is empty
  http_url url;            // the URL that response (or the error) belongs to
  std::string error;       // Get "<url>": <reason>
};

/// On timeout: Get "<url>": context deadline exceeded (Client.Timeout exceeded while awaiting
/// headers).
http_get_result http_get(const http_url& url, const header_list& headers,
                         std::chrono::steady_clock::time_point deadline, int stop_fd);

} // namespace troupe::node_agent::probe
