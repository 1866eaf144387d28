#pragma once
// Running part of this test binary in a child process: the parent re-executes itself
// (/proc/self/exe) with the name of a hidden test case, passes parameters in the environment and
// reads what the child reports on a pipe (its write end is TROUPE_STORE_CHILD_FD in the child).
// Only async-signal-safe calls run between fork and exec, so this is safe in a parent that has
// threads (RocksDB's among them).

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

extern char** environ;

namespace troupe::testing {

struct child_process {
  pid_t pid = -1;
  int from_child = -1;  // the read end of the report pipe
};

inline child_process spawn_self(const std::string& test_name, std::vector<std::string> env) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  env.push_back("TROUPE_STORE_CHILD_FD=" + std::to_string(fds[1]));
  for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string self = "/proc/self/exe";
  std::string name = test_name;
  char* argv[] = {self.data(), name.data(), nullptr};
  const int devnull = ::open("/dev/null", O_WRONLY);
  REQUIRE(devnull >= 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execve(self.c_str(), argv, envp.data());
    ::_exit(127);
  }
  ::close(devnull);
  ::close(fds[1]);
  return child_process{pid, fds[0]};
}

/// Appends what the child wrote until `deadline` or end of file; true at end of file.
inline bool read_until(int fd, std::string* out, std::chrono::steady_clock::time_point deadline) {
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) return true;
    if (n > 0) out->append(buf, static_cast<size_t>(n));
  }
}

/// Waits for the child and returns its wait status.
inline int reap(child_process& c) {
  int st = 0;
  ::waitpid(c.pid, &st, 0);
  ::close(c.from_child);
  return st;
}

/// In the child: the report pipe, or -1 when this process is not a child.
inline int child_report_fd() {
  const char* v = std::getenv("TROUPE_STORE_CHILD_FD");
  return v == nullptr ? -1 : std::atoi(v);
}

inline void report(int fd, const std::string& line) {
  // One write per line: lines are shorter than PIPE_BUF, so lines of threads never interleave.
  [[maybe_unused]] auto n = ::write(fd, line.data(), line.size());
}

} // namespace troupe::testing
