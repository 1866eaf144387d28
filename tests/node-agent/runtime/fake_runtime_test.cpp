#include <catch2/catch.hpp>

#include <thread>

#include "node-agent/runtime/blocking_call.hpp"
#include "node-agent/runtime/fake_runtime.hpp"
#include "node-agent/runtime/fake_runtime_ticker.hpp"
#include "tests/node-agent/runtime/runtime_fixtures.hpp"

namespace rt = troupe::node_agent::runtime;
using namespace std::chrono_literals;
using troupe::testing::make_container_config;
using troupe::testing::make_sandbox_config;

namespace {

constexpr auto t = std::chrono::milliseconds(5000);

// Synchronous wrappers: the fake answers inside the call when there is no delay.
std::string run_sandbox(rt::fake_runtime& f, const rt::sandbox_config& cfg) {
  auto r = rt::await_result<std::string>([&](auto cb) { f.run_pod_sandbox(cfg, t, cb); });
  REQUIRE(r.ok());
  return *r;
}

rt::result<std::string> create(rt::fake_runtime& f, const std::string& sb,
                               const rt::container_config& c, const rt::sandbox_config& pod) {
  return rt::await_result<std::string>([&](auto cb) { f.create_container(sb, c, pod, t, cb); });
}

rt::status start(rt::fake_runtime& f, const std::string& id) {
  return rt::await_status([&](auto cb) { f.start_container(id, t, cb); });
}

rt::result<rt::container_status> status_of(rt::fake_runtime& f, const std::string& id) {
  return rt::await_result<rt::container_status>([&](auto cb) { f.container_status(id, t, cb); });
}

/// A fake with busybox present, one ready sandbox "web" and a started container "app".
struct running_pod {
  rt::fake_runtime fake;
  rt::sandbox_config pod = make_sandbox_config();
  std::string sandbox_id;
  std::string app_id;

  explicit running_pod(std::optional<rt::fake_container_behavior> b = std::nullopt) {
    fake.add_local_image("busybox:1.30");
    if (b) fake.set_behavior("app", *b);
    sandbox_id = run_sandbox(fake, pod);
    auto id = create(fake, sandbox_id, make_container_config(pod), pod);
    REQUIRE(id.ok());
    app_id = *id;
  }
};

} // namespace

TEST_CASE("fake runtime: sandbox and container lifecycle as containerd reports it", "[cri]") {
  running_pod p;
  auto sb = rt::await_result<rt::sandbox_info>(
      [&](auto cb) { p.fake.pod_sandbox_status(p.sandbox_id, t, cb); });
  REQUIRE(sb.ok());
  CHECK(sb->state == rt::sandbox_state::ready);
  CHECK(sb->ip == "10.88.0.2");
  CHECK(sb->labels.at("troupe.io/pod-uid") == "uid-web-1");
  CHECK(sb->id.size() == 64);

  CHECK(status_of(p.fake, p.app_id)->state == rt::container_state::created);
  REQUIRE(start(p.fake, p.app_id).is_ok());
  auto running = status_of(p.fake, p.app_id);
  CHECK(running->state == rt::container_state::running);
  CHECK(running->started_at == p.fake.now_ns());
  CHECK(running->log_path == "/var/log/pods/default_web_uid-web-1/app/0.log");

  p.fake.advance(2s);
  REQUIRE(rt::await_status([&](auto cb) { p.fake.stop_container(p.app_id, 30s, cb); }).is_ok());
  auto exited = status_of(p.fake, p.app_id);
  CHECK(exited->state == rt::container_state::exited);
  CHECK(exited->exit_code == 0);
  CHECK(exited->reason == "Completed");
  CHECK(exited->finished_at - exited->started_at == 2000000000);
  // Stop is idempotent; status of a removed container is NotFound.
  CHECK(rt::await_status([&](auto cb) { p.fake.stop_container(p.app_id, 30s, cb); }).is_ok());
  CHECK(rt::await_status([&](auto cb) { p.fake.remove_container(p.app_id, t, cb); }).is_ok());
  auto gone = status_of(p.fake, p.app_id);
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.status().is_not_found());
  CHECK(gone.status().message() ==
        "an error occurred when try to find container \"" + p.app_id + "\": not found");

  CHECK(rt::await_status([&](auto cb) { p.fake.stop_pod_sandbox(p.sandbox_id, t, cb); }).is_ok());
  auto stopped = rt::await_result<rt::sandbox_info>(
      [&](auto cb) { p.fake.pod_sandbox_status(p.sandbox_id, t, cb); });
  CHECK(stopped->state == rt::sandbox_state::not_ready);
  CHECK(stopped->ip.empty());
  CHECK(rt::await_status([&](auto cb) { p.fake.remove_pod_sandbox(p.sandbox_id, t, cb); }).is_ok());
  CHECK(rt::await_status([&](auto cb) { p.fake.remove_pod_sandbox(p.sandbox_id, t, cb); }).is_ok());

  CHECK(p.fake.calls() == std::vector<std::string>{
                              "RunPodSandbox default/web", "CreateContainer web/app#0",
                              "PodSandboxStatus web", "ContainerStatus web/app#0",
                              "StartContainer web/app#0", "ContainerStatus web/app#0",
                              "StopContainer web/app#0", "ContainerStatus web/app#0",
                              "StopContainer web/app#0", "RemoveContainer web/app#0",
                              "ContainerStatus " + p.app_id, "StopPodSandbox web",
                              "PodSandboxStatus web", "RemovePodSandbox web",
                              "RemovePodSandbox " + p.sandbox_id});
}

TEST_CASE("fake runtime: a container exits with its code after its time", "[cri]") {
  struct row {
    std::string name;
    rt::fake_container_behavior behavior;
    int32_t exit_code;
    std::string reason;
  };
  auto exits = [](int32_t code, bool oom) {
    rt::fake_container_behavior b;
    b.exit_after = 3s;
    b.exit_code = code;
    b.oom_killed = oom;
    return b;
  };
  const std::vector<row> cases = {
      {"crash", exits(42, false), 42, "Error"},
      {"done", exits(0, false), 0, "Completed"},
      {"oom", exits(0, true), 137, "OOMKilled"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    running_pod p(c.behavior);
    REQUIRE(start(p.fake, p.app_id).is_ok());
    p.fake.advance(2999ms);
    CHECK(status_of(p.fake, p.app_id)->state == rt::container_state::running);
    p.fake.advance(1ms);
    auto s = status_of(p.fake, p.app_id);
    CHECK(s->state == rt::container_state::exited);
    CHECK(s->exit_code == c.exit_code);
    CHECK(s->reason == c.reason);
    CHECK(s->finished_at - s->started_at == 3000000000);
  }
}

TEST_CASE("fake runtime: a start error leaves an exited container with StartError", "[cri]") {
  rt::fake_container_behavior b;
  b.start_error = "exec: \"/no/such\": stat /no/such: no such file or directory";
  running_pod p(b);
  auto s = start(p.fake, p.app_id);
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.is(rt::status::code::unknown));
  auto st = status_of(p.fake, p.app_id);
  CHECK(st->state == rt::container_state::exited);
  CHECK(st->exit_code == 128);
  CHECK(st->reason == "StartError");
}

TEST_CASE("fake runtime: restarts need a new attempt until the old container is removed", "[cri]") {
  running_pod p;
  auto again = create(p.fake, p.sandbox_id, make_container_config(p.pod), p.pod);
  REQUIRE_FALSE(again.ok());
  CHECK_THAT(again.status().message(),
             Catch::StartsWith("failed to reserve container name \"app_web_default_uid-web-1_0\""));
  auto next = make_container_config(p.pod);
  next.attempt = 1;
  CHECK(create(p.fake, p.sandbox_id, next, p.pod).ok());
  REQUIRE(rt::await_status([&](auto cb) { p.fake.remove_container(p.app_id, t, cb); }).is_ok());
  CHECK(create(p.fake, p.sandbox_id, make_container_config(p.pod), p.pod).ok());
}

TEST_CASE("fake runtime: images are pulled from its registry or fail distinguishably", "[cri]") {
  rt::fake_runtime f;
  f.add_registry_image("nginx:1.17.1");
  auto none = rt::await_result<std::optional<rt::image_info>>(
      [&](auto cb) { f.image_status("nginx:1.17.1", t, cb); });
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());  // absent image: OK with no value, as CRI

  auto ref = rt::await_result<std::string>([&](auto cb) { f.pull_image("nginx:1.17.1", t, cb); });
  REQUIRE(ref.ok());
  CHECK_THAT(*ref, Catch::StartsWith("sha256:"));
  auto present = rt::await_result<std::optional<rt::image_info>>(
      [&](auto cb) { f.image_status("docker.io/library/nginx:1.17.1", t, cb); });
  REQUIRE(present->has_value());
  CHECK((*present)->id == *ref);
  CHECK((*present)->repo_tags == std::vector<std::string>{"docker.io/library/nginx:1.17.1"});

  auto missing = rt::await_result<std::string>([&](auto cb) { f.pull_image("nosuch:1", t, cb); });
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().is_not_found());
  CHECK_THAT(missing.status().message(), Catch::EndsWith("docker.io/library/nosuch:1: not found"));

  f.fail_pull("nginx:1.17.1", rt::status::unknown("dial tcp 127.0.0.1:5000: connect: connection refused"));
  auto refused = rt::await_result<std::string>([&](auto cb) { f.pull_image("nginx:1.17.1", t, cb); });
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().is(rt::status::code::unknown));
  f.clear_pull_failure("nginx:1.17.1");
  CHECK(rt::await_result<std::string>([&](auto cb) { f.pull_image("nginx:1.17.1", t, cb); }).ok());
}

TEST_CASE("fake runtime: creating a container whose image is absent is NotFound", "[cri]") {
  rt::fake_runtime f;
  auto pod = make_sandbox_config();
  auto sb = run_sandbox(f, pod);
  auto r = create(f, sb, make_container_config(pod, "app", "nginx:1.17.9"), pod);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().is_not_found());
}

TEST_CASE("fake runtime: slow calls answer later, or deadline_exceeded past their timeout", "[cri]") {
  running_pod p;
  p.fake.set_delay("StartContainer", 500ms);
  std::optional<rt::status> got;
  p.fake.start_container(p.app_id, 1s, [&](rt::status s) { got = s; });
  CHECK_FALSE(got.has_value());
  CHECK(p.fake.pending_callbacks() == 1);
  p.fake.advance(499ms);
  CHECK_FALSE(got.has_value());
  p.fake.advance(1ms);
  REQUIRE(got.has_value());
  CHECK(got->is_ok());

  p.fake.set_delay("ListContainers", 2s);
  std::optional<rt::result<std::vector<rt::container_info>>> list;
  p.fake.list_containers({}, 1s, [&](auto r) { list = std::move(r); });
  p.fake.advance(1s);
  REQUIRE(list.has_value());
  REQUIRE_FALSE(list->ok());
  CHECK(list->status().is_deadline_exceeded());
}

TEST_CASE("fake runtime: exec results, a hung exec and exec in a stopped container", "[cri]") {
  running_pod p;
  REQUIRE(start(p.fake, p.app_id).is_ok());
  p.fake.set_exec_handler([](const rt::container_info& c, const std::vector<std::string>& cmd)
                              -> rt::result<rt::exec_result> {
    if (cmd.at(0) == "/no/such") return rt::status::unknown("OCI runtime exec failed");
    if (cmd.at(0) == "cat") return rt::exec_result{"", "cat: can't open '/tmp/x'", 1};
    return rt::exec_result{c.name + "\n", "", 0};
  });
  auto ok = rt::await_result<rt::exec_result>(
      [&](auto cb) { p.fake.exec_sync(p.app_id, {"hostname"}, 1s, cb); });
  REQUIRE(ok.ok());
  CHECK(ok->stdout_data == "app\n");
  auto fail = rt::await_result<rt::exec_result>(
      [&](auto cb) { p.fake.exec_sync(p.app_id, {"cat", "/tmp/x"}, 1s, cb); });
  REQUIRE(fail.ok());
  CHECK(fail->exit_code == 1);
  auto nobin = rt::await_result<rt::exec_result>(
      [&](auto cb) { p.fake.exec_sync(p.app_id, {"/no/such"}, 1s, cb); });
  CHECK(nobin.status().is(rt::status::code::unknown));

  p.fake.hang_exec("app");
  std::optional<rt::result<rt::exec_result>> hung;
  p.fake.exec_sync(p.app_id, {"true"}, 2s, [&](auto r) { hung = std::move(r); });
  p.fake.advance(1999ms);
  CHECK_FALSE(hung.has_value());
  p.fake.advance(1ms);
  REQUIRE(hung.has_value());
  CHECK(hung->status().is_deadline_exceeded());
  CHECK(hung->status().message() ==
        "failed to exec in container: timeout 2s exceeded: context deadline exceeded");

  p.fake.kill_container(p.app_id, 137);
  auto stopped = rt::await_result<rt::exec_result>(
      [&](auto cb) { p.fake.exec_sync(p.app_id, {"true"}, 1s, cb); });
  CHECK_FALSE(stopped.ok());
}

TEST_CASE("fake runtime: SIGTERM ignored makes StopContainer wait the grace period", "[cri]") {
  rt::fake_container_behavior b;
  b.ignores_sigterm = true;
  running_pod p(b);
  REQUIRE(start(p.fake, p.app_id).is_ok());
  std::optional<rt::status> stopped;
  p.fake.stop_container(p.app_id, 3s, [&](rt::status s) { stopped = s; });
  p.fake.advance(2s);
  CHECK_FALSE(stopped.has_value());
  CHECK(status_of(p.fake, p.app_id)->state == rt::container_state::running);
  p.fake.advance(1s);
  REQUIRE(stopped.has_value());
  CHECK(stopped->is_ok());
  auto s = status_of(p.fake, p.app_id);
  CHECK(s->state == rt::container_state::exited);
  CHECK(s->exit_code == 137);
  CHECK(s->reason == "Error");
}

TEST_CASE("fake runtime: list by label finds what an agent made after a restart", "[cri]") {
  rt::fake_runtime f;
  f.add_local_image("busybox:1.30");
  auto a = make_sandbox_config("a", "uid-a");
  auto b = make_sandbox_config("b", "uid-b");
  auto other = make_sandbox_config("c", "uid-c");
  other.labels.clear();
  auto sa = run_sandbox(f, a);
  auto sb = run_sandbox(f, b);
  run_sandbox(f, other);
  REQUIRE(create(f, sa, make_container_config(a), a).ok());
  REQUIRE(create(f, sb, make_container_config(b), b).ok());

  rt::sandbox_filter mine;
  mine.label_selector = {{"troupe.io/managed-by", "troupe-node"}};
  auto sandboxes = rt::await_result<std::vector<rt::sandbox_info>>(
      [&](auto cb) { f.list_pod_sandbox(mine, t, cb); });
  REQUIRE(sandboxes->size() == 2);
  CHECK((*sandboxes)[0].name == "a");
  CHECK((*sandboxes)[1].name == "b");

  rt::container_filter of_b;
  of_b.label_selector = {{"troupe.io/pod-uid", "uid-b"}};
  auto containers = rt::await_result<std::vector<rt::container_info>>(
      [&](auto cb) { f.list_containers(of_b, t, cb); });
  REQUIRE(containers->size() == 1);
  CHECK((*containers)[0].sandbox_id == sb);

  rt::container_filter running;
  running.state = rt::container_state::running;
  CHECK(rt::await_result<std::vector<rt::container_info>>(
            [&](auto cb) { f.list_containers(running, t, cb); })
            ->empty());
}

TEST_CASE("fake runtime: stats grow with the cores a container uses", "[cri]") {
  rt::fake_container_behavior b;
  b.cpu_cores = 0.5;
  b.memory_bytes = 32 << 20;
  running_pod p(b);
  REQUIRE(start(p.fake, p.app_id).is_ok());
  p.fake.advance(2s);
  auto s = rt::await_result<rt::container_stats>(
      [&](auto cb) { p.fake.container_stats(p.app_id, t, cb); });
  REQUIRE(s.ok());
  CHECK(s->cpu_usage_core_nano_seconds == 1000000000);
  CHECK(s->memory_working_set_bytes == 32u << 20);
}

TEST_CASE("fake runtime: stopping a container that never started leaves it created", "[cri]") {
  running_pod p;
  REQUIRE(rt::await_status([&](auto cb) { p.fake.stop_container(p.app_id, 10s, cb); }).is_ok());
  CHECK(status_of(p.fake, p.app_id)->state == rt::container_state::created);
  CHECK(start(p.fake, p.app_id).is_ok());
}

TEST_CASE("fake runtime: conditions start ready and can be set not ready", "[cri]") {
  rt::fake_runtime f;
  auto ready = rt::await_result<std::vector<rt::runtime_condition>>(
      [&](auto cb) { f.runtime_conditions(t, cb); });
  REQUIRE(ready->size() == 2);
  CHECK((*ready)[0].type == "RuntimeReady");
  CHECK((*ready)[1].status);
  f.set_condition({"NetworkReady", false, "NetworkPluginNotReady", "cni config uninitialized"});
  auto down = rt::await_result<std::vector<rt::runtime_condition>>(
      [&](auto cb) { f.runtime_conditions(t, cb); });
  REQUIRE(down->size() == 2);
  CHECK_FALSE((*down)[1].status);
  CHECK((*down)[1].reason == "NetworkPluginNotReady");
}

TEST_CASE("fake runtime ticker: containers exit and slow calls answer in real time", "[cri]") {
  rt::fake_container_behavior b;
  b.exit_after = 100ms;
  b.exit_code = 3;
  running_pod p(b);
  p.fake.set_delay("ListImages", 50ms);
  const auto t0 = p.fake.now_ns();
  {
    rt::fake_runtime_ticker ticker(p.fake, 5ms);
    REQUIRE(start(p.fake, p.app_id).is_ok());
    // A delayed call is answered by the ticker's thread: await_result blocks until then.
    auto images = rt::await_result<std::vector<rt::image_info>>([&](auto cb) { p.fake.list_images(t, cb); });
    REQUIRE(images.ok());
    CHECK(images->size() == 1);
    rt::container_state state = rt::container_state::running;
    for (int i = 0; i < 200 && state != rt::container_state::exited; ++i) {
      std::this_thread::sleep_for(10ms);
      state = status_of(p.fake, p.app_id)->state;
    }
    CHECK(state == rt::container_state::exited);
    CHECK(status_of(p.fake, p.app_id)->exit_code == 3);
  }
  CHECK(p.fake.now_ns() - t0 >= 100 * 1000000LL);
}
