#include "node-agent/probe/probe_socket.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "node-agent/probe/probe_request.hpp"

namespace troupe::node_agent::probe {

namespace {

// Go's syscall.Errno texts are strerror's, lowercased at the start ("connection refused").
std::string errno_text(int e) {
  std::string s = std::strerror(e);
  if (!s.empty())
    s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string address_text(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {};
  int port = 0;
  if (sa->sa_family == AF_INET6) {
    auto* a = reinterpret_cast<const sockaddr_in6*>(sa);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
    port = ntohs(a->sin6_port);
  } else {
    auto* a = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    port = ntohs(a->sin_port);
  }
  return join_host_port(buf, port);
}

} // namespace

probe_socket::~probe_socket() {
  if (ssl_)
    SSL_free(ssl_);
  if (fd_ >= 0)
    ::close(fd_);
}

io_status probe_socket::wait(short events) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - clock::now());
    if (left.count() <= 0)
      return io_status::timeout;
    pollfd fds[2] = {{fd_, events, 0}, {stop_fd_, POLLIN, 0}};
    // +1 ms so that a wait does not wake just before the deadline and spin.
    int n = ::poll(fds, stop_fd_ >= 0 ? 2 : 1, static_cast<int>(left.count()) + 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      error_ = errno_text(errno);
      return io_status::error;
    }
    if (stop_fd_ >= 0 && (fds[1].revents & POLLIN))
      return io_status::stopped;
    if (fds[0].revents != 0)
      return io_status::ok;
  }
}

io_status probe_socket::connect(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string service = std::to_string(port);
  if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &res) != 0 || res == nullptr) {
    error_ = "dial tcp: lookup " + host + ": no such host";
    return io_status::error;
  }
  // The first address, as Go reports the first one's error.
  std::string addr = address_text(res->ai_addr);
  fd_ = ::socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    error_ = "dial tcp " + addr + ": socket: " + errno_text(errno);
    ::freeaddrinfo(res);
    return io_status::error;
  }
  int rc = ::connect(fd_, res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  if (rc != 0 && errno != EINPROGRESS) {
    error_ = "dial tcp " + addr + ": connect: " + errno_text(errno);
    return io_status::error;
  }
  if (rc != 0) {
    auto st = wait(POLLOUT);
    if (st == io_status::timeout)
      error_ = "dial tcp " + addr + ": i/o timeout";
    if (st != io_status::ok)
      return st;
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      error_ = "dial tcp " + addr + ": connect: " + errno_text(err);
      return io_status::error;
    }
  }
  return io_status::ok;
}

io_status probe_socket::raw_send_all(const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (auto st = wait(POLLOUT); st != io_status::ok)
        return st;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    error_ = "write: " + errno_text(errno);
    return io_status::error;
  }
  return io_status::ok;
}

io_status probe_socket::raw_receive(std::string& into, bool& eof, std::size_t max) {
  eof = false;
  for (;;) {
    if (auto st = wait(POLLIN); st != io_status::ok)
      return st;
    std::string buf(max, '\0');
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n > 0) {
      into.append(buf.data(), static_cast<size_t>(n));
      return io_status::ok;
    }
    if (n == 0) {
      eof = true;
      return io_status::ok;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
      continue;
    error_ = "read: " + errno_text(errno);
    return io_status::error;
  }
}

namespace {

// One client context for every TLS probe: no verification, as the kubelet's probe transport.
SSL_CTX* client_context() {
  static SSL_CTX* ctx = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
    return c;
  }();
  return ctx;
}

bool is_ip_literal(const std::string& host) {
  in6_addr a6;
  in_addr a4;
  return inet_pton(AF_INET, host.c_str(), &a4) == 1 || inet_pton(AF_INET6, host.c_str(), &a6) == 1;
}

} // namespace

void probe_socket::tls_error(const char* what) {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  const char* reason = e ? ERR_reason_error_string(e) : nullptr;
  error_ = std::string("tls: ") + (reason ? reason : what);
}

io_status probe_socket::flush_tls() {
  BIO* out = SSL_get_wbio(ssl_);
  char buf[16384];
  int n;
  while ((n = BIO_read(out, buf, sizeof buf)) > 0)
    if (auto st = raw_send_all(std::string(buf, static_cast<size_t>(n))); st != io_status::ok)
      return st;
  return io_status::ok;
}

io_status probe_socket::feed_tls(bool& eof) {
  std::string bytes;
  if (auto st = raw_receive(bytes, eof, 16384); st != io_status::ok)
    return st;
  if (!tls_answered_ && !bytes.empty()) {
    // Go's client: a first record starting "HTTP/" means a plain HTTP server.
    if (bytes.compare(0, 5, "HTTP/") == 0) {
      error_ = "http: server gave HTTP response to HTTPS client";
      return io_status::error;
    }
    tls_answered_ = true;
  }
  if (!bytes.empty())
    BIO_write(SSL_get_rbio(ssl_), bytes.data(), static_cast<int>(bytes.size()));
  return io_status::ok;
}

io_status probe_socket::start_tls(const std::string& server_name) {
  ssl_ = SSL_new(client_context());
  SSL_set_bio(ssl_, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_connect_state(ssl_);
  if (!server_name.empty() && !is_ip_literal(server_name))
    SSL_set_tlsext_host_name(ssl_, server_name.c_str());
  for (;;) {
    int rc = SSL_do_handshake(ssl_);
    if (auto st = flush_tls(); st != io_status::ok)
      return st;
    if (rc == 1)
      return io_status::ok;
    if (SSL_get_error(ssl_, rc) != SSL_ERROR_WANT_READ) {
      tls_error("handshake failure");
      return io_status::error;
    }
    bool eof = false;
    if (auto st = feed_tls(eof); st != io_status::ok)
      return st;
    if (eof) {
      error_ = "EOF";
      return io_status::error;
    }
  }
}

io_status probe_socket::send_all(const std::string& data) {
  if (!ssl_)
    return raw_send_all(data);
  if (SSL_write(ssl_, data.data(), static_cast<int>(data.size())) <= 0) {
    tls_error("write failed");
    return io_status::error;
  }
  return flush_tls();
}

io_status probe_socket::receive(std::string& into, bool& eof, std::size_t max) {
  if (!ssl_)
    return raw_receive(into, eof, max);
  eof = false;
  std::string buf(max, '\0');
  for (;;) {
    int n = SSL_read(ssl_, buf.data(), static_cast<int>(buf.size()));
    if (n > 0) {
      into.append(buf.data(), static_cast<size_t>(n));
      return io_status::ok;
    }
    int err = SSL_get_error(ssl_, n);
    if (err == SSL_ERROR_ZERO_RETURN) {
      eof = true;
      return io_status::ok;
    }
    if (err != SSL_ERROR_WANT_READ) {
      tls_error("read failed");
      return io_status::error;
    }
    if (auto st = flush_tls(); st != io_status::ok)
      return st;
    bool closed = false;
    if (auto st = feed_tls(closed); st != io_status::ok)
      return st;
    if (closed) {  // closed without close_notify: the end of the answer, as Go reads it
      eof = true;
      return io_status::ok;
    }
  }
}

} // namespace troupe::node_agent::probe
