#include "actors/http/client.hpp"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <limits>
#include <mutex>
#include <optional>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "actors/http/url.hpp"

namespace troupe::http {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

struct client::impl {
  explicit impl(client_options o) : opts(std::move(o)) {}

  client_options opts;
  net::io_context io;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> secure;
  std::string connected_to; // "https://host:port" of the open connection, "" if none
  beast::flat_buffer buffer;

  std::mutex mu; // guards the three below against cancel()
  bool running = false;
  bool cancelled = false;
  unsigned long generation = 0;

  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  void drop() {
    if (plain || secure)
      tcp().close();
    plain.reset();
    secure.reset();
    connected_to.clear();
    buffer.clear();
  }

  // Runs the io_context on this thread until the operation started before it completes.
  void run() {
    io.restart();
    io.run();
  }

  void begin() {
    std::lock_guard<std::mutex> guard{mu};
    running = true;
    cancelled = false;
  }
  void end() {
    std::lock_guard<std::mutex> guard{mu};
    running = false;
    ++generation;
  }
  bool was_cancelled() {
    std::lock_guard<std::mutex> guard{mu};
    return cancelled;
  }

  std::string describe(const std::string& what, beast::error_code ec) {
    if (was_cancelled())
      return "cancelled";
    if (ec == beast::error::timeout)
      return what + ": timeout";
    std::string msg = what + ": " + ec.message();
    if (secure) {
      long verify = SSL_get_verify_result(secure->native_handle());
      if (verify != X509_V_OK)
        msg += " (" + std::string(X509_verify_cert_error_string(verify)) + ")";
    }
    return msg;
  }

  template <class Fn>
  auto with_stream(Fn&& fn) {
    if (secure)
      return fn(*secure);
    return fn(*plain);
  }

  std::string connect(const url& u) {
    drop();
    std::string where = u.host + ":" + u.port;
    if (u.tls() && !opts.tls)
      return "https URL but no TLS configuration (certificate authority) given";
    beast::error_code ec;
    net::ip::tcp::resolver::results_type endpoints;
    net::ip::tcp::resolver resolver{io};
    resolver.async_resolve(u.host, u.port, [&](beast::error_code e, auto results) {
      ec = e;
      endpoints = std::move(results);
    });
    run();
    if (ec)
      return describe("resolve " + u.host, ec);
    if (u.tls())
      secure = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(io, *opts.tls);
    else
      plain = std::make_unique<beast::tcp_stream>(io);
    tcp().expires_after(opts.connect_timeout);
    tcp().async_connect(endpoints, [&](beast::error_code e, auto) { ec = e; });
    run();
    if (ec) {
      auto msg = describe("connect " + where, ec);
      drop();
      return msg;
    }
    beast::error_code ignored;
    tcp().socket().set_option(net::ip::tcp::no_delay{true}, ignored);
    if (secure) {
      SSL* ssl = secure->native_handle();
      beast::error_code not_ip;
      net::ip::make_address(u.host, not_ip);
      if (not_ip) {
        SSL_set_tlsext_host_name(ssl, u.host.c_str()); // SNI is for names only (RFC 6066)
        SSL_set1_host(ssl, u.host.c_str());
      } else {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), u.host.c_str());
      }
      tcp().expires_after(opts.connect_timeout);
      secure->async_handshake(net::ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
      run();
      if (ec) {
        auto msg = describe("TLS handshake with " + where, ec);
        drop();
        return msg;
      }
    }
    connected_to = u.scheme + "://" + where;
    return {};
  }

  // Connects unless the kept connection already goes to u; `reused` says which happened.
  std::string ensure(const url& u, bool& reused) {
    reused = !connected_to.empty() && connected_to == u.scheme + "://" + u.host + ":" + u.port;
    return reused ? std::string{} : connect(u);
  }

  bhttp::request<bhttp::string_body> make_request(std::string_view method, const url& u,
                                                  const header_list& headers, std::string body) {
    bhttp::request<bhttp::string_body> req;
    auto verb = bhttp::string_to_verb(beast::string_view{method.data(), method.size()});
    if (verb == bhttp::verb::unknown)
      req.method_string(beast::string_view{method.data(), method.size()});
    else
      req.method(verb);
    req.target(u.target);
    req.version(11);
    req.set(bhttp::field::host, u.authority());
    req.set(bhttp::field::user_agent, opts.user_agent);
    if (!opts.bearer_token.empty())
      req.set(bhttp::field::authorization, "Bearer " + opts.bearer_token);
    for (const auto& f : headers.fields())
      req.set(f.first, f.second);
    if (!body.empty() && !headers.has("Content-Type"))
      req.set(bhttp::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
  }

  beast::error_code write(bhttp::request<bhttp::string_body>& req) {
    beast::error_code ec;
    tcp().expires_after(opts.timeout);
    with_stream([&](auto& s) {
      bhttp::async_write(s, req, [&](beast::error_code e, size_t) { ec = e; });
    });
    run();
    return ec;
  }

  template <class Parser>
  beast::error_code read_header(Parser& p) {
    beast::error_code ec;
    tcp().expires_after(opts.timeout);
    with_stream([&](auto& s) {
      bhttp::async_read_header(s, buffer, p, [&](beast::error_code e, size_t) { ec = e; });
    });
    run();
    return ec;
  }

  template <class Parser>
  beast::error_code read_rest(Parser& p) {
    beast::error_code ec;
    tcp().expires_after(opts.timeout);
    with_stream(
        [&](auto& s) { bhttp::async_read(s, buffer, p, [&](beast::error_code e, size_t) { ec = e; }); });
    run();
    return ec;
  }

  // Sends req and reads the head; retries once on a fresh connection when a kept-alive one turns
  // out to have been closed by the server before answering.
  template <class Parser>
  std::string exchange_head(const url& u, bhttp::request<bhttp::string_body>& req,
                            std::optional<Parser>& parser) {
    for (int attempt = 0;; ++attempt) {
      bool reused = false;
      if (auto err = ensure(u, reused); !err.empty())
        return err;
      parser.emplace();
      parser->body_limit(std::numeric_limits<std::uint64_t>::max());
      beast::error_code ec = write(req);
      if (!ec)
        ec = read_header(*parser);
      if (!ec)
        return {};
      bool stale = reused && attempt == 0 && !was_cancelled() &&
                   (ec == bhttp::error::end_of_stream || ec == net::error::connection_reset ||
                    ec == net::error::broken_pipe || ec == net::error::eof ||
                    ec == net::ssl::error::stream_truncated);
      auto msg = describe(std::string(req.method_string()) + " " + connected_to + u.target, ec);
      drop();
      if (!stale)
        return msg;
    }
  }

  template <class Parser>
  static void copy_head(const Parser& p, client_response& out) {
    out.status = p.get().result_int();
    for (const auto& f : p.get())
      out.headers.add(std::string(f.name_string()), std::string(f.value()));
  }
};

client::client(client_options options) : impl_(std::make_unique<impl>(std::move(options))) {}

client::~client() = default;

client_response client::request(std::string_view method, const std::string& target,
                                const header_list& headers, std::string body) {
  client_response out;
  auto u = parse_url(target);
  if (!u) {
    out.error = "invalid URL " + target;
    return out;
  }
  impl_->begin();
  auto req = impl_->make_request(method, *u, headers, std::move(body));
  std::optional<bhttp::response_parser<bhttp::string_body>> parser;
  out.error = impl_->exchange_head(*u, req, parser);
  if (out.error.empty()) {
    if (auto ec = impl_->read_rest(*parser)) {
      out.error = impl_->describe("reading the answer", ec);
      impl_->drop();
    } else {
      impl::copy_head(*parser, out);
      out.body = std::move(parser->get().body());
      if (!parser->get().keep_alive())
        impl_->drop();
    }
  }
  impl_->end();
  return out;
}

client_response client::stream(const std::string& target, const header_list& headers,
                               const std::function<bool(std::string_view)>& on_data,
                               std::chrono::milliseconds idle_timeout) {
  client_response out;
  auto u = parse_url(target);
  if (!u) {
    out.error = "invalid URL " + target;
    return out;
  }
  auto& im = *impl_;
  im.begin();
  auto req = im.make_request("GET", *u, headers, {});
  std::optional<bhttp::response_parser<bhttp::string_body>> parser;
  out.error = im.exchange_head(*u, req, parser);
  if (!out.error.empty()) {
    im.end();
    return out;
  }
  impl::copy_head(*parser, out);
  if (out.status < 200 || out.status > 299) {
    if (auto ec = im.read_rest(*parser))
      out.error = im.describe("reading the answer", ec);
    else
      out.body = std::move(parser->get().body());
    im.drop();
    im.end();
    return out;
  }
  bool stopped = false;
  auto deliver = [&](beast::string_view piece) {
    if (!stopped && !on_data(std::string_view{piece.data(), piece.size()}))
      stopped = true;
  };
  // The parser keeps a reference to the callback: it must outlive the reads below.
  auto on_chunk = [&](std::uint64_t, beast::string_view piece, beast::error_code& ec) {
    deliver(piece);
    if (stopped)
      ec = net::error::operation_aborted;
    return piece.size();
  };
  parser->on_chunk_body(on_chunk);
  beast::error_code ec;
  while (!ec && !parser->is_done()) {
    if (idle_timeout.count() > 0)
      im.tcp().expires_after(idle_timeout);
    else
      im.tcp().expires_never();
    im.with_stream([&](auto& s) {
      bhttp::async_read_some(s, im.buffer, *parser, [&](beast::error_code e, size_t) { ec = e; });
    });
    im.run();
  }
  // A body without chunked coding (Content-Length or until EOF) arrives whole.
  if (!stopped && !parser->chunked() && !parser->get().body().empty() &&
      (!ec || ec == bhttp::error::end_of_stream))
    deliver(parser->get().body());
  if (ec && !stopped && !(ec == bhttp::error::end_of_stream && !parser->chunked()))
    out.error = im.describe("watching " + target, ec);
  im.drop(); // a stream ends its connection
  im.end();
  return out;
}

client_response client::stream_lines(const std::string& target, const header_list& headers,
                                     const std::function<bool(std::string_view)>& on_line,
                                     std::chrono::milliseconds idle_timeout) {
  std::string partial;
  bool go_on = true;
  auto split = [&](std::string_view data) {
    partial.append(data.data(), data.size());
    size_t start = 0;
    for (size_t nl; go_on && (nl = partial.find('\n', start)) != std::string::npos; start = nl + 1)
      go_on = on_line(std::string_view{partial}.substr(start, nl - start));
    partial.erase(0, start);
    return go_on;
  };
  auto out = stream(target, headers, split, idle_timeout);
  if (go_on && !partial.empty() && out.ok() && out.status >= 200 && out.status <= 299)
    on_line(partial);
  return out;
}

void client::cancel() {
  auto& im = *impl_;
  std::lock_guard<std::mutex> guard{im.mu};
  if (!im.running)
    return;
  im.cancelled = true;
  net::post(im.io, [&im, g = im.generation] {
    {
      std::lock_guard<std::mutex> guard{im.mu};
      if (g != im.generation)
        return;
    }
    if (im.plain || im.secure)
      im.tcp().close();
  });
}

} // namespace troupe::http
