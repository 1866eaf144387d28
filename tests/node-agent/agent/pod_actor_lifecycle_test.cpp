// The pod actor's deletion, kill and adoption on the fake runtime: preStop within the grace period,
// kill_atom, a hung preStop cut short, a second actor adopting running containers
// (fixture: pod_actor_fixture.hpp).
#include "tests/node-agent/agent/pod_actor_fixture.hpp"

using namespace pod_actor_testing;

namespace {

na::pod_ptr deleted(const na::pod_ptr& p, int64_t grace) {
  auto d = std::make_shared<v1::Pod>(*p);
  d->mutable_metadata()->mutable_deletiontimestamp()->set_seconds(1700000000);
  d->mutable_metadata()->set_deletiongraceperiodseconds(grace);
  return d;
}

json with_pre_stop() {
  return {{"lifecycle", {{"preStop", {{"exec", {{"command", {"sh", "-c", "nginx -s quit"}}}}}}}}};
}

} // namespace

TEST_CASE("pod actor: deletion runs preStop, stops within the grace period and finishes",
          "[podactor]") {
  fixture f;
  rt::fake_container_behavior stubborn;
  stubborn.ignores_sigterm = true;  // the stop takes what is left of the grace period
  f.fake().set_behavior("app", stubborn);
  auto pod = make_pod({{"terminationGracePeriodSeconds", 1},
                       {"containers", {container("app", with_pre_stop())}}});
  auto actor = f.spawn(pod);
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  auto logs = f.log_root() / "default_p_uid-p";
  std::filesystem::create_directories(logs / "app");
  std::ofstream(logs / "app" / "0.log") << "hello\n";
  int64_t began = f.fake().now_ns();
  caf::anon_send(actor, na::pod_atom::value, deleted(pod, 1));
  REQUIRE(f.wait_for([](const na::pod_report& r) { return r.finished; }, 5s));
  long pre_stop = f.call_index("ExecSync p/app [sh -c nginx -s quit]");
  long stop = f.call_index("StopContainer p/app#0");
  long stop_sandbox = f.call_index("StopPodSandbox");
  long remove_sandbox = f.call_index("RemovePodSandbox");
  CHECK(pre_stop >= 0);
  CHECK(pre_stop < stop);
  CHECK(stop < stop_sandbox);
  CHECK(stop_sandbox < remove_sandbox);
  // SIGTERM ignored: SIGKILL when the grace period (1 s, preStop included) ends, not later.
  int64_t elapsed = f.fake().now_ns() - began;
  CHECK(elapsed >= 900'000'000);
  CHECK(elapsed < 2'000'000'000);
  CHECK(f.wait_event("Killing", "Stopping container app"));
  CHECK_FALSE(std::filesystem::exists(logs));  // the pod's logs went with it
}

TEST_CASE("pod actor: kill_atom stops everything at once without hooks", "[podactor]") {
  fixture f;
  rt::fake_container_behavior stubborn;
  stubborn.ignores_sigterm = true;
  f.fake().set_behavior("app", stubborn);
  auto actor = f.spawn(make_pod({{"containers", {container("app", with_pre_stop())}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  int64_t began = f.fake().now_ns();
  caf::anon_send(actor, na::kill_atom::value);
  REQUIRE(f.wait_for([](const na::pod_report& r) { return r.finished; }, 3s));
  CHECK(f.fake().now_ns() - began < 500'000'000);  // grace 0, although the default is 30 s
  CHECK(f.count_calls("ExecSync") == 0);
  CHECK(f.call_index("StopContainer p/app#0") < f.call_index("RemovePodSandbox"));
}

TEST_CASE("pod actor: a second actor adopts the running pod without restarting it",
          "[podactor]") {
  fixture f;
  auto pod = make_pod({{"containers", {container("app")}}});
  auto first = f.spawn(pod);
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  // One crash from outside: the container restarts once (restartCount 1).
  auto id0 = find_status(f.latest(), "app")->containerid().substr(std::string("containerd://").size());
  f.fake().kill_container(id0, 1);
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->restartcount() == 1 && a->state().has_running();
  }));
  auto before = *find_status(f.latest(), "app");
  caf::anon_send_exit(first, caf::exit_reason::kill);  // the agent dies
  std::this_thread::sleep_for(100ms);
  f.fake().clear_calls();
  auto from = f.mark();
  f.spawn(pod);
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }, 5s, from));
  std::this_thread::sleep_for(200ms);
  auto after = *find_status(f.latest(), "app");
  CHECK(after.containerid() == before.containerid());
  CHECK(after.restartcount() == 1);
  CHECK(after.laststate().terminated().exitcode() == 1);
  CHECK(f.count_calls("CreateContainer") == 0);
  CHECK(f.count_calls("StartContainer") == 0);
  CHECK(f.count_calls("StopContainer") == 0);
  CHECK(f.count_calls("RunPodSandbox") == 0);
  // The adopted container crashes: the new actor restarts it in the adopted sandbox.
  f.fake().kill_container(after.containerid().substr(std::string("containerd://").size()), 1);
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->restartcount() == 2 && a->state().has_running();
  }));
  CHECK(f.count_calls("CreateContainer p/app#2") == 1);
  CHECK(f.count_calls("RunPodSandbox") == 0);
}

TEST_CASE("pod actor: kill_atom cuts a graceful deletion short", "[podactor]") {
  fixture f;
  rt::fake_container_behavior stubborn;
  stubborn.ignores_sigterm = true;
  f.fake().set_behavior("app", stubborn);
  auto pod = make_pod({{"containers", {container("app")}}});
  auto actor = f.spawn(pod);
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  int64_t began = f.fake().now_ns();
  caf::anon_send(actor, na::pod_atom::value, deleted(pod, 30));  // SIGTERM ignored: 30 s
  std::this_thread::sleep_for(100ms);
  caf::anon_send(actor, na::kill_atom::value);
  REQUIRE(f.wait_for([](const na::pod_report& r) { return r.finished; }, 3s));
  CHECK(f.fake().now_ns() - began < 2'000'000'000);
  CHECK(f.count_calls("StopContainer p/app#0") == 2);  // graceful, then at once
}


TEST_CASE("pod actor: a hung preStop hook is cut at the grace period and recorded",
          "[podactor]") {
  fixture f;
  auto pod = make_pod({{"terminationGracePeriodSeconds", 1},
                       {"containers", {container("app", with_pre_stop())}}});
  auto actor = f.spawn(pod);
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  f.fake().hang_exec("app");
  int64_t began = f.fake().now_ns();
  caf::anon_send(actor, na::pod_atom::value, deleted(pod, 1));
  REQUIRE(f.wait_for([](const na::pod_report& r) { return r.finished; }, 5s));
  int64_t elapsed = f.fake().now_ns() - began;
  CHECK(elapsed >= 900'000'000);    // the hook had the whole grace period
  CHECK(elapsed < 2'000'000'000);   // and the stop nothing more
  CHECK(f.wait_event("FailedPreStopHook", ""));
  CHECK(f.call_index("ExecSync p/app [sh -c nginx -s quit]") <
        f.call_index("StopContainer p/app#0"));
}

