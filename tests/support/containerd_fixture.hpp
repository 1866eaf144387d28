#pragma once
// Fixtures for tests on a real containerd (header-only): the prerequisites check, one private
// containerd per test (scripts/containerd-node; a machine-wide lock serializes the test cases that
// use one, since they share the pod subnet), and an empty registry on loopback (every request 404,
// as a registry answers for an image it does not have).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

namespace troupe::testing {

inline const std::string repo_root =
  std::filesystem::path(TROUPE_TEST_DATA).parent_path().parent_path().string();

/// Why a real-containerd test cannot run here ("" = it can).
inline std::string missing_prerequisite() {
  if (::geteuid() != 0) return "not root";
  for (const char* p : {"/usr/bin/containerd", "/usr/bin/ctr", "/usr/sbin/runc",
                        "/usr/lib/cni/bridge", "/usr/lib/cni/host-local", "/bin/busybox"})
    if (!std::filesystem::exists(p)) return std::string(p) + " is missing";
  return "";
}

/// One private containerd for the test, stopped (by PID, by the script) when it goes out of scope.
/// Test cases that use one take a machine-wide lock first: ctest runs test cases in parallel
/// processes, and they all use the same pod subnet. A test with two nodes makes two, each with
/// its own subnet and `bridge_suffix`; the second shares the lock the first holds.
struct private_containerd {
  int lock_fd = -1;
  std::string dir;
  std::string socket;
  std::string cgroup_root;  // pods go under it; the script removes it on stop
  bool started = false;

  /// `subnet`: the pod subnet of its bridge.
  explicit private_containerd(const std::string& subnet = "10.211.0.0/16",
                              const std::string& bridge_suffix = "") {
    if (held()++ == 0) {
      lock_fd = ::open("/tmp/troupe-cri-integration.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0644);
      REQUIRE(lock_fd >= 0);
      REQUIRE(::flock(lock_fd, LOCK_EX) == 0);
    }
    char tmpl[] = "/tmp/troupe-cri-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    socket = dir + "/ctd/containerd.sock";
    const std::string bridge = "trcri" + std::to_string(::getpid() % 100000) + bridge_suffix;
    cgroup_root = "/troupe-" + bridge;
    started = run(repo_root + "/scripts/containerd-node start " + dir + " --bridge " + bridge +
                  " --subnet " + subnet + " >/dev/null");
  }
  /// Stops it now (the node's machine died); the destructor then only cleans up.
  void stop() { run(repo_root + "/scripts/containerd-node stop " + dir + " >/dev/null"); }
  ~private_containerd() {
    run(repo_root + "/scripts/containerd-node stop " + dir);
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
    --held();
    if (lock_fd >= 0)
      ::close(lock_fd);  // releases the lock
  }
  /// How many private containerds this process runs (the first one holds the lock).
  static int& held() {
    static int n = 0;
    return n;
  }
  static bool run(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }
};

/// A registry on loopback that has nothing: every request gets 404, as a registry answers for
/// an image it does not have.
struct empty_registry {
  int fd = -1;
  int port = 0;
  std::atomic<bool> stop{false};
  std::thread thread;

  empty_registry() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(fd, 16) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    thread = std::thread([this] {
      while (!stop) {
        int c = ::accept(fd, nullptr, nullptr);
        if (c < 0) continue;
        char buf[4096];
        if (::recv(c, buf, sizeof buf, 0) > 0) {
          const char resp[] =
              "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 0\r\n"
              "Connection: close\r\n\r\n";
          ::send(c, resp, sizeof resp - 1, MSG_NOSIGNAL);
        }
        ::close(c);
      }
    });
  }
  ~empty_registry() {
    stop = true;
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
    thread.join();
  }
};

} // namespace troupe::testing
