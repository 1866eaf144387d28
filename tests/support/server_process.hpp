#pragma once
// A real troupe-server process for integration tests: its own temp dir (data, logs), free loopback
// ports for the API, node and metrics listeners, started by fork/exec of the binary built next to
// the tests (<build>/actors/troupe-server). stop() sends SIGTERM, kill9() SIGKILL; start() again
// reuses the same data dir and ports (restart tests). The destructor stops it and removes the dir.
// Also: sh() runs a shell command capturing stdout+stderr, and the kubeconfig/token paths for
// kubectl, troupe and curl. Header-only so any test file can include it.

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <netinet/in.h>
#include <random>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace troupe::testing {

/// Polls `check` every 200 ms until it is true or `timeout` passes (the end-to-end tests' wait).
inline bool eventually(const std::function<bool()>& check,
                       std::chrono::seconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return check();
}

inline std::string build_dir() {
  return std::filesystem::read_symlink("/proc/self/exe").parent_path().parent_path().string();
}

/// <build>/actors/troupe-server, or "" if it was not built.
inline std::string server_binary() {
  auto candidate = std::filesystem::path(build_dir()) / "actors" / "troupe-server";
  return std::filesystem::exists(candidate) ? candidate.string() : std::string{};
}

/// <build>/cli/troupe, or "".
inline std::string cli_binary() {
  auto candidate = std::filesystem::path(build_dir()) / "cli" / "troupe";
  return std::filesystem::exists(candidate) ? candidate.string() : std::string{};
}

/// A loopback port free right now, below the kernel's ephemeral range: a port from that range
/// (the kernel's pick for port 0) can be taken by any outgoing connection (a kubectl call of a
/// test running alongside) between this check and the process that binds it, which then fails to
/// start. Random, so that tests running at once rarely pick the same one; the kernel's pick if
/// none is found.
inline int free_port() {
  auto try_bind = [](int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    int bound = -1;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
      socklen_t len = sizeof(a);
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
      bound = ntohs(a.sin_port);
    }
    ::close(fd);
    return bound;
  };
  int ephemeral_low = 32768;
  if (std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range"); range)
    range >> ephemeral_low;
  constexpr int lowest = 10000;
  if (ephemeral_low - lowest > 1000) {
    static thread_local std::mt19937 rng(std::random_device{}());
    std::uniform_int_distribution<int> pick(lowest, ephemeral_low - 1);
    for (int attempt = 0; attempt < 64; ++attempt)
      if (int port = try_bind(pick(rng)); port > 0)
        return port;
  }
  return try_bind(0);
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct sh_result {
  int code = -1;
  std::string output;  // stdout and stderr together
};

/// Runs `cmd` with /bin/sh, stdout and stderr together.
inline sh_result sh(const std::string& cmd) {
  std::array<char, 4096> buf{};
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  while (p && std::fgets(buf.data(), buf.size(), p))
    out += buf.data();
  int status = p ? ::pclose(p) : -1;
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class server_process {
public:
  std::string dir;         // temp dir: data/, server-<n>.log
  std::string data;        // --data-dir
  std::string kubeconfig;  // data/admin.kubeconfig (written at first start)
  int port = 0, node_port = 0, metrics_port = 0;
  pid_t pid = -1;
  std::vector<std::string> extra_args;

  explicit server_process(std::string name = "troupe-test") {
    std::string templ = (std::filesystem::temp_directory_path() / (name + "-XXXXXX")).string();
    dir = ::mkdtemp(templ.data());
    data = dir + "/data";
    kubeconfig = data + "/admin.kubeconfig";
    port = free_port();
    node_port = free_port();
    metrics_port = free_port();
  }
  server_process(const server_process&) = delete;
  server_process& operator=(const server_process&) = delete;

  ~server_process() {
    stop();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port); }
  std::string metrics_url() const { return "http://127.0.0.1:" + std::to_string(metrics_port) + "/metrics"; }
  std::string log() const { return dir + "/server-" + std::to_string(starts_) + ".log"; }
  std::string token() const {
    auto t = slurp(data + "/admin.token");
    while (!t.empty() && (t.back() == '\n' || t.back() == ' '))
      t.pop_back();
    return t;
  }
  std::string ca_file() const { return data + "/pki/ca.crt"; }

  /// Starts the binary and waits until the API listens. false if it exited or timed out (see log()).
  bool start(std::chrono::seconds timeout = std::chrono::seconds(30)) {
    auto binary = server_binary();
    if (binary.empty())
      return false;
    ++starts_;
    const auto log_path = log();
    std::vector<std::string> args{binary,
                                  "--data-dir", data,
                                  "--api-address", "127.0.0.1:" + std::to_string(port),
                                  "--node-port", std::to_string(node_port),
                                  "--metrics-address", "127.0.0.1:" + std::to_string(metrics_port)};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid = ::fork();
    if (pid == 0) {
      FILE* out = std::freopen(log_path.c_str(), "w", stdout);
      (void)out;
      ::dup2(::fileno(stdout), 2);
      std::vector<char*> argv;
      for (auto& a : args)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (slurp(log_path).find("API listening") != std::string::npos)
        return true;
      int status;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  /// SIGTERM, then SIGKILL after `grace`. Returns the exit status (-1 if killed or not running).
  int stop(std::chrono::seconds grace = std::chrono::seconds(10)) {
    if (pid <= 0)
      return -1;
    ::kill(pid, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill9();
    return -1;
  }

  /// SIGKILL now and reap.
  void kill9() {
    if (pid <= 0)
      return;
    ::kill(pid, SIGKILL);
    int status;
    ::waitpid(pid, &status, 0);
    pid = -1;
  }

  /// kubectl 1.32 with this server's kubeconfig and HOME in the temp dir (no cache leaks).
  sh_result kubectl(const std::string& args) const {
    return sh("HOME=" + dir + " /usr/bin/kubectl --kubeconfig " + kubeconfig + " " + args);
  }
  /// The troupe CLI with this server's kubeconfig.
  sh_result troupe(const std::string& args) const {
    return sh("HOME=" + dir + " " + cli_binary() + " --kubeconfig " + kubeconfig + " " + args);
  }
  /// curl against the API with the admin token and the cluster CA: `curl_api("/api/v1/pods")`.
  sh_result curl_api(const std::string& path, const std::string& extra = "") const {
    return sh("curl -sS --cacert " + ca_file() + " -H 'Authorization: Bearer " + token() + "' " + extra + " '" +
              url() + path + "'");
  }

private:
  int starts_ = 0;
};

} // namespace troupe::testing
