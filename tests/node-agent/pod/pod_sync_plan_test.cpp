#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "config/json_codec.hpp"
#include "node-agent/pod/pod_sync_plan.hpp"
#include "proto/core_v1.pb.h"

using nlohmann::json;
namespace config = troupe::config;
namespace pod = troupe::node_agent::pod;
namespace v1 = troupe::core::v1;
using run = pod::container_run::state_kind;
using sandbox = pod::sync_observation::sandbox_kind;

namespace {

// 2024-05-01T10:00:00Z
const pod::sync_time now = pod::sync_time{} + std::chrono::seconds(1714557600);
pod::sync_time ago(int s) { return now - std::chrono::seconds(s); }
pod::sync_time in(int s) { return now + std::chrono::seconds(s); }

v1::Pod make_pod(const json& patch = json::object()) {
  json p = {{"metadata", {{"name", "web"}, {"namespace", "default"}, {"uid", "u1"}}},
            {"spec", {{"containers", json::array({{{"name", "app"}, {"image", "busybox:1.30"}}})}}}};
  p.merge_patch(patch);
  v1::Pod out;
  auto report = config::json_to_message(p, out, config::decode_mode::strict);
  INFO(config::to_string(report.errors));
  REQUIRE(report.ok());
  return out;
}

json policy(const char* p) { return {{"spec", {{"restartPolicy", p}}}}; }

const json two_inits = {{"spec", {{"initContainers", json::array({
  {{"name", "i1"}, {"image", "busybox:1.30"}}, {{"name", "i2"}, {"image", "busybox:1.30"}}})}}}};

json merged(json a, const json& b) {
  a.merge_patch(b);
  return a;
}

pod::container_run running(std::string name, std::string id, int restarts = 0) {
  return {std::move(name), std::move(id), run::running, 0, {}, restarts};
}
pod::container_run exited(std::string name, std::string id, int code, int restarts = 0,
                          int finished_ago = 30) {
  return {std::move(name), std::move(id), run::exited, code, ago(finished_ago), restarts};
}

// A ready sandbox with busybox:1.30 present.
pod::sync_observation ready(std::vector<pod::container_run> inits,
                            std::vector<pod::container_run> apps) {
  pod::sync_observation o;
  o.sandbox = sandbox::ready;
  o.sandbox_id = "s1";
  o.sandbox_ip = "10.88.0.5";
  o.sandbox_attempt = 1;
  o.init_containers = std::move(inits);
  o.containers = std::move(apps);
  o.images_present = {"busybox:1.30"};
  return o;
}

pod::sync_observation empty_node(std::set<std::string> images = {}) {
  pod::sync_observation o;
  o.images_present = std::move(images);
  return o;
}

// A backoff whose next delay is 20 s (two restarts recorded, the last 40 s ago).
pod::crash_backoff backoff_20s() {
  pod::crash_backoff b;
  b.record_restart(ago(60), ago(60));
  b.record_restart(ago(40), ago(40));
  return b;
}

template <class F> pod::sync_observation with(pod::sync_observation o, F f) {
  f(o);
  return o;
}

struct row {
  std::string name;
  json pod;
  pod::sync_observation observed;
  std::vector<std::string> actions;
  std::vector<pod::waiting_container> waiting = {};
  std::optional<pod::sync_time> next_sync = std::nullopt;
  bool pod_failed = false;
  bool finished = false;
};

} // namespace

TEST_CASE("plan_pod_sync: the kubelet's SyncPod decisions", "[pod]") {
  const std::string crash20 =
    "back-off 20s restarting failed container=app pod=web_default(u1)";
  std::vector<row> rows = {
    // Sandbox and images
    {"new pod, image absent (IfNotPresent): sandbox, pull, start",
     json::object(), empty_node(),
     {"run_sandbox (attempt 0)", "pull busybox:1.30", "start app (attempt 0, image busybox:1.30)"}},
    {"new pod, image present: no pull",
     json::object(), empty_node({"busybox:1.30"}),
     {"run_sandbox (attempt 0)", "start app (attempt 0, image busybox:1.30)"}},
    {"imagePullPolicy Always pulls even when present",
     {{"spec", {{"containers", json::array({{{"name", "app"}, {"image", "busybox:1.30"},
                                              {"imagePullPolicy", "Always"}}})}}}},
     ready({}, {}),
     {"pull busybox:1.30", "start app (attempt 0, image busybox:1.30)"}},
    {"no tag defaults to Always",
     {{"spec", {{"containers", json::array({{{"name", "app"}, {"image", "nginx"}}})}}}},
     with(ready({}, {}), [](auto& o) { o.images_present.insert("nginx"); }),
     {"pull nginx", "start app (attempt 0, image nginx)"}},
    {"imagePullPolicy Never, image absent: ErrImageNeverPull, no start",
     {{"spec", {{"containers", json::array({{{"name", "app"}, {"image", "nginx:1.17.1"},
                                              {"imagePullPolicy", "Never"}}})}}}},
     ready({}, {}), {},
     {{"app", "ErrImageNeverPull",
       "Container image \"nginx:1.17.1\" is not present with pull policy of Never"}}},
    {"failed pull within its backoff: ImagePullBackOff, wake at retry",
     json::object(),
     with(ready({}, {}), [](auto& o) {
       o.images_present.clear();
       o.pull_failures["busybox:1.30"] = {"not found", in(7)};
     }),
     {}, {{"app", "ImagePullBackOff", "Back-off pulling image \"busybox:1.30\""}}, in(7)},
    {"failed pull past its backoff: pull again",
     json::object(),
     with(ready({}, {}), [](auto& o) {
       o.images_present.clear();
       o.pull_failures["busybox:1.30"] = {"not found", ago(1)};
     }),
     {"pull busybox:1.30", "start app (attempt 0, image busybox:1.30)"}},
    {"dead sandbox (Always): kill survivors, stop it, new sandbox, restart with count + 1",
     json::object(),
     with(ready({}, {running("app", "c1", 2)}), [](auto& o) { o.sandbox = sandbox::not_ready; }),
     {"kill app c1 (grace 30): Pod sandbox changed, it will be killed and re-created.",
      "stop_sandbox s1", "run_sandbox (attempt 2)", "start app (attempt 3, image busybox:1.30)"}},
    {"dead sandbox, restartPolicy Never, containers made: not recreated",
     policy("Never"),
     with(ready({}, {exited("app", "c1", 0)}), [](auto& o) { o.sandbox = sandbox::not_ready; }),
     {}},
    {"dead sandbox, OnFailure, app succeeded: completed, not recreated",
     policy("OnFailure"),
     with(ready({}, {exited("app", "c1", 0)}), [](auto& o) { o.sandbox = sandbox::not_ready; }),
     {}},
    {"new sandbox with init containers starts only the first",
     two_inits, empty_node({"busybox:1.30"}),
     {"run_sandbox (attempt 0)", "start init i1 (attempt 0, image busybox:1.30)"}},

    // Init containers
    {"init: none created -> start i1", two_inits, ready({}, {}),
     {"start init i1 (attempt 0, image busybox:1.30)"}},
    {"init: i1 running -> wait", two_inits, ready({running("i1", "c1")}, {}), {}},
    {"init: i1 done -> start i2 (one at a time)", two_inits,
     ready({exited("i1", "c1", 0)}, {}), {"start init i2 (attempt 0, image busybox:1.30)"}},
    {"init: both done -> start app", two_inits,
     ready({exited("i1", "c1", 0), exited("i2", "c2", 0)}, {}),
     {"start app (attempt 0, image busybox:1.30)"}},
    {"init: app exists -> init is over even if i2 shows failed", two_inits,
     ready({exited("i1", "c1", 0), exited("i2", "c2", 1)}, {running("app", "c3")}), {}},
    {"init failed, OnFailure, first exit: restart it at once",
     merged(two_inits, policy("OnFailure")), ready({exited("i1", "c1", 1)}, {}),
     {"start init i1 (attempt 1, image busybox:1.30)"}},
    {"init failed, Always, in backoff: Init CrashLoopBackOff, wake at backoff end",
     two_inits,
     with(ready({exited("i1", "c1", 1, 2, 5)}, {}), [](auto& o) { o.backoffs["i1"] = backoff_20s(); }),
     {}, {{"i1", "CrashLoopBackOff",
           "back-off 20s restarting failed container=i1 pod=web_default(u1)"}}, in(15)},
    {"init failed, Never: the pod fails, sandbox stopped",
     merged(two_inits, policy("Never")), ready({exited("i1", "c1", 1)}, {}),
     {"stop_sandbox s1"}, {}, std::nullopt, true},

    // App containers and restartPolicy
    {"running app: nothing to do", json::object(), ready({}, {running("app", "c1")}), {}},
    {"Always restarts a success", json::object(), ready({}, {exited("app", "c1", 0, 4)}),
     {"start app (attempt 5, image busybox:1.30)"}},
    {"OnFailure restarts a failure", policy("OnFailure"), ready({}, {exited("app", "c1", 2, 1)}),
     {"start app (attempt 2, image busybox:1.30)"}},
    {"OnFailure keeps a success done; nothing left: stop sandbox", policy("OnFailure"),
     ready({}, {exited("app", "c1", 0)}), {"stop_sandbox s1"}},
    {"Never after a failure: no restart, stop sandbox", policy("Never"),
     ready({}, {exited("app", "c1", 1)}), {"stop_sandbox s1"}},
    {"crash backoff holds: CrashLoopBackOff and wake-up, sandbox kept", json::object(),
     with(ready({}, {exited("app", "c1", 1, 3, 5)}), [](auto& o) { o.backoffs["app"] = backoff_20s(); }),
     {}, {{"app", "CrashLoopBackOff", crash20}}, in(15)},
    {"crash backoff over: restart", json::object(),
     with(ready({}, {exited("app", "c1", 1, 3, 25)}), [](auto& o) { o.backoffs["app"] = backoff_20s(); }),
     {"start app (attempt 4, image busybox:1.30)"}},
    {"app in unknown state: killed, then started anew", json::object(),
     ready({}, {{"app", "c1", run::unknown, 0, {}, 1}}),
     {"kill app c1 (grace 30): Container is in unknown state, try killing it before restart",
      "start app (attempt 2, image busybox:1.30)"}},
    {"app created but never started: a new one starts (no backoff, even under Never)",
     policy("Never"), ready({}, {{"app", "c1", run::created, 0, {}, 0}}),
     {"start app (attempt 1, image busybox:1.30)"}},
    {"init in unknown state, OnFailure: killed and restarted", merged(two_inits, policy("OnFailure")),
     ready({{"i1", "c1", run::unknown, 0, {}, 0}}, {}),
     {"kill init i1 c1 (grace 30): Container is in unknown state, try killing it before restart",
      "start init i1 (attempt 1, image busybox:1.30)"}},
    {"init i2 failed, Never: running nothing, pod fails", merged(two_inits, policy("Never")),
     ready({exited("i1", "c1", 0), exited("i2", "c2", 137)}, {}),
     {"stop_sandbox s1"}, {}, std::nullopt, true},
    {"container not in the spec is killed first", json::object(),
     ready({}, {running("old", "c9"), exited("app", "c1", 0)}),
     {"kill old c9 (grace 30): Container old is not in the pod spec, it will be killed",
      "start app (attempt 1, image busybox:1.30)"}},

    // Deletion
    {"deletion: preStop + grace, then stop and remove the sandbox",
     {{"metadata", {{"deletionTimestamp", "2024-05-01T10:00:20Z"}, {"deletionGracePeriodSeconds", 20}}},
      {"spec", {{"initContainers", json::array({{{"name", "i1"}, {"image", "busybox:1.30"}}})},
                {"containers", json::array({
                  {{"name", "app"}, {"image", "busybox:1.30"},
                   {"lifecycle", {{"preStop", {{"exec", {{"command", {"true"}}}}}}}}},
                  {{"name", "side"}, {"image", "busybox:1.30"}}})}}}},
     ready({exited("i1", "c0", 0)}, {running("app", "c1"), running("side", "c2"), exited("x", "c3", 0)}),
     {"kill app c1 (grace 20, preStop): Stopping container",
      "kill side c2 (grace 20): Stopping container", "stop_sandbox s1", "remove_sandbox s1"}},
    {"deletion, sandbox gone: finished",
     {{"metadata", {{"deletionTimestamp", "2024-05-01T10:00:20Z"}}}}, empty_node(), {}, {},
     std::nullopt, false, true},
  };

  for (const auto& r : rows) {
    SECTION(r.name) {
      auto plan = pod::plan_pod_sync(make_pod(r.pod), r.observed, now);
      std::vector<std::string> got;
      for (const auto& a : plan.actions)
        got.push_back(pod::to_string(a));
      CHECK(got == r.actions);
      CHECK(plan.waiting == r.waiting);
      CHECK(plan.next_sync == r.next_sync);
      CHECK(plan.pod_failed == r.pod_failed);
      CHECK(plan.finished == r.finished);
    }
  }
}

TEST_CASE("effective_pull_policy applies the API default", "[pod]") {
  auto policy_of = [](const std::string& image, const std::string& set = "") {
    v1::Container c;
    c.set_image(image);
    if (!set.empty())
      c.set_imagepullpolicy(set);
    return pod::effective_pull_policy(c);
  };
  CHECK(policy_of("nginx") == "Always");
  CHECK(policy_of("nginx:latest") == "Always");
  CHECK(policy_of("nginx:1.17.1") == "IfNotPresent");
  CHECK(policy_of("localhost:5000/nginx") == "Always");
  CHECK(policy_of("localhost:5000/nginx:1.0") == "IfNotPresent");
  CHECK(policy_of("nginx@sha256:abcd") == "IfNotPresent");
  CHECK(policy_of("nginx", "Never") == "Never");
}
