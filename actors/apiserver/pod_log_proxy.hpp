#pragma once
// GET /api/v1/namespaces/N/pods/P/log, proxied to the node that runs the pod (issue 5 "Logs").
// CAF-free: troupe-server injects a pod_log_source that asks the node's agent (logs_atom in
// actors/protocol/node_protocol.hpp); the proxy only decodes the options, picks the container,
// and streams.
//
//   query: container, previous, tailLines, sinceSeconds, timestamps, limitBytes, follow
//   - a pod with several containers and no `container`: 400 `a container name must be specified
//     for pod P, choose one of: [a b]`; an unknown container: 400 `container x is not valid for
//     pod P` (Kubernetes' words);
//   - the pod bound to a node with a live session: 200 text/plain with the agent's text; an error
//     from the agent: 400 with its message;
//   - follow=true: a chunked text/plain stream; the proxy asks again with the returned offset every
//     `follow_interval` until the agent says the container writes no more, limitBytes is reached,
//     or the client leaves;
//   - no nodeName or no session for its node: serve_pod_log returns false and the API server
//     answers as it does without nodes.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "actors/http/message.hpp"
#include "actors/http/responder.hpp"

namespace troupe::core::v1 {
class Pod;
}

namespace troupe::apiserver {

struct pod_log_request {
  std::string node;
  std::string ns;
  std::string pod;
  std::string container;
  bool previous = false;
  int64_t tail_lines = -1;    // -1 = all
  int64_t since_seconds = 0;  // 0 = no limit
  bool timestamps = false;
  int64_t limit_bytes = 0;    // 0 = no limit
  int64_t offset = -1;        // -1 = first read; else continue a follow
};

struct pod_log_chunk {
  enum class outcome { ok, no_session, failed };
  outcome what = outcome::no_session;
  std::string text;
  int64_t next_offset = 0;
  bool more = false;   // the container may still write
  std::string error;   // failed: the message for the client
};

/// Blocking (runs on the API server's request pool or a follow thread, never on CAF workers).
using pod_log_source = std::function<pod_log_chunk(const pod_log_request&)>;

struct pod_log_options {
  pod_log_source source;
  std::chrono::milliseconds follow_interval{300};
  std::shared_ptr<std::atomic<bool>> stopping;  // set when the server stops: follows end
};

/// Answers the log request for `pod` (already read from the store) through `res`, or returns
/// false without answering when the pod has no node or its node has no live session.
bool serve_pod_log(const pod_log_options& options, const core::v1::Pod& pod,
                   const http::request& req, http::responder res);

/// The container a request is for (query `container`, else the pod's only container), or the
/// 400 message explaining why there is none ("" when `out` was set).
std::string pick_log_container(const core::v1::Pod& pod, const std::string& requested,
                               std::string& out);

} // namespace troupe::apiserver
