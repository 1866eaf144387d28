#pragma once
// A small synchronous HTTP/1.1 client for the troupe CLI and tests (Boost.Beast on a private
// io_context run by the calling thread, so every step has a timeout).
// - https URLs need options.tls (tls.hpp: the kubeconfig CA); the peer certificate must name the
//   URL's host: an IP SAN for 127.0.0.1 / ::1, a DNS SAN (and SNI) for names.
// - bearer_token, if set, goes out as "Authorization: Bearer <token>" on every request.
// - One connection is kept alive and reused while the scheme/host/port stay the same; a reused
//   connection the server had closed is retried once on a fresh one.
// - stream(): GET whose body is handed over as it arrives (watch); stream_lines() splits it into
//   lines. The callback returns false to stop. Non-2xx answers are not streamed: their body comes
//   back in the response. cancel() (any thread) ends a request in progress.
// Errors are values: response::error is empty on success and says what failed otherwise
// ("connect 127.0.0.1:6443: Connection refused", "timeout", "certificate verify failed" ...).
// Not thread-safe except cancel(): one client per thread.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>

#include "actors/http/message.hpp"

namespace troupe::http {

struct client_options {
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::string bearer_token;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds{10}};
  std::chrono::milliseconds timeout{std::chrono::seconds{60}}; // one request, sent and answered
  std::string user_agent = "troupe/0.1";
};

struct client_response {
  unsigned status = 0;
  header_list headers;
  std::string body;
  std::string error; // empty: a complete answer was received
  bool ok() const { return error.empty(); }
};

class client {
public:
  explicit client(client_options options);
  ~client();
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// A body without a Content-Type header is sent as application/json.
  client_response request(std::string_view method, const std::string& url,
                          const header_list& headers = {}, std::string body = {});

  /// GET url, calling on_data for each piece of body received. idle_timeout (0: none) bounds the
  /// wait between pieces. The result has status and headers; error is empty if the server ended
  /// the stream or on_data returned false.
  client_response stream(const std::string& url, const header_list& headers,
                         const std::function<bool(std::string_view data)>& on_data,
                         std::chrono::milliseconds idle_timeout = std::chrono::milliseconds{0});
  /// As stream(), one call per '\n'-terminated line (without the '\n'); a last unterminated line
  /// is delivered when the stream ends.
  client_response stream_lines(const std::string& url, const header_list& headers,
                               const std::function<bool(std::string_view line)>& on_line,
                               std::chrono::milliseconds idle_timeout = std::chrono::milliseconds{0});

  /// Ends the request in progress (its error becomes "cancelled"); no effect between requests.
  void cancel();

  struct impl;

private:
  std::unique_ptr<impl> impl_;
};

} // namespace troupe::http
