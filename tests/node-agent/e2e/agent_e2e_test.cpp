// The node agent end to end (issue 5's must-show list): an unknown image shows ErrImagePull then
// ImagePullBackOff; deleting a pod runs preStop within the grace period; kill -9 of the agent and
// a restart keep running containers (same ids, same restart counts); a node joining with a wrong
// token is refused.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

#include "tests/node-agent/e2e/pod_cluster.hpp"

using namespace troupe::testing;
using namespace std::chrono_literals;

namespace {

/// Counts HTTP requests to `ip`:port (an address of the test's own bridge) and answers 200.
struct hook_listener {
  int fd = -1;
  int port = 0;
  std::atomic<int> hits{0};
  std::atomic<bool> stop{false};
  std::thread thread;

  explicit hook_listener(const std::string& ip) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0)
      return;
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    port = ntohs(addr.sin_port);
    thread = std::thread([this] {
      while (!stop) {
        int conn = ::accept(fd, nullptr, nullptr);
        if (conn < 0)
          continue;
        char buf[2048];
        if (::recv(conn, buf, sizeof buf, 0) > 0) {
          ++hits;
          const char resp[] = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
          ::send(conn, resp, sizeof resp - 1, MSG_NOSIGNAL);
        }
        ::close(conn);
      }
    });
  }
  ~hook_listener() {
    stop = true;
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
    if (thread.joinable())
      thread.join();
  }
};

} // namespace

TEST_CASE("node agent on containerd: image pull errors, preStop on delete, kill -9 and re-adoption",
          "[e2e][integration][containerd][node]") {
  if (auto why = pod_e2e_missing(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  pod_cluster c;
  empty_registry registry;
  const std::string missing_image = "127.0.0.1:" + std::to_string(registry.port) + "/nothing/here:1.0";

  REQUIRE(c.create(pod_yaml("stable",
    "  containers:\n"
    "  - {name: web, image: 'nginx:1.17.9'}\n"
    "  - {name: side, image: 'busybox:1.30', command: [sleep, '3600']}\n")).code == 0);
  REQUIRE(c.create(pod_yaml("crashy",
    "  containers:\n"
    "  - {name: app, image: 'busybox:1.30', command: [sh, -c, 'sleep 2; exit 1']}\n")).code == 0);
  REQUIRE(c.create(pod_yaml("bad-image",
    "  containers:\n"
    "  - {name: app, image: '" + missing_image + "'}\n")).code == 0);

  {  // an unknown image: ErrImagePull, then ImagePullBackOff
    std::set<std::string> reasons;
    CHECK(eventually([&] {
      reasons.insert(c.pod("bad-image", "{.status.containerStatuses[0].state.waiting.reason}"));
      return reasons.count("ErrImagePull") && reasons.count("ImagePullBackOff");
    }, 60s));
    INFO(c.dump("bad-image"));
    CHECK(c.pod("bad-image", "{.status.phase}") == "Pending");
    const auto ev = c.events("bad-image");
    CHECK(ev.find("Pulling: Pulling image \"" + missing_image + "\"") != std::string::npos);
    CHECK(ev.find("Failed: Error: ErrImagePull") != std::string::npos);
    CHECK(ev.find("Failed: Error: ImagePullBackOff") != std::string::npos);
  }

  {  // kill -9 of the agent, restart: running containers are adopted, not restarted
    CHECK(eventually([&] { return c.pod("stable", "{.status.containerStatuses[*].ready}") == "true true"; }));
    CHECK(eventually([&] {
      return std::atoi(c.pod("crashy", "{.status.containerStatuses[0].restartCount}").c_str()) >= 1;
    }));
    const auto ids_before = c.pod("stable", "{.status.containerStatuses[*].containerID}");
    const auto restarts_before = std::atoi(c.pod("crashy", "{.status.containerStatuses[0].restartCount}").c_str());
    const auto sandbox_ip = c.pod("stable", "{.status.podIP}");
    INFO("before: " << ids_before << " crashy restarts " << restarts_before);
    CHECK(ids_before.find("containerd://") == 0);

    c.node.kill9();
    REQUIRE(c.node.start());
    REQUIRE(c.node.wait_ready());
    std::this_thread::sleep_for(5s);  // a few sync rounds of the new agent
    INFO(c.dump("stable"));
    CHECK(c.pod("stable", "{.status.containerStatuses[*].containerID}") == ids_before);
    CHECK(c.pod("stable", "{.status.containerStatuses[*].restartCount}") == "0 0");
    CHECK(c.pod("stable", "{.status.podIP}") == sandbox_ip);
    CHECK(std::atoi(c.pod("crashy", "{.status.containerStatuses[0].restartCount}").c_str()) >= restarts_before);
  }

  {  // deleting a pod runs preStop (it calls the test's listener), within the grace period
    const std::string gateway = "10.211.0.1";  // the test's own bridge, up since the first pod
    hook_listener listener(gateway);
    REQUIRE(listener.port > 0);
    REQUIRE(c.create(pod_yaml("prestop",
      "  containers:\n"
      "  - name: app\n"
      "    image: busybox:1.30\n"
      "    command: [sh, -c, 'trap \"\" TERM; while true; do sleep 1; done']\n"
      "    lifecycle:\n"
      "      preStop:\n"
      "        exec: {command: [wget, -q, -O, /dev/null, 'http://" + gateway + ":" +
      std::to_string(listener.port) + "/prestop']}\n")).code == 0);
    CHECK(eventually([&] { return c.pod("prestop", "{.status.phase}") == "Running"; }));
    const auto begin = std::chrono::steady_clock::now();
    auto r = c.kubectl("delete pod prestop -n e2e --grace-period=4");
    const auto took = std::chrono::steady_clock::now() - begin;
    INFO(r.output << slurp(c.node.log()));
    CHECK(r.code == 0);
    CHECK(listener.hits.load() == 1);
    // The container ignores SIGTERM, so the agent kills it when the grace period ends.
    CHECK(took >= 3s);
    CHECK(took < 15s);
    CHECK(c.kubectl("get pod prestop -n e2e").output.find("NotFound") != std::string::npos);
  }
}

TEST_CASE("a node joining with a wrong token is refused", "[e2e][integration][node]") {
  if (server_binary().empty() || node_binary().empty()) {
    WARN("troupe-server or troupe-node not built; skipped");
    return;
  }
  server_process server{"troupe-join-e2e"};
  REQUIRE(server.start());
  node_process node{server, "intruder"};  // fake runtime: no containerd needed
  const std::string wrong = "abcdef.0123456789abcdef";
  node.join_token = wrong;
  REQUIRE(node.start());
  REQUIRE(node.wait_exit(30s));
  const auto log = slurp(node.log());
  INFO(log);
  CHECK(node.exit_code != 0);
  CHECK(log.find("401") != std::string::npos);
  CHECK(server.kubectl("get node intruder").output.find("NotFound") != std::string::npos);
  const auto server_log = slurp(server.log());
  INFO(server_log);
  CHECK(server_log.find(wrong) == std::string::npos);
  CHECK(server_log.find("0123456789abcdef") == std::string::npos);
}
