#pragma once
// A loopback HTTP(S) server for prober tests: a free port on 127.0.0.1, one thread per
// connection, requests recorded; the answer is the test's (or none: hold the connection open).
// Plus a port nothing listens on. Assertions stay on the test's thread: read requests() there.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/actors/http/test_cert.hpp"

namespace troupe::testing {


// A loopback HTTP server on a free port. `respond` gets the request head and returns the raw
// answer; none = hold the connection open without answering until the server stops.
class test_server {
public:
  using responder = std::function<std::optional<std::string>(const std::string& request)>;

  /// `tls`: HTTPS with the shared test certificate.
  explicit test_server(responder r, bool tls = false) : respond_(std::move(r)) {
    if (tls)
      tls_ = make_tls_context();
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(listen_fd_, 64);
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    [[maybe_unused]] int rc = ::pipe2(stop_, O_CLOEXEC);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  ~test_server() {
    char b = 1;
    [[maybe_unused]] auto n = ::write(stop_[1], &b, 1);
    acceptor_.join();
    for (auto& t : connections_)
      t.join();
    ::close(listen_fd_);
    ::close(stop_[0]);
    ::close(stop_[1]);
    if (tls_)
      SSL_CTX_free(tls_);
  }
  int port() const { return port_; }
  std::vector<std::string> requests() const {
    std::lock_guard<std::mutex> g(m_);
    return requests_;
  }
  int connections() const { return accepted_; }
  int max_concurrent() const { return max_open_; }

private:
  bool wait_readable(int fd) {
    pollfd p[2] = {{fd, POLLIN, 0}, {stop_[0], POLLIN, 0}};
    ::poll(p, 2, -1);
    return !(p[1].revents & POLLIN);
  }
  void accept_loop() {
    while (wait_readable(listen_fd_)) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0)
        continue;
      ++accepted_;
      connections_.emplace_back([this, fd] { serve(fd); });
    }
  }
  static SSL_CTX* make_tls_context() {
    const auto& pki = troupe::http::testing::shared_pki();
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    BIO* cb = BIO_new_mem_buf(pki.cert_pem.data(), static_cast<int>(pki.cert_pem.size()));
    X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
    BIO* kb = BIO_new_mem_buf(pki.key_pem.data(), static_cast<int>(pki.key_pem.size()));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
    SSL_CTX_use_certificate(ctx, cert);
    SSL_CTX_use_PrivateKey(ctx, key);
    X509_free(cert);
    EVP_PKEY_free(key);
    BIO_free(cb);
    BIO_free(kb);
    return ctx;
  }
  // HTTPS: blocking reads with a receive timeout (the tests only use answering servers here).
  void serve_tls(int fd) {
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    SSL* ssl = SSL_new(tls_);
    SSL_set_fd(ssl, fd);
    std::string req;
    char buf[4096];
    if (SSL_accept(ssl) == 1) {
      while (req.find("\r\n\r\n") == std::string::npos) {
        int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0)
          break;
        req.append(buf, static_cast<size_t>(n));
      }
    }
    if (!req.empty()) {
      {
        std::lock_guard<std::mutex> g(m_);
        requests_.push_back(req);
      }
      if (auto answer = respond_(req))
        SSL_write(ssl, answer->data(), static_cast<int>(answer->size()));
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    ::close(fd);
  }
  void serve(int fd) {
    if (tls_)
      return serve_tls(fd);
    std::string req;
    char buf[4096];
    while (req.find("\r\n\r\n") == std::string::npos && wait_readable(fd)) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0)
        break;
      req.append(buf, static_cast<size_t>(n));
      if (req[0] == 0x16)
        break;  // a TLS hello: answered at once with 400, as an HTTP server does
    }
    if (!req.empty() && req[0] == 0x16) {
      std::string bad = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";
      ::send(fd, bad.data(), bad.size(), MSG_NOSIGNAL);
    } else if (!req.empty()) {
      {
        std::lock_guard<std::mutex> g(m_);
        requests_.push_back(req);
      }
      // Requests being answered at once; the count drops before the answer is sent, so a client
      // that waits for answers can never be seen over its limit.
      int now = ++open_;
      for (int m = max_open_; now > m && !max_open_.compare_exchange_weak(m, now);) {
      }
      auto answer = respond_(req);
      --open_;
      if (answer) {
        ::send(fd, answer->data(), answer->size(), MSG_NOSIGNAL);
      } else {
        while (wait_readable(fd) && ::recv(fd, buf, sizeof buf, 0) > 0) {
        }
      }
    }
    ::close(fd);
  }

  responder respond_;
  SSL_CTX* tls_ = nullptr;
  int listen_fd_ = -1;
  int port_ = 0;
  int stop_[2] = {-1, -1};
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // only the acceptor thread adds, joined after it
  mutable std::mutex m_;
  std::vector<std::string> requests_;
  std::atomic<int> accepted_{0}, open_{0}, max_open_{0};  // open_: requests being answered
};

inline std::string http_answer(int status, const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

// A port nothing listens on: bound, then closed.
inline int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

// Collects outcomes from prober threads; the test thread waits and asserts.
} // namespace troupe::testing
