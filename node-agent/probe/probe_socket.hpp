#pragma once
// Blocking TCP for the prober's threads (CAF-free): every wait is a poll() bounded by the call's
// deadline and also woken by the prober's stop fd, so a prober being destroyed never waits for a
// peer. Errors are worded as Go's net package words them ("dial tcp 10.0.0.5:80: connect:
// connection refused", "dial tcp 10.0.0.5:80: i/o timeout").
// TLS (httpGet with scheme HTTPS) runs OpenSSL over memory BIOs, so every byte still goes through
// the same deadline-bound waits and the first bytes of the server's answer can be checked the way
// Go's client checks them ("http: server gave HTTP response to HTTPS client").

#include <chrono>
#include <string>

struct ssl_st;

namespace troupe::node_agent::probe {

enum class io_status { ok, timeout, stopped, error };

class probe_socket {
public:
  using clock = std::chrono::steady_clock;

  /// `stop_fd`: readable once the prober stops (-1: none).
  probe_socket(int stop_fd, clock::time_point deadline) : stop_fd_(stop_fd), deadline_(deadline) {}
  ~probe_socket();
  probe_socket(const probe_socket&) = delete;
  probe_socket& operator=(const probe_socket&) = delete;

  /// Resolves `host` (an IP literal, or a name through getaddrinfo) and connects. On error,
  /// error() is the Go text: "dial tcp <ip:port>: connect: <reason>", "dial tcp <ip:port>: i/o
  /// timeout", "dial tcp: lookup <host>: no such host".
  io_status connect(const std::string& host, int port);
  /// TLS over the connected socket without verifying the server's certificate (the kubelet's
  /// InsecureSkipVerify), SNI when `server_name` is not an IP literal.
  io_status start_tls(const std::string& server_name);
  io_status send_all(const std::string& data);
  /// Appends what arrives (up to `max` bytes at once); eof set when the peer closed.
  io_status receive(std::string& into, bool& eof, std::size_t max = 16384);

  const std::string& error() const { return error_; }

private:
  /// Waits until fd_ has `events`; timeout / stopped / ok.
  io_status wait(short events);
  io_status raw_send_all(const std::string& data);
  io_status raw_receive(std::string& into, bool& eof, std::size_t max);
  /// Sends what OpenSSL has written into its output BIO.
  io_status flush_tls();
  /// Feeds the next bytes from the socket to OpenSSL; eof when the peer closed.
  io_status feed_tls(bool& eof);
  /// error_ from OpenSSL's error queue.
  void tls_error(const char* what);

  int stop_fd_;
  clock::time_point deadline_;
  int fd_ = -1;
  ssl_st* ssl_ = nullptr;
  bool tls_answered_ = false;  // the server has sent TLS bytes (not plain HTTP)
  std::string error_;
};

} // namespace troupe::node_agent::probe
