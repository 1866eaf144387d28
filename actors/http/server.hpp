#pragma once
// The HTTP/1.1 server under the Kubernetes API: HTTPS (or plain HTTP for tests) on Boost.Beast.
// - Its own io_context run by `io_threads` threads (never CAF workers); each connection lives on
//   its own strand, so no per-request thread and no locks on the hot path.
// - Per request: read (body limit, 413 beyond it, answered before the body when Content-Length
//   says so), authenticate (401 Status), then call the handler on an io thread. The handler must
//   not block: it answers through the responder at once or later from any thread (e.g. a CAF
//   actor), with a response or a stream (stream.hpp). One request at a time per connection;
//   keep-alive between them.
// - A streamed response ends its connection (Connection: close) so no request data is read while
//   a dead-client probe read is pending.
// - stop(): no new connections, idle ones closed, in-flight answers and streams finished (streams
//   get their terminating chunk and on_close with server_stopping), waiting up to stop_grace,
//   then the threads are joined. The destructor stops.
// Nothing here logs requests or headers.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "actors/http/auth.hpp"
#include "actors/http/message.hpp"
#include "actors/http/responder.hpp"

namespace troupe::http {

/// One answered request, for metrics: told when its answer (or its stream's head) is written.
struct request_record {
  std::string method;
  std::string path;
  std::multimap<std::string, std::string> query;
  unsigned status = 0;
  double seconds = 0;    // from the request read to its answer (to the stream's head if streamed)
  bool streamed = false;
};

struct server_options {
  std::string address = "127.0.0.1";
  uint16_t port = 0; // 0: any free port, see server::port()
  std::shared_ptr<boost::asio::ssl::context> tls; // null: plain HTTP
  unsigned io_threads = 2;
  size_t body_limit = 3 * 1024 * 1024;
  size_t stream_buffer_limit = 8 * 1024 * 1024;
  std::chrono::milliseconds idle_timeout{std::chrono::seconds{120}};   // between requests
  std::chrono::milliseconds request_timeout{std::chrono::seconds{60}}; // handshake, body, reply
  std::chrono::milliseconds stop_grace{std::chrono::seconds{5}};
  authenticator authenticate; // empty: every request passes
  // Called on an io thread for every answered request (also 401s); must be quick and thread-safe.
  std::function<void(const request_record&)> observe;
};

using handler = std::function<void(request, responder)>;

class server {
public:
  server(server_options options, handler on_request);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds, listens and starts the io threads. "" on success, else why ("bind 127.0.0.1:6443:
  /// Address already in use").
  std::string start();
  /// The bound port (useful with port 0), 0 before start().
  uint16_t port() const;
  void stop();
  /// Connections currently open (for tests and metrics).
  size_t open_connections() const;

  struct state;

private:
  std::shared_ptr<state> state_;
};

} // namespace troupe::http
