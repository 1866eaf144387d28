// cri_runtime against a real containerd: a private instance in a temp dir (scripts/containerd-node),
// the local images (scripts/images), and the pod lifecycle through CRI. Skips with a warning when
// not root or containerd / runc / the CNI plugins are missing. The test stops its containerd by PID
// (the script does), which also removes its bridge and mounts.
// Just over 400 lines: one pod lifecycle through CRI reads best as one scenario in one file.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/file.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "node-agent/runtime/blocking_call.hpp"
#include "node-agent/runtime/cri_runtime.hpp"
#include "tests/node-agent/runtime/runtime_fixtures.hpp"
#include "tests/support/containerd_fixture.hpp"

namespace rt = troupe::node_agent::runtime;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using troupe::testing::make_container_config;
using troupe::testing::make_sandbox_config;
using troupe::testing::empty_registry;
using troupe::testing::missing_prerequisite;
using troupe::testing::private_containerd;

namespace {

using troupe::testing::repo_root;

/// GET http://ip:port/path from the host; the response or "" when it cannot connect.
std::string http_get(const std::string& ip, int port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req = "GET " + path + " HTTP/1.0\r\nHost: " + ip + "\r\n\r\n";
    ::send(fd, req.data(), req.size(), MSG_NOSIGNAL);
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

template <class T, class Start>
T must(Start&& start) {
  auto r = rt::await_result<T>(std::forward<Start>(start));
  INFO(r.status().to_string());
  REQUIRE(r.ok());
  return std::move(*r);
}

} // namespace

TEST_CASE("cri_runtime drives a pod through containerd", "[cri][integration][containerd]") {
  if (auto why = missing_prerequisite(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  private_containerd ctd;
  REQUIRE(ctd.started);
  REQUIRE(private_containerd::run(repo_root + "/scripts/images --socket " + ctd.socket + " >/dev/null"));
  rt::cri_runtime cri({ctd.socket});
  constexpr auto t = std::chrono::milliseconds(30000);

  auto v = must<rt::version_info>([&](auto cb) { cri.version(t, cb); });
  CHECK(v.runtime_name == "containerd");
  CHECK(v.runtime_api_version == "v1");
  auto conditions = must<std::vector<rt::runtime_condition>>([&](auto cb) { cri.runtime_conditions(t, cb); });
  REQUIRE(conditions.size() >= 2);
  for (const auto& c : conditions) {
    INFO(c.type << ": " << c.reason << " " << c.message);
    CHECK(c.status);
  }

  // Images: present, absent (OK with no value), and pulls that fail distinguishably.
  auto busybox = must<std::optional<rt::image_info>>([&](auto cb) { cri.image_status("busybox:1.30", t, cb); });
  REQUIRE(busybox.has_value());
  CHECK(busybox->repo_tags == std::vector<std::string>{"docker.io/library/busybox:1.30"});
  CHECK_FALSE(must<std::optional<rt::image_info>>(
                  [&](auto cb) { cri.image_status("nginx:0.0.1-absent", t, cb); })
                  .has_value());
  auto images = must<std::vector<rt::image_info>>([&](auto cb) { cri.list_images(t, cb); });
  CHECK(images.size() == 5);
  {
    empty_registry registry;
    const std::string ref = "localhost:" + std::to_string(registry.port) + "/troupe/absent:1";
    auto pulled = rt::await_result<std::string>([&](auto cb) { cri.pull_image(ref, t, cb); });
    REQUIRE_FALSE(pulled.ok());
    INFO(pulled.status().to_string());
    CHECK(pulled.status().is_not_found());
  }
  auto refused = rt::await_result<std::string>(
      [&](auto cb) { cri.pull_image("localhost:1/troupe/absent:1", t, cb); });
  REQUIRE_FALSE(refused.ok());
  CHECK_FALSE(refused.status().is_not_found());
  CHECK_THAT(refused.status().message(), Catch::Contains("connection refused"));

  // A sandbox with CNI networking: the pod gets an IP on the test's bridge.
  auto pod = make_sandbox_config("web", "uid-cri-it");
  pod.log_directory = ctd.dir + "/pods/default_web_uid-cri-it";
  pod.cgroup_parent = ctd.cgroup_root + "/poduid-cri-it";
  auto sandbox_id = must<std::string>([&](auto cb) { cri.run_pod_sandbox(pod, t, cb); });
  auto sb = must<rt::sandbox_info>([&](auto cb) { cri.pod_sandbox_status(sandbox_id, t, cb); });
  CHECK(sb.state == rt::sandbox_state::ready);
  CHECK_THAT(sb.ip, Catch::StartsWith("10.211."));
  CHECK(sb.labels.at("troupe.io/pod-uid") == "uid-cri-it");

  // A web server container that exits 0 on SIGTERM.
  auto web = make_container_config(pod, "app", "busybox:1.30");
  web.command = {"sh", "-c",
                 "mkdir -p /www && echo hello-from-troupe > /www/index.html && "
                 "httpd -f -p 8080 -h /www & pid=$!; trap 'kill $pid; exit 0' TERM; wait"};
  auto app_id = must<std::string>([&](auto cb) { cri.create_container(sandbox_id, web, pod, t, cb); });
  REQUIRE(rt::await_status([&](auto cb) { cri.start_container(app_id, t, cb); }).is_ok());
  auto running = must<rt::container_status>([&](auto cb) { cri.container_status(app_id, t, cb); });
  CHECK(running.state == rt::container_state::running);
  CHECK(running.labels.at("troupe.io/container-name") == "app");
  CHECK(running.log_path == pod.log_directory + "/app/0.log");

  std::string page;
  for (int i = 0; i < 50 && page.find("hello-from-troupe") == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    page = http_get(sb.ip, 8080, "/index.html");
  }
  CHECK_THAT(page, Catch::StartsWith("HTTP/1.") && Catch::Contains("200") &&
                       Catch::Contains("hello-from-troupe"));

  // ExecSync: output and exit code are values; a missing binary is an error.
  auto cat = must<rt::exec_result>([&](auto cb) { cri.exec_sync(app_id, {"cat", "/www/index.html"}, 5s, cb); });
  CHECK(cat.stdout_data == "hello-from-troupe\n");
  CHECK(cat.exit_code == 0);
  auto three = must<rt::exec_result>([&](auto cb) { cri.exec_sync(app_id, {"sh", "-c", "echo oops >&2; exit 3"}, 5s, cb); });
  CHECK(three.exit_code == 3);
  CHECK(three.stderr_data == "oops\n");
  auto nobin = rt::await_result<rt::exec_result>([&](auto cb) { cri.exec_sync(app_id, {"/no/such/binary"}, 5s, cb); });
  CHECK_FALSE(nobin.ok());
  auto slow = rt::await_result<rt::exec_result>([&](auto cb) { cri.exec_sync(app_id, {"sleep", "5"}, 1s, cb); });
  REQUIRE_FALSE(slow.ok());
  CHECK(slow.status().is_deadline_exceeded());

  // Resources, stats and log reopening on the running container.
  rt::linux_resources limits;
  limits.cpu_period = 100000;
  limits.cpu_quota = 50000;
  limits.cpu_shares = 512;
  limits.memory_limit_in_bytes = 64 << 20;
  REQUIRE(rt::await_status([&](auto cb) { cri.update_container_resources(app_id, limits, t, cb); }).is_ok());
  auto updated = must<rt::container_status>([&](auto cb) { cri.container_status(app_id, t, cb); });
  REQUIRE(updated.resources.has_value());
  CHECK(updated.resources->cpu_quota == 50000);
  CHECK(updated.resources->memory_limit_in_bytes == 64 << 20);
  auto stats = must<rt::container_stats>([&](auto cb) { cri.container_stats(app_id, t, cb); });
  CHECK(stats.id == app_id);
  CHECK(stats.name == "app");
  CHECK(stats.memory_working_set_bytes > 0);
  CHECK(stats.cpu_timestamp > 0);
  rt::container_filter stats_of_pod;
  stats_of_pod.sandbox_id = sandbox_id;
  CHECK(must<std::vector<rt::container_stats>>(
            [&](auto cb) { cri.list_container_stats(stats_of_pod, t, cb); })
            .size() == 1);
  CHECK(rt::await_status([&](auto cb) { cri.reopen_container_log(app_id, t, cb); }).is_ok());

  // A container that exits 7 on its own.
  auto crash = make_container_config(pod, "crasher", "busybox:1.30");
  crash.command = {"sh", "-c", "exit 7"};
  auto crash_id = must<std::string>([&](auto cb) { cri.create_container(sandbox_id, crash, pod, t, cb); });
  REQUIRE(rt::await_status([&](auto cb) { cri.start_container(crash_id, t, cb); }).is_ok());
  rt::container_status crashed;
  for (int i = 0; i < 50; ++i) {
    crashed = must<rt::container_status>([&](auto cb) { cri.container_status(crash_id, t, cb); });
    if (crashed.state == rt::container_state::exited) break;
    std::this_thread::sleep_for(100ms);
  }
  CHECK(crashed.state == rt::container_state::exited);
  CHECK(crashed.exit_code == 7);
  CHECK(crashed.reason == "Error");

  // A restarted agent finds its objects by label.
  rt::sandbox_filter by_pod;
  by_pod.label_selector = {{"troupe.io/pod-uid", "uid-cri-it"}};
  auto sandboxes = must<std::vector<rt::sandbox_info>>([&](auto cb) { cri.list_pod_sandbox(by_pod, t, cb); });
  REQUIRE(sandboxes.size() == 1);
  CHECK(sandboxes[0].id == sandbox_id);
  rt::container_filter of_pod;
  of_pod.label_selector = {{"troupe.io/pod-uid", "uid-cri-it"}};
  auto containers = must<std::vector<rt::container_info>>([&](auto cb) { cri.list_containers(of_pod, t, cb); });
  CHECK(containers.size() == 2);
  of_pod.state = rt::container_state::running;
  auto still = must<std::vector<rt::container_info>>([&](auto cb) { cri.list_containers(of_pod, t, cb); });
  REQUIRE(still.size() == 1);
  CHECK(still[0].id == app_id);
  CHECK(still[0].name == "app");

  // An image that is not there: CreateContainer says NotFound.
  auto ghost = make_container_config(pod, "ghost", "nginx:0.0.1-absent");
  auto no_image = rt::await_result<std::string>([&](auto cb) { cri.create_container(sandbox_id, ghost, pod, t, cb); });
  REQUIRE_FALSE(no_image.ok());
  CHECK(no_image.status().is_not_found());

  // Stop (the TERM trap exits 0), stop again (idempotent), remove.
  REQUIRE(rt::await_status([&](auto cb) { cri.stop_container(app_id, 10s, cb); }).is_ok());
  auto exited = must<rt::container_status>([&](auto cb) { cri.container_status(app_id, t, cb); });
  CHECK(exited.state == rt::container_state::exited);
  CHECK(exited.exit_code == 0);
  CHECK(exited.reason == "Completed");
  CHECK(rt::await_status([&](auto cb) { cri.stop_container(app_id, 10s, cb); }).is_ok());
  CHECK(rt::await_status([&](auto cb) { cri.remove_container(app_id, t, cb); }).is_ok());
  auto removed = rt::await_result<rt::container_status>([&](auto cb) { cri.container_status(app_id, t, cb); });
  REQUIRE_FALSE(removed.ok());
  CHECK(removed.status().is_not_found());

  REQUIRE(rt::await_status([&](auto cb) { cri.stop_pod_sandbox(sandbox_id, t, cb); }).is_ok());
  auto stopped = must<rt::sandbox_info>([&](auto cb) { cri.pod_sandbox_status(sandbox_id, t, cb); });
  CHECK(stopped.state == rt::sandbox_state::not_ready);
  REQUIRE(rt::await_status([&](auto cb) { cri.remove_pod_sandbox(sandbox_id, t, cb); }).is_ok());
  CHECK(must<std::vector<rt::sandbox_info>>([&](auto cb) { cri.list_pod_sandbox({}, t, cb); }).empty());
  CHECK(must<std::vector<rt::container_info>>([&](auto cb) { cri.list_containers({}, t, cb); }).empty());
  CHECK(fs::exists("/sys/fs/cgroup/memory" + pod.cgroup_parent));  // runc leaves pod cgroups
}

TEST_CASE("containerd-node stop leaves no containerd, bridge, mount or pod cgroup behind",
          "[cri][integration][containerd]") {
  if (auto why = missing_prerequisite(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  std::string dir, cgroup;
  {
    private_containerd ctd;
    REQUIRE(ctd.started);
    dir = ctd.dir;
    cgroup = "/sys/fs/cgroup/memory" + ctd.cgroup_root;
    REQUIRE(private_containerd::run(repo_root + "/scripts/images --socket " + ctd.socket + " >/dev/null"));
    rt::cri_runtime cri({ctd.socket});
    auto pod = make_sandbox_config("left", "uid-left");
    pod.log_directory = ctd.dir + "/pods/left";
    pod.cgroup_parent = ctd.cgroup_root + "/poduid-left";
    // Left running on purpose: stop must clean up after a node that did not tear its pods down.
    REQUIRE(rt::await_result<std::string>(
                [&](auto cb) { cri.run_pod_sandbox(pod, std::chrono::seconds(30), cb); })
                .ok());
    CHECK(fs::exists(cgroup));
  }
  CHECK_FALSE(fs::exists(dir));
  CHECK_FALSE(fs::exists(cgroup));
  std::ifstream mounts("/proc/self/mountinfo");
  std::string line;
  bool mounted = false;
  while (std::getline(mounts, line)) mounted = mounted || line.find(dir) != std::string::npos;
  CHECK_FALSE(mounted);
}

TEST_CASE("the nginx stand-in serves on :80, quits on 'nginx -s quit' and on SIGTERM",
          "[cri][integration][containerd]") {
  if (auto why = missing_prerequisite(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  private_containerd ctd;
  REQUIRE(ctd.started);
  REQUIRE(private_containerd::run(repo_root + "/scripts/images --socket " + ctd.socket + " >/dev/null"));
  rt::cri_runtime cri({ctd.socket});
  constexpr auto t = std::chrono::milliseconds(30000);
  auto pod = make_sandbox_config("nginx", "uid-nginx");
  pod.log_directory = ctd.dir + "/pods/nginx";
  pod.cgroup_parent = ctd.cgroup_root + "/poduid-nginx";
  auto sandbox_id = must<std::string>([&](auto cb) { cri.run_pod_sandbox(pod, t, cb); });
  auto ip = must<rt::sandbox_info>([&](auto cb) { cri.pod_sandbox_status(sandbox_id, t, cb); }).ip;

  auto run_nginx = [&](const std::string& name, const std::string& tag) {
    auto c = make_container_config(pod, name, "nginx:" + tag);
    c.command.clear();  // the image's CMD: nginx -g 'daemon off;'
    auto id = must<std::string>([&](auto cb) { cri.create_container(sandbox_id, c, pod, t, cb); });
    REQUIRE(rt::await_status([&](auto cb) { cri.start_container(id, t, cb); }).is_ok());
    return id;
  };
  auto wait_exited = [&](const std::string& id) {
    rt::container_status s;
    for (int i = 0; i < 50; ++i) {
      s = must<rt::container_status>([&](auto cb) { cri.container_status(id, t, cb); });
      if (s.state == rt::container_state::exited) break;
      std::this_thread::sleep_for(100ms);
    }
    return s;
  };

  auto first = run_nginx("web", "1.17.1");
  std::string page;
  for (int i = 0; i < 50 && page.find("Welcome to nginx!") == std::string::npos; ++i) {
    std::this_thread::sleep_for(100ms);
    page = http_get(ip, 80, "/");
  }
  CHECK_THAT(page, Catch::Contains("200") && Catch::Contains("Welcome to nginx!") &&
                       Catch::Contains("1.17.1"));
  auto version = must<rt::exec_result>([&](auto cb) { cri.exec_sync(first, {"nginx", "-v"}, 5s, cb); });
  CHECK(version.stderr_data == "nginx version: nginx/1.17.1\n");
  auto quit = must<rt::exec_result>([&](auto cb) { cri.exec_sync(first, {"nginx", "-s", "quit"}, 5s, cb); });
  CHECK(quit.exit_code == 0);
  auto quitted = wait_exited(first);
  CHECK(quitted.state == rt::container_state::exited);
  CHECK(quitted.exit_code == 0);
  CHECK(quitted.reason == "Completed");

  auto second = run_nginx("web2", "1.17.9");
  std::this_thread::sleep_for(300ms);
  const auto t0 = std::chrono::steady_clock::now();
  REQUIRE(rt::await_status([&](auto cb) { cri.stop_container(second, 10s, cb); }).is_ok());
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took < 3s);  // SIGTERM handled: no wait for the 10 s grace period
  auto stopped = wait_exited(second);
  CHECK(stopped.exit_code == 0);
  CHECK(stopped.reason == "Completed");

  REQUIRE(rt::await_status([&](auto cb) { cri.stop_pod_sandbox(sandbox_id, t, cb); }).is_ok());
  REQUIRE(rt::await_status([&](auto cb) { cri.remove_pod_sandbox(sandbox_id, t, cb); }).is_ok());
}
