#pragma once
// The grpc probe (CAF-free, blocking: runs on a prober thread): one grpc.health.v1.Health/Check
// to host:port, as the kubelet's pkg/probe/grpc does it, with its wording:
//   SERVING                     success "service healthy"
//   another status              failure `service unhealthy (responded with "NOT_SERVING")`
//   no connection in time       failure `timeout: failed to connect service "10.0.0.5:9000"
//                               within 1s: context deadline exceeded` (the kubelet dials with
//                               WithBlock, so a refused port also ends here)
//   Unimplemented               failure "this server does not implement the grpc health protocol
//                               (grpc.health.v1.Health): <message>"
//   the call times out          failure "timeout: health rpc did not complete within 1s"
//   any other error             failure "error: health rpc probe failed: rpc error: code = ..."
// Plaintext, User-Agent kube-probe/1.32. Waiting for the connection also ends when `stop_fd`
// becomes readable; the call itself is bounded by the timeout only.

#include <chrono>
#include <string>

#include "node-agent/probe/http_response.hpp"

namespace troupe::node_agent::probe {

probe_verdict grpc_health_check(const std::string& host, int port, const std::string& service,
                                std::chrono::milliseconds timeout, int stop_fd);

} // namespace troupe::node_agent::probe
