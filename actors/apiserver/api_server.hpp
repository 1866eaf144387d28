#pragma once
// The Kubernetes API as one object: the request pool, the HTTPS server with bearer-token
// authentication and the router, over an object store it borrows (the store actor owns it; tests
// pass a memory store). No CAF: the api_server actor owns one of these and starts/stops it with its
// own lifetime.

#include <cstdint>
#include <memory>
#include <string>

#include "actors/apiserver/node_join_endpoint.hpp"
#include "actors/apiserver/pod_log_proxy.hpp"
#include "config/admission.hpp"

namespace troupe::metrics {
struct metrics_hub;
}

namespace troupe::store {
class object_store;
}

namespace troupe::apiserver {

struct api_server_options {
  std::shared_ptr<store::object_store> store;  // required; shared with its owner
  std::string address = "127.0.0.1";
  uint16_t port = 6443;      // 0: any free port
  std::string cert_file;     // empty: plain HTTP (tests only)
  std::string key_file;
  std::string token;         // the accepted bearer token; empty: no authentication (tests only)
  unsigned request_threads = 32;
  unsigned io_threads = 2;
  // Request metrics, open watches and connections, and GET /metrics (behind the token); may be null.
  std::shared_ptr<metrics::metrics_hub> metrics;
  // POST /troupe/v1/join (node_join_endpoint.hpp): served when `node_join.issue` is set; the
  // path is then exempt from the admin token (it checks the join token itself).
  node_join_options node_join;
  // pods/log from the pod's node (pod_log_proxy.hpp); empty: the answers without nodes.
  pod_log_source pod_logs;
  // Admission settings (the default not-ready/unreachable tolerationSeconds).
  config::admission_options admission;
};

class api_server {
public:
  explicit api_server(api_server_options options);
  ~api_server();

  /// Listens. "" on success, else why (no store, TLS files, the socket's error).
  std::string start();
  void stop();
  uint16_t port() const;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace troupe::apiserver
