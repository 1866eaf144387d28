#pragma once
// Internal to server.cpp: one accepted connection, generic over plain TCP and TLS streams.
// All members are touched only on the connection's strand; the outside world (responders,
// streams, server::stop) reaches it by posting onto that strand.
//
// States: handshake -> reading -> handling -> writing -> reading ... ; handling -> streaming;
// any -> closing (linger: FIN sent, input drained until EOF or a timer) -> closed.
// The server holds every open connection (registry) until it reaches closed.
// Just over 400 lines: one connection's state machine reads best in one place (the stream
// bookkeeping that needs no socket is in stream.cpp).

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "actors/http/server.hpp"
#include "actors/http/target.hpp"

namespace troupe::http {

class connection_base {
public:
  virtual ~connection_base() = default;
  virtual void start() = 0;
  /// Posts: finish what is in flight, close.
  virtual void stop() = 0;
  /// Posts: close now.
  virtual void abort() = 0;
};

/// What a connection needs from its server.
class connection_host {
public:
  virtual ~connection_host() = default;
  virtual const server_options& options() const = 0;
  virtual const handler& on_request() const = 0;
  virtual void forget(connection_base* c) = 0;
};

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

template <class Stream>
class connection : public connection_base,
                   public stream_sink,
                   public std::enable_shared_from_this<connection<Stream>> {
  static constexpr bool is_tls = !std::is_same_v<Stream, beast::tcp_stream>;
  enum class phase { handshake, reading, handling, writing, streaming, closing, closed };

  // The current request's answer slot; replaced per request so a stale responder reaches nothing.
  struct exchange_slot : exchange {
    std::weak_ptr<connection> conn;
    void send(response r) override {
      if (auto c = conn.lock())
        net::post(c->stream_.get_executor(),
                  [c, r = std::move(r)]() mutable { c->write_response(std::move(r)); });
    }
    std::shared_ptr<stream> open_stream(unsigned status, header_list headers) override {
      auto c = conn.lock();
      if (!c)
        return responder{{}}.open_stream();
      auto s = std::make_shared<stream>(std::weak_ptr<stream_sink>{c},
                                        c->host_->options().stream_buffer_limit);
      net::post(c->stream_.get_executor(), [c, s, status, h = std::move(headers)]() mutable {
        c->start_stream(s, status, std::move(h));
      });
      return s;
    }
  };

public:
  template <class... Args>
  connection(std::shared_ptr<connection_host> host, std::string remote, Args&&... args)
    : host_(std::move(host)), stream_(std::forward<Args>(args)...), remote_(std::move(remote)),
      linger_(stream_.get_executor()) {}

  void start() override {
    auto self = this->shared_from_this();
    net::dispatch(stream_.get_executor(), [self] {
      if constexpr (is_tls) {
        self->tcp().expires_after(self->host_->options().request_timeout);
        self->stream_.async_handshake(net::ssl::stream_base::server,
                                      [self](beast::error_code ec) {
                                        if (ec)
                                          return self->finalize();
                                        self->read_request();
                                      });
      } else {
        self->read_request();
      }
    });
  }

  void stop() override {
    auto self = this->shared_from_this();
    net::post(stream_.get_executor(), [self] {
      self->stopping_ = true;
      switch (self->phase_) {
        case phase::handshake:
        case phase::reading:
          self->finalize();
          break;
        case phase::streaming:
          self->stream_state_->ended(close_reason::server_stopping);
          self->end_stream(true);
          break;
        default: // handling/writing: the answer goes out with Connection: close
          break;
      }
    });
  }

  void abort() override {
    auto self = this->shared_from_this();
    net::post(stream_.get_executor(), [self] {
      if (self->stream_state_)
        self->stream_state_->ended(close_reason::server_stopping);
      self->finalize();
    });
  }

  // stream_sink: called from any thread.
  void deliver(std::string framed, size_t counted) override {
    auto self = this->shared_from_this();
    net::post(stream_.get_executor(), [self, f = std::move(framed), counted]() mutable {
      if (self->phase_ != phase::streaming || self->finishing_) {
        self->stream_state_->written(counted);
        return;
      }
      self->pending_ += f;
      self->pending_counted_ += counted;
      if (!self->writing_)
        self->flush();
    });
  }

  void finish(bool graceful) override {
    auto self = this->shared_from_this();
    net::post(stream_.get_executor(), [self, graceful] {
      if (self->phase_ == phase::streaming)
        self->end_stream(graceful);
    });
  }

private:
  beast::tcp_stream& tcp() { return beast::get_lowest_layer(stream_); }
  const server_options& opts() const { return host_->options(); }

  void read_request() {
    if (stopping_)
      return finalize();
    phase_ = phase::reading;
    parser_.emplace();
    parser_->body_limit(opts().body_limit);
    tcp().expires_after(opts().idle_timeout);
    auto self = this->shared_from_this();
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self](beast::error_code ec, size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec)
      return on_read_error(ec);
    auto length = parser_->content_length();
    if (length && *length > opts().body_limit)
      return reject_too_large();
    tcp().expires_after(opts().request_timeout);
    auto self = this->shared_from_this();
    auto read_body = [self] {
      bhttp::async_read(self->stream_, self->buffer_, *self->parser_,
                        [self](beast::error_code ec, size_t) {
                          if (ec)
                            return self->on_read_error(ec);
                          self->handle(self->parser_->release());
                        });
    };
    auto expect = parser_->get()[bhttp::field::expect];
    if (beast::iequals(expect, "100-continue")) {
      static const std::string go_on = "HTTP/1.1 100 Continue\r\n\r\n";
      net::async_write(stream_, net::buffer(go_on), [self, read_body](beast::error_code ec, size_t) {
        if (ec)
          return self->finalize();
        read_body();
      });
    } else {
      read_body();
    }
  }

  void on_read_error(beast::error_code ec) {
    if (ec == bhttp::error::body_limit)
      return reject_too_large();
    if (ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
        ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message) {
      keep_alive_ = false;
      phase_ = phase::handling;
      return write_response(response::status_error(400, "BadRequest", "malformed HTTP request"));
    }
    finalize();
  }

  void reject_too_large() {
    keep_alive_ = false;
    phase_ = phase::handling;
    write_response(response::status_error(
        413, "RequestEntityTooLarge",
        "Request entity too large: limit is " + std::to_string(opts().body_limit)));
  }

  void handle(bhttp::request<bhttp::string_body> msg) {
    phase_ = phase::handling;
    keep_alive_ = msg.keep_alive();
    auto target = parse_target(std::string_view{msg.target().data(), msg.target().size()});
    if (!target) {
      keep_alive_ = false;
      return write_response(response::status_error(400, "BadRequest", "malformed request target"));
    }
    request req;
    req.method = std::string(msg.method_string());
    req.raw_target = std::string(msg.target());
    req.path = std::move(target->path);
    req.query = std::move(target->query);
    for (const auto& f : msg)
      req.headers.add(std::string(f.name_string()), std::string(f.value()));
    req.body = std::move(msg.body());
    req.remote_address = remote_;
    if (opts().observe) {
      record_.emplace();
      record_->method = req.method;
      record_->path = req.path;
      record_->query = req.query;
      started_ = std::chrono::steady_clock::now();
    }
    if (opts().authenticate && !opts().authenticate(req))
      return write_response(unauthorized_response());
    slot_ = std::make_shared<exchange_slot>();
    slot_->conn = this->shared_from_this();
    responder res{std::weak_ptr<exchange>{slot_}};
    try {
      host_->on_request()(std::move(req), res);
    } catch (...) {
      res.send(response::status_error(500, "InternalError", "Internal error occurred"));
    }
  }

  static void copy_headers(const header_list& from, bhttp::fields& to) {
    for (const auto& f : from.fields())
      to.insert(f.first, f.second);
    if (!from.has("Content-Type"))
      to.set(bhttp::field::content_type, "application/json");
  }

  void write_response(response r) {
    if (phase_ != phase::handling)
      return;
    slot_.reset();
    report(r.status, false);
    phase_ = phase::writing;
    res_ = {};
    res_.version(11);
    res_.result(r.status);
    copy_headers(r.headers, res_);
    res_.body() = std::move(r.body);
    res_.keep_alive(keep_alive_ && !stopping_);
    res_.prepare_payload();
    tcp().expires_after(opts().request_timeout);
    auto self = this->shared_from_this();
    bhttp::async_write(stream_, res_, [self](beast::error_code ec, size_t) {
      if (ec)
        return self->finalize();
      if (!self->res_.keep_alive())
        return self->linger(true);
      self->read_request();
    });
  }

  void start_stream(std::shared_ptr<stream> s, unsigned status, header_list headers) {
    if (phase_ != phase::handling) {
      s->ended(close_reason::client_gone);
      return;
    }
    slot_.reset();
    report(status, true);
    phase_ = phase::streaming;
    stream_state_ = std::move(s);
    bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(status), 11};
    copy_headers(headers, head);
    head.chunked(true);
    head.keep_alive(false);
    pending_ = header_text(head);
    tcp().expires_never();
    probe();
    if (stopping_) {
      stream_state_->ended(close_reason::server_stopping);
      end_stream(true);
    } else {
      flush();
    }
  }

  // Hands the answered request to server_options::observe (once per request).
  void report(unsigned status, bool streamed) {
    if (!record_)
      return;
    record_->status = status;
    record_->streamed = streamed;
    record_->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    try {
      opts().observe(*record_);
    } catch (...) {
    }
    record_.reset();
  }

  static std::string header_text(const bhttp::response<bhttp::empty_body>& head) {
    std::string out = "HTTP/1.1 " + std::to_string(head.result_int()) + " ";
    out.append(head.reason().data(), head.reason().size());
    out += "\r\n";
    for (const auto& f : head) {
      out.append(f.name_string().data(), f.name_string().size());
      out += ": ";
      out.append(f.value().data(), f.value().size());
      out += "\r\n";
    }
    out += "\r\n";
    return out;
  }

  // A read kept pending while streaming: its completion (EOF, reset) means the client is gone.
  void probe() {
    auto self = this->shared_from_this();
    stream_.async_read_some(net::buffer(probe_buf_), [self](beast::error_code ec, size_t) {
      if (self->phase_ == phase::closed)
        return;
      if (ec) {
        self->stream_state_->ended(close_reason::client_gone);
        return self->finalize();
      }
      self->probe(); // a streaming client has nothing to say; discard
    });
  }

  void flush() {
    if (pending_.empty() || phase_ == phase::closed)
      return;
    writing_ = true;
    out_ = std::move(pending_);
    pending_.clear();
    out_counted_ = pending_counted_;
    pending_counted_ = 0;
    tcp().expires_after(opts().request_timeout); // a client that stops reading is dropped
    auto self = this->shared_from_this();
    net::async_write(stream_, net::buffer(out_), [self](beast::error_code ec, size_t) {
      self->writing_ = false;
      self->stream_state_->written(self->out_counted_);
      if (self->phase_ == phase::closed)
        return;
      if (ec) {
        self->stream_state_->ended(close_reason::client_gone);
        return self->finalize();
      }
      if (!self->pending_.empty())
        return self->flush();
      if (self->finishing_)
        self->linger(false);
    });
  }

  void end_stream(bool graceful) {
    if (finishing_ || phase_ != phase::streaming)
      return;
    if (!graceful)
      return finalize();
    finishing_ = true;
    pending_ += "0\r\n\r\n";
    if (!writing_)
      flush();
  }

  // Half-close, then wait for the client's EOF (so unread input cannot turn our FIN into a RST
  // that destroys the answer) or a short timer. While streaming, the probe read drains.
  void linger(bool drain) {
    if (phase_ == phase::closed)
      return;
    phase_ = phase::closing;
    beast::error_code ignored;
    tcp().socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    auto self = this->shared_from_this();
    linger_.expires_after(std::chrono::seconds{2});
    linger_.async_wait([self](beast::error_code) { self->finalize(); });
    if (drain)
      this->drain();
  }

  void drain() {
    auto self = this->shared_from_this();
    tcp().socket().async_read_some(net::buffer(probe_buf_), [self](beast::error_code ec, size_t) {
      if (ec)
        return self->finalize();
      self->drain();
    });
  }

  void finalize() {
    if (phase_ == phase::closed)
      return;
    phase_ = phase::closed;
    if (stream_state_)
      stream_state_->ended(close_reason::client_gone);
    slot_.reset();
    linger_.cancel();
    tcp().close();
    host_->forget(this);
  }

  std::shared_ptr<connection_host> host_;
  Stream stream_;
  std::string remote_;
  net::steady_timer linger_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;
  std::shared_ptr<exchange_slot> slot_;
  std::optional<request_record> record_;  // only with server_options::observe
  std::chrono::steady_clock::time_point started_;
  phase phase_ = phase::handshake;
  bool keep_alive_ = true;
  bool stopping_ = false;
  // Streaming.
  std::shared_ptr<stream> stream_state_;
  std::string pending_, out_;
  size_t pending_counted_ = 0, out_counted_ = 0;
  bool writing_ = false;
  bool finishing_ = false;
  char probe_buf_[512];
};

} // namespace troupe::http
