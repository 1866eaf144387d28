// The pod actor's probes and hooks on the fake runtime: liveness restarts, readiness toggles Ready,
// startup holds the others back, a failing postStart kills (fixture: pod_actor_fixture.hpp).
#include "tests/node-agent/agent/pod_actor_fixture.hpp"

using namespace pod_actor_testing;

namespace {

/// An exec handler: commands whose text contains a key answer per `fail(key)`.
rt::fake_runtime::exec_handler exec_answers(std::function<bool(const std::string&)> fails) {
  return [fails](const rt::container_info&, const std::vector<std::string>& cmd)
           -> rt::result<rt::exec_result> {
    std::string text;
    for (const auto& c : cmd)
      text += (text.empty() ? "" : " ") + c;
    if (fails(text))
      return rt::exec_result{"", "cat: can't open '/tmp/healthy': No such file or directory\n", 1};
    return rt::exec_result{"ok\n", "", 0};
  };
}

json exec_probe(const std::string& file, int failure_threshold = 1) {
  return {{"exec", {{"command", {"cat", file}}}},
          {"periodSeconds", 1},
          {"failureThreshold", failure_threshold}};
}

} // namespace

TEST_CASE("pod actor: a failing exec liveness probe restarts the container", "[podactor]") {
  fixture f;
  f.fake().set_exec_handler(
    exec_answers([](const std::string& cmd) { return cmd == "cat /tmp/healthy"; }));
  f.spawn(make_pod(
    {{"containers", {container("app", {{"livenessProbe", exec_probe("/tmp/healthy")}})}}}));
  REQUIRE(f.wait_status(
    [](const v1::PodStatus& s) {
      const auto* a = find_status(s, "app");
      return a && a->restartcount() >= 1;
    },
    8s));
  CHECK(f.wait_event("Unhealthy", "Liveness probe failed: "));
  CHECK(f.wait_event("Killing", "Container app failed liveness probe, will be restarted"));
  CHECK(f.count_calls("ExecSync p/app [cat /tmp/healthy]") >= 1);
  CHECK(f.count_calls("StopContainer p/app#0") == 1);
  CHECK(f.call_index("StopContainer p/app#0") < f.call_index("StartContainer p/app#1"));
}

TEST_CASE("pod actor: a readiness probe toggles Ready", "[podactor]") {
  fixture f;
  auto ready = std::make_shared<std::atomic<bool>>(true);
  f.fake().set_exec_handler(exec_answers([ready](const std::string& cmd) {
    return cmd == "cat /tmp/ready" && !ready->load();
  }));
  f.spawn(make_pod(
    {{"containers", {container("app", {{"readinessProbe", exec_probe("/tmp/ready")}})}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return condition(s, "Ready") == "True" && condition(s, "ContainersReady") == "True" && a &&
           a->ready();
  }));
  auto from = f.mark();
  ready->store(false);
  REQUIRE(f.wait_status(
    [](const v1::PodStatus& s) {
      return condition(s, "Ready") == "False" && s.phase() == "Running";
    },
    5s, from));
  CHECK(f.wait_event("Unhealthy", "Readiness probe failed: "));
  from = f.mark();
  ready->store(true);
  CHECK(f.wait_status([](const v1::PodStatus& s) { return condition(s, "Ready") == "True"; }, 5s,
                      from));
  CHECK(find_status(f.latest(), "app")->restartcount() == 0);
}

TEST_CASE("pod actor: a failing postStart hook kills the container", "[podactor]") {
  fixture f;
  f.fake().set_exec_handler(
    exec_answers([](const std::string& cmd) { return cmd == "sh -c exit 1"; }));
  f.spawn(make_pod({{"containers",
                     {container("app", {{"lifecycle",
                                         {{"postStart",
                                           {{"exec", {{"command", {"sh", "-c", "exit 1"}}}}}}}}})}}}));
  REQUIRE(f.wait_event("FailedPostStartHook", ""));
  CHECK(f.wait_event("Killing", "FailedPostStartHook"));
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->restartcount() >= 1;
  }));
  CHECK(f.call_index("ExecSync p/app [sh -c exit 1]") < f.call_index("StopContainer p/app#0"));
}


TEST_CASE("pod actor: a startup probe holds the liveness probe back until it passes",
          "[podactor]") {
  fixture f;
  auto started = std::make_shared<std::atomic<bool>>(false);
  f.fake().set_exec_handler(exec_answers([started](const std::string& cmd) {
    if (cmd == "cat /tmp/started")
      return !started->load();
    return cmd == "cat /tmp/healthy";  // liveness always fails
  }));
  f.spawn(make_pod({{"containers",
                     {container("app", {{"startupProbe", exec_probe("/tmp/started", 30)},
                                        {"livenessProbe", exec_probe("/tmp/healthy")}})}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  std::this_thread::sleep_for(1500ms);  // two startup probes, both failing
  CHECK(f.count_calls("ExecSync p/app [cat /tmp/started]") >= 2);
  CHECK(f.count_calls("ExecSync p/app [cat /tmp/healthy]") == 0);
  auto s = f.latest();
  CHECK_FALSE(find_status(s, "app")->started());
  CHECK(find_status(s, "app")->restartcount() == 0);
  started->store(true);
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->restartcount() >= 1;
  }, 5s));
  CHECK(f.count_calls("ExecSync p/app [cat /tmp/healthy]") >= 1);
  CHECK(f.wait_event("Killing", "Container app failed liveness probe, will be restarted"));
}

