#include "benchmarks/etcd/etcd_metrics.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace troupe::benchmarks::etcd {

std::optional<std::string> fetch_metrics(const std::string& endpoint, std::string& error) {
  auto colon = endpoint.rfind(':');
  if (colon == std::string::npos) {
    error = "endpoint without a port: " + endpoint;
    return std::nullopt;
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(std::atoi(endpoint.c_str() + colon + 1)));
  if (::inet_pton(AF_INET, endpoint.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    error = "not an IPv4 address: " + endpoint;
    return std::nullopt;
  }
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    error = "connect " + endpoint + ": " + std::strerror(errno);
    if (fd >= 0)
      ::close(fd);
    return std::nullopt;
  }
  // HTTP/1.0: the server closes the connection after the body, so reading to EOF is the body.
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: " + endpoint + "\r\n\r\n";
  std::string response;
  bool ok = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size());
  char buf[16384];
  for (ssize_t n; ok && (n = ::recv(fd, buf, sizeof buf, 0)) != 0;) {
    if (n < 0) {
      ok = errno == EINTR;
      continue;
    }
    response.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  auto body = response.find("\r\n\r\n");
  bool status_ok =
      response.compare(0, 12, "HTTP/1.1 200") == 0 || response.compare(0, 12, "HTTP/1.0 200") == 0;
  if (!ok || !status_ok || body == std::string::npos) {
    error = "GET /metrics from " + endpoint + " failed: " + response.substr(0, response.find('\r'));
    return std::nullopt;
  }
  return response.substr(body + 4);
}

std::optional<double> metric_value(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 &&
        line[name.size()] == ' ')
      return std::strtod(line.c_str() + name.size() + 1, nullptr);
  }
  return std::nullopt;
}

} // namespace troupe::benchmarks::etcd
