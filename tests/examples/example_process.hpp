#pragma once
// examples/embedded_node as a child process for tests (header-only): fork/exec of
// <build>/examples/embedded_node with the given flags, stdout+stderr in a log file; killed
// (SIGKILL) if still running when destroyed.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "tests/support/server_process.hpp"

namespace troupe::testing {

/// <build>/examples/embedded_node, or "".
inline std::string example_binary() {
  auto candidate = std::filesystem::path(build_dir()) / "examples" / "embedded_node";
  return std::filesystem::exists(candidate) ? candidate.string() : std::string{};
}

/// The example as a child process, output in `log`.
struct example_process {
  pid_t pid = -1;
  std::string log;
  int exit_code = -1;

  example_process(const std::vector<std::string>& args, std::string log_path)
      : log(std::move(log_path)) {
    std::vector<std::string> argv_s{example_binary()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::fflush(stdout);  // or the child's freopen writes our buffered output again
    pid = ::fork();
    if (pid == 0) {
      FILE* out = std::freopen(log.c_str(), "w", stdout);
      (void)out;
      ::dup2(::fileno(stdout), 2);
      std::vector<char*> argv;
      for (auto& a : argv_s)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~example_process() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  bool wait_exit(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid > 0 && std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        pid = -1;
        exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pid <= 0;
  }
  std::string output() const { return slurp(log); }
};

/// Polls `probe` until it returns true or `timeout` passes.
template <class F>
bool poll_until(F probe, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

} // namespace troupe::testing
