// runtime_snapshot (collected from the fake runtime) and pod_observations (snapshot -> the inputs
// of plan_pod_sync and compute_pod_status).
#include <catch2/catch.hpp>

#include <algorithm>
#include <future>

#include "node-agent/pod/pod_observations.hpp"
#include "node-agent/pod/runtime_snapshot.hpp"
#include "node-agent/runtime/blocking_call.hpp"
#include "node-agent/runtime/fake_runtime.hpp"
#include "tests/node-agent/runtime/runtime_fixtures.hpp"

namespace pod = troupe::node_agent::pod;
namespace rt = troupe::node_agent::runtime;
using namespace std::chrono_literals;

namespace {

constexpr auto t = std::chrono::milliseconds(5000);

/// A fake with a ready sandbox of pod "web" (uid-web-1): init "setup" exited 0, app "app" ran
/// once (exit 2) and runs again as restart 1; and another pod's container beside it.
struct two_runs {
  std::shared_ptr<rt::fake_runtime> fake = std::make_shared<rt::fake_runtime>();
  std::string sandbox, setup, app0, app1;

  std::string run(const rt::container_config& c, const rt::sandbox_config& sb,
                  const std::string& sb_id) {
    auto id = rt::await_result<std::string>(
      [&](auto cb) { fake->create_container(sb_id, c, sb, t, cb); });
    REQUIRE(id.ok());
    REQUIRE(rt::await_status([&](auto cb) { fake->start_container(*id, t, cb); }).is_ok());
    return *id;
  }

  two_runs() {
    fake->add_local_image("busybox:1.30");
    auto sb = troupe::testing::make_sandbox_config();
    sandbox = *rt::await_result<std::string>([&](auto cb) { fake->run_pod_sandbox(sb, t, cb); });
    auto init = troupe::testing::make_container_config(sb, "setup");
    init.labels[rt::labels::container_kind] = "init";
    rt::fake_container_behavior quick;
    quick.exit_after = 10ms;
    fake->set_behavior("setup", quick);
    setup = run(init, sb, sandbox);
    fake->advance(20ms);
    auto app = troupe::testing::make_container_config(sb, "app");
    app0 = run(app, sb, sandbox);
    fake->advance(5ms);
    fake->kill_container(app0, 2);
    fake->advance(5ms);
    app.attempt = 1;
    app.annotations["io.kubernetes.container.restartCount"] = "1";
    app1 = run(app, sb, sandbox);
    auto other = troupe::testing::make_sandbox_config("db", "uid-db-1");
    auto other_id =
      *rt::await_result<std::string>([&](auto cb) { fake->run_pod_sandbox(other, t, cb); });
    run(troupe::testing::make_container_config(other, "db"), other, other_id);
  }

  pod::runtime_snapshot snapshot(std::shared_ptr<const pod::runtime_snapshot> previous = {}) {
    std::promise<pod::runtime_snapshot> p;
    pod::snapshot_request req{
      "uid-web-1", {{"setup", "busybox:1.30"}, {"app", "busybox:1.30"}, {"late", "nope:1"}},
      std::move(previous)};
    pod::collect_runtime_snapshot(fake, std::move(req), t,
                                  [&](pod::runtime_snapshot s) { p.set_value(std::move(s)); });
    return p.get_future().get();
  }
};

} // namespace

TEST_CASE("runtime_snapshot: the pod's sandbox with its IP, its containers and images",
          "[podactor]") {
  two_runs f;
  auto s = f.snapshot();
  REQUIRE(s.error.is_ok());
  REQUIRE(s.sandbox);
  CHECK(s.sandbox->id == f.sandbox);
  CHECK(s.sandbox->ip == "10.88.0.2");
  REQUIRE(s.containers.size() == 3);  // not the other pod's
  CHECK(s.containers[0].id == f.setup);
  CHECK(s.containers[1].id == f.app0);
  CHECK(s.containers[2].id == f.app1);
  CHECK(s.images_present == std::set<std::string>{"busybox:1.30"});
}

TEST_CASE("runtime_snapshot: answers that cannot have changed are reused", "[podactor]") {
  two_runs f;
  auto first = std::make_shared<const pod::runtime_snapshot>(f.snapshot());
  f.fake->clear_calls();
  auto same = f.snapshot(first);
  auto again = f.fake->calls();
  CHECK(std::count(again.begin(), again.end(), "ListPodSandbox") == 1);
  CHECK(std::count(again.begin(), again.end(), "ListContainers") == 1);
  CHECK(std::none_of(again.begin(), again.end(), [](const std::string& c) {
    return c.rfind("ContainerStatus", 0) == 0 || c.rfind("PodSandboxStatus", 0) == 0;
  }));
  // Images of containers that could start: not the running app's alone.
  CHECK(std::count(again.begin(), again.end(), "ImageStatus nope:1") == 1);
  CHECK(same.sandbox->ip == "10.88.0.2");
  REQUIRE(same.containers.size() == 3);
  CHECK(same.containers[2].started_at == first->containers[2].started_at);
  // An exit changes the listed state: that container's status is asked for again.
  f.fake->kill_container(f.app1, 1);
  f.fake->clear_calls();
  auto after = f.snapshot(first);
  auto calls = f.fake->calls();
  CHECK(std::count(calls.begin(), calls.end(), "ContainerStatus web/app#1") == 1);
  CHECK(std::count(calls.begin(), calls.end(), "ContainerStatus web/app#0") == 0);
  CHECK(std::count(calls.begin(), calls.end(), "ImageStatus busybox:1.30") == 1);  // may restart
  REQUIRE(after.containers.size() == 3);
  CHECK(after.containers[2].state == rt::container_state::exited);
  CHECK(after.containers[2].exit_code == 1);
}

TEST_CASE("runtime_snapshot: a pod with nothing on the node", "[podactor]") {
  rt::fake_runtime_options o;
  auto fake = std::make_shared<rt::fake_runtime>(o);
  std::promise<pod::runtime_snapshot> p;
  pod::collect_runtime_snapshot(fake, {"uid-none", {}, nullptr}, t,
                                [&](pod::runtime_snapshot s) { p.set_value(std::move(s)); });
  auto s = p.get_future().get();
  CHECK(s.error.is_ok());
  CHECK_FALSE(s.sandbox);
  CHECK(s.containers.empty());
}

TEST_CASE("make_sync_observation: latest instance per name, by kind, with restart counts",
          "[podactor]") {
  two_runs f;
  auto obs = pod::make_sync_observation(f.snapshot(), {}, {});
  CHECK(obs.sandbox == pod::sync_observation::sandbox_kind::ready);
  CHECK(obs.sandbox_id == f.sandbox);
  CHECK(obs.sandbox_ip == "10.88.0.2");
  REQUIRE(obs.init_containers.size() == 1);
  CHECK(obs.init_containers[0].name == "setup");
  CHECK(obs.init_containers[0].state == pod::container_run::state_kind::exited);
  CHECK(obs.init_containers[0].exit_code == 0);
  REQUIRE(obs.containers.size() == 1);
  CHECK(obs.containers[0].id == f.app1);
  CHECK(obs.containers[0].state == pod::container_run::state_kind::running);
  CHECK(obs.containers[0].restart_count == 1);
  CHECK(obs.images_present.count("busybox:1.30") == 1);
}

TEST_CASE("make_pod_observation: states, lastState, probe flags and waiting reasons",
          "[podactor]") {
  two_runs f;
  auto snap = f.snapshot();
  pod::status_inputs in;
  in.host_ip = "192.168.1.10";
  in.pod_ip = "10.88.0.2";
  in.probes["app"] = pod::probe_flags{false, true};
  in.waiting.push_back({"late", "ErrImagePull", "rpc error: code = NotFound desc = x"});
  auto o = pod::make_pod_observation(snap, in);
  CHECK(o.pod_ip == "10.88.0.2");
  CHECK(o.host_ip == "192.168.1.10");
  auto find = [](const std::vector<pod::container_observation>& v, const std::string& n) {
    for (const auto& c : v)
      if (c.name == n)
        return &c;
    return static_cast<const pod::container_observation*>(nullptr);
  };
  const auto* setup = find(o.init_containers, "setup");
  REQUIRE(setup);
  CHECK(setup->state == pod::container_observation::state_kind::terminated);
  CHECK(setup->terminated.reason == "Completed");
  const auto* app = find(o.containers, "app");
  REQUIRE(app);
  CHECK(app->state == pod::container_observation::state_kind::running);
  CHECK(app->container_id == f.app1);
  CHECK(app->restart_count == 1);
  CHECK_FALSE(app->ready);
  CHECK(app->started);
  REQUIRE(app->last);
  CHECK(app->last->exit_code == 2);
  CHECK(app->last->container_id == f.app0);
  const auto* late = find(o.containers, "late");  // no instance yet: waits with the reason
  REQUIRE(late);
  CHECK(late->state == pod::container_observation::state_kind::waiting);
  CHECK(late->waiting_reason == "ErrImagePull");

  // An exited instance held back by the plan waits, its exit shown as lastState.
  f.fake->kill_container(f.app1, 1);
  pod::status_inputs backoff;
  backoff.waiting.push_back({"app", "CrashLoopBackOff", "back-off 10s restarting failed"});
  auto o2 = pod::make_pod_observation(f.snapshot(), backoff);
  const auto* waiting = find(o2.containers, "app");
  REQUIRE(waiting);
  CHECK(waiting->state == pod::container_observation::state_kind::waiting);
  CHECK(waiting->waiting_reason == "CrashLoopBackOff");
  REQUIRE(waiting->last);
  CHECK(waiting->last->container_id == f.app1);
  CHECK(waiting->last->exit_code == 1);
}
