#pragma once
// A real troupe-node process for end-to-end tests (header-only), joined to a server_process:
// fork/exec of <build>/node-agent/troupe-node with the server's join token and CA, its own data
// dir, log root and metrics port, against a CRI socket (a private_containerd) or --runtime fake.
// stop() = SIGTERM (the agent leaves its containers running), kill9() = SIGKILL; start() again
// re-uses the same data dir (re-adoption tests). The destructor stops it.
//
// local_cluster bundles what most pod tests need: a private containerd with the local images, a
// troupe-server, and node "node1" joined and Ready (fast profile: short backoffs).

#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "tests/support/server_process.hpp"

namespace troupe::testing {

/// <build>/node-agent/troupe-node, or "".
inline std::string node_binary() {
  auto candidate = std::filesystem::path(build_dir()) / "node-agent" / "troupe-node";
  return std::filesystem::exists(candidate) ? candidate.string() : std::string{};
}

class node_process {
public:
  std::string name;
  std::string dir;       // <server dir>/<name>: agent data, pod logs, logs of each start
  std::string cri_socket;  // "" = --runtime fake
  std::string node_ip = "127.0.0.1";
  std::string cgroup_parent;
  std::string join_token;  // "" = the server's join-token file
  int metrics_port = 0;
  pid_t pid = -1;
  std::vector<std::string> extra_args;

  node_process(const server_process& server, std::string node_name, std::string socket = "")
      : name(std::move(node_name)), cri_socket(std::move(socket)), server_(server) {
    dir = server.dir + "/" + name;
    std::filesystem::create_directories(dir + "/pods");
    metrics_port = free_port();
  }
  node_process(const node_process&) = delete;
  node_process& operator=(const node_process&) = delete;
  ~node_process() { stop(); }

  std::string log() const { return dir + "/node-" + std::to_string(starts_) + ".log"; }
  std::string log_root() const { return dir + "/pods"; }

  /// Starts the agent. Does not wait: use wait_ready() (or exited() for refusal tests).
  bool start() {
    auto binary = node_binary();
    if (binary.empty())
      return false;
    ++starts_;
    std::vector<std::string> args{binary, "--name", name, "--server", server_.url(),
                                  "--ca-file", server_.data + "/pki/ca.crt",
                                  "--data-dir", dir + "/agent", "--log-root", log_root(),
                                  "--node-ip", node_ip, "--profile", "fast",
                                  "--metrics-address", "127.0.0.1:" + std::to_string(metrics_port)};
    if (join_token.empty()) {
      args.insert(args.end(), {"--join-token-file", server_.data + "/join-token"});
    } else {
      args.insert(args.end(), {"--join-token", join_token});
    }
    if (cri_socket.empty()) {
      args.insert(args.end(), {"--runtime", "fake"});
    } else {
      args.insert(args.end(), {"--runtime", "cri", "--cri-socket", "unix://" + cri_socket});
    }
    if (!cgroup_parent.empty())
      args.insert(args.end(), {"--cgroup-parent", cgroup_parent});
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    const auto log_path = log();
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
    return pid > 0;
  }

  /// Waits until the Node object says Ready=True. false on timeout or when the agent exited.
  bool wait_ready(std::chrono::seconds timeout = std::chrono::seconds(60)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = server_.troupe("get node " + name +
                              " -o 'jsonpath={.status.conditions[?(@.type==\"Ready\")].status}'");
      if (r.code == 0 && r.output == "True")
        return true;
      if (exited())
        return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return false;
  }

  /// Reaps the agent if it has exited; then its exit code is in exit_code.
  bool exited() {
    if (pid <= 0)
      return true;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      pid = -1;
      exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      return true;
    }
    return false;
  }

  /// Waits up to `timeout` for the agent to exit on its own.
  bool wait_exit(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (exited())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  int stop(std::chrono::seconds grace = std::chrono::seconds(10)) {
    if (pid <= 0)
      return -1;
    ::kill(pid, SIGTERM);
    if (wait_exit(grace))
      return exit_code;
    kill9();
    return -1;
  }

  void kill9() {
    if (pid <= 0)
      return;
    ::kill(pid, SIGKILL);
    int status;
    ::waitpid(pid, &status, 0);
    pid = -1;
  }

  int exit_code = -1;

private:
  const server_process& server_;
  int starts_ = 0;
};

} // namespace troupe::testing
