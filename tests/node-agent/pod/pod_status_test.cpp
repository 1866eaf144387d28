#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "actors/api/table.hpp"
#include "config/json_codec.hpp"
#include "config/kinds.hpp"
#include "node-agent/pod/pod_status.hpp"
#include "proto/core_v1.pb.h"

using nlohmann::json;
namespace api = troupe::api;
namespace config = troupe::config;
namespace pod = troupe::node_agent::pod;
namespace v1 = troupe::core::v1;
using kind = pod::container_observation::state_kind;

namespace {

// 2024-05-01T10:00:00Z
const pod::time_point now = pod::time_point{} + std::chrono::seconds(1714557600);
pod::time_point ago(int s) { return now - std::chrono::seconds(s); }

v1::PodSpec make_spec(const json& patch = json::object()) {
  json spec = {{"containers", json::array({{{"name", "app"}, {"image", "nginx"}}})}};
  if (!patch.is_null())
    spec.merge_patch(patch);
  v1::PodSpec out;
  auto report = config::json_to_message(spec, out, config::decode_mode::strict);
  INFO(config::to_string(report.errors));
  REQUIRE(report.ok());
  return out;
}

const json two_inits = {
  {"initContainers", json::array({{{"name", "i1"}, {"image", "busybox"}}, {{"name", "i2"}, {"image", "busybox"}}})}};

pod::termination exited(int code, std::string reason = "") {
  return {code, std::move(reason), "", ago(30), ago(20), "c-old"};
}

pod::container_observation running(std::string name, bool ready = true) {
  pod::container_observation o;
  o.name = std::move(name);
  o.state = kind::running;
  o.running_since = ago(10);
  o.ready = ready;
  o.started = true;
  o.container_id = "c-1";
  o.image_id = "sha256:abc";
  return o;
}

pod::container_observation waiting(std::string name, std::string reason, int restarts = 0,
                                   std::optional<pod::termination> last = std::nullopt) {
  pod::container_observation o;
  o.name = std::move(name);
  o.waiting_reason = std::move(reason);
  o.restart_count = restarts;
  o.last = std::move(last);
  return o;
}

pod::container_observation terminated(std::string name, int code, std::string reason = "") {
  pod::container_observation o;
  o.name = std::move(name);
  o.state = kind::terminated;
  o.terminated = exited(code, std::move(reason));
  o.container_id = "c-old";
  return o;
}

pod::pod_observation observe(std::vector<pod::container_observation> init,
                            std::vector<pod::container_observation> containers) {
  pod::pod_observation o;
  o.init_containers = std::move(init);
  o.containers = std::move(containers);
  return o;
}

// What `kubectl get pods` prints for the pod carrying `status`: {READY, STATUS, RESTARTS}.
std::vector<std::string> table_row(const v1::PodSpec& spec, const v1::PodStatus& status) {
  v1::Pod p;
  p.mutable_metadata()->set_name("web-0");
  p.mutable_metadata()->set_namespace_("s");
  *p.mutable_spec() = spec;
  *p.mutable_status() = status;
  json cells = api::table_cells(*config::find_kind("v1", "Pod"), p, config::timestamp{1714557600, 0});
  return {cells[1].get<std::string>(), cells[2].get<std::string>(), cells[3].get<std::string>()};
}

const v1::PodCondition* condition(const v1::PodStatus& s, const std::string& type) {
  for (const auto& c : s.conditions())
    if (c.type() == type)
      return &c;
  return nullptr;
}

} // namespace

TEST_CASE("pod_status: phase and kubectl STATUS as the kubelet and kubectl compute them", "[pod]") {
  struct status_case {
    std::string name;
    json spec_patch;
    pod::pod_observation observed;
    std::string phase;
    std::vector<std::string> row;  // READY, STATUS, RESTARTS
    std::string ready;             // Ready condition status
  };
  const std::vector<status_case> cases = {
    {"nothing created yet", {}, {}, "Pending", {"0/1", "ContainerCreating", "0"}, "False"},
    {"two init containers, none run yet", two_inits, {}, "Pending", {"0/1", "Init:0/2", "0"}, "False"},
    {"first init done, second running", two_inits,
     observe({terminated("i1", 0, "Completed"), running("i2")}, {}), "Pending", {"0/1", "Init:1/2", "0"}, "False"},
    {"init done, app not created", two_inits,
     observe({terminated("i1", 0), terminated("i2", 0)}, {}), "Pending", {"0/1", "PodInitializing", "0"}, "False"},
    {"init failed, restartPolicy Never", json{{"restartPolicy", "Never"}, {"initContainers", two_inits["initContainers"]}},
     observe({terminated("i1", 1, "Error")}, {}), "Failed", {"0/1", "Init:Error", "0"}, "False"},
    {"init crash looping", two_inits,
     observe({waiting("i1", "CrashLoopBackOff", 2, exited(1, "Error"))}, {}), "Pending",
     {"0/1", "Init:CrashLoopBackOff", "2 (20s ago)"}, "False"},
    {"running and ready", {}, observe({}, {running("app")}), "Running", {"1/1", "Running", "0"}, "True"},
    {"running, readiness failing", {}, observe({}, {running("app", false)}), "Running", {"0/1", "Running", "0"}, "False"},
    {"image pull failed", {}, observe({}, {waiting("app", "ErrImagePull")}), "Pending", {"0/1", "ErrImagePull", "0"}, "False"},
    {"image pull backing off", {}, observe({}, {waiting("app", "ImagePullBackOff")}), "Pending",
     {"0/1", "ImagePullBackOff", "0"}, "False"},
    {"crash loop, restartPolicy Always", {}, observe({}, {waiting("app", "CrashLoopBackOff", 3, exited(1, "Error"))}),
     "Running", {"0/1", "CrashLoopBackOff", "3 (20s ago)"}, "False"},
    {"exit 0, restartPolicy Always: restarting", {}, observe({}, {terminated("app", 0, "Completed")}), "Running",
     {"0/1", "Completed", "0"}, "False"},
    {"exit 0, restartPolicy Never", {{"restartPolicy", "Never"}}, observe({}, {terminated("app", 0, "Completed")}),
     "Succeeded", {"0/1", "Completed", "0"}, "False"},
    {"exit 1, restartPolicy Never", {{"restartPolicy", "Never"}}, observe({}, {terminated("app", 1, "Error")}), "Failed",
     {"0/1", "Error", "0"}, "False"},
    {"exit 0, restartPolicy OnFailure", {{"restartPolicy", "OnFailure"}}, observe({}, {terminated("app", 0)}),
     "Succeeded", {"0/1", "Completed", "0"}, "False"},
    {"exit 1, restartPolicy OnFailure: restarting", {{"restartPolicy", "OnFailure"}}, observe({}, {terminated("app", 1)}),
     "Running", {"0/1", "Error", "0"}, "False"},
    {"OOMKilled, restartPolicy Never", {{"restartPolicy", "Never"}},
     observe({}, {terminated("app", 137, "OOMKilled")}), "Failed", {"0/1", "OOMKilled", "0"}, "False"},
    {"one of two still creating", {{"containers", json::array({{{"name", "app"}, {"image", "nginx"}},
                                                               {{"name", "side"}, {"image", "busybox"}}})}},
     observe({}, {running("app")}), "Pending", {"1/2", "ContainerCreating", "0"}, "False"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto spec = make_spec(c.spec_patch);
      auto st = pod::compute_pod_status(spec, c.observed, {}, now);
      INFO(st.DebugString());
      CHECK(st.phase() == c.phase);
      CHECK(table_row(spec, st) == c.row);
      REQUIRE(condition(st, "Ready"));
      CHECK(condition(st, "Ready")->status() == c.ready);
      CHECK(condition(st, "ContainersReady")->status() == c.ready);
      CHECK(condition(st, "PodScheduled")->status() == "True");
    }
  }
}

TEST_CASE("pod_status: container statuses carry the kubelet's fields", "[pod]") {
  auto spec = make_spec(two_inits);
  auto o = observe({terminated("i1", 0), waiting("i2", "")}, {});
  o.pod_ip = "10.88.0.5";
  o.host_ip = "192.168.1.2";
  auto st = pod::compute_pod_status(spec, o, {}, now);
  REQUIRE(st.initcontainerstatuses_size() == 2);
  REQUIRE(st.containerstatuses_size() == 1);
  const auto& i1 = st.initcontainerstatuses(0);
  CHECK(i1.state().terminated().reason() == "Completed");
  CHECK(i1.state().terminated().containerid() == "containerd://c-old");
  CHECK(i1.state().terminated().finishedat().seconds() == 1714557600 - 20);
  CHECK(st.initcontainerstatuses(1).state().waiting().reason() == "PodInitializing");
  const auto& app = st.containerstatuses(0);
  CHECK(app.name() == "app");
  CHECK(app.image() == "nginx");
  CHECK(app.state().waiting().reason() == "PodInitializing");
  CHECK_FALSE(app.ready());
  CHECK(st.podip() == "10.88.0.5");
  REQUIRE(st.podips_size() == 1);
  CHECK(st.podips(0).ip() == "10.88.0.5");
  CHECK(st.hostip() == "192.168.1.2");
  CHECK(st.starttime().seconds() == 1714557600);

  const auto* init = condition(st, "Initialized");
  REQUIRE(init);
  CHECK(init->status() == "False");
  CHECK(init->reason() == "ContainersNotInitialized");
  CHECK(init->message() == "containers with incomplete status: [i2]");
  const auto* ready = condition(st, "Ready");
  CHECK(ready->reason() == "ContainersNotReady");
  CHECK(ready->message() == "containers with unready status: [app]");
  std::vector<std::string> order;
  for (const auto& c : st.conditions())
    order.push_back(c.type());
  CHECK(order == std::vector<std::string>{"Initialized", "Ready", "ContainersReady", "PodScheduled"});
}

TEST_CASE("pod_status: a running container's state, restarts and started flag", "[pod]") {
  auto spec = make_spec();
  auto app = running("app");
  app.restart_count = 2;
  app.last = exited(1, "Error");
  app.started = false;  // startup probe has not passed yet: neither started nor ready
  auto st = pod::compute_pod_status(spec, observe({}, {app}), {}, now);
  const auto& s = st.containerstatuses(0);
  CHECK(s.state().running().startedat().seconds() == 1714557600 - 10);
  CHECK(s.laststate().terminated().exitcode() == 1);
  CHECK(s.restartcount() == 2);
  CHECK(s.containerid() == "containerd://c-1");
  CHECK(s.imageid() == "sha256:abc");
  CHECK_FALSE(s.started());
  CHECK_FALSE(s.ready());
  CHECK(st.phase() == "Running");
}

TEST_CASE("pod_status: lastTransitionTime and startTime are kept while unchanged", "[pod]") {
  auto spec = make_spec();
  auto first = pod::compute_pod_status(spec, observe({}, {running("app", false)}), {}, ago(100));
  CHECK(condition(first, "Ready")->lasttransitiontime().seconds() == 1714557600 - 100);

  // Same readiness 50 s later: times kept. Then ready: Ready and ContainersReady move, others stay.
  auto second = pod::compute_pod_status(spec, observe({}, {running("app", false)}), first, ago(50));
  CHECK(condition(second, "Ready")->lasttransitiontime().seconds() == 1714557600 - 100);
  auto third = pod::compute_pod_status(spec, observe({}, {running("app", true)}), second, now);
  CHECK(condition(third, "Ready")->status() == "True");
  CHECK(condition(third, "Ready")->lasttransitiontime().seconds() == 1714557600);
  CHECK(condition(third, "ContainersReady")->lasttransitiontime().seconds() == 1714557600);
  CHECK(condition(third, "Initialized")->lasttransitiontime().seconds() == 1714557600 - 100);
  CHECK(condition(third, "PodScheduled")->lasttransitiontime().seconds() == 1714557600 - 100);
  CHECK(third.starttime().seconds() == 1714557600 - 100);
}

TEST_CASE("pod_status: a terminal phase is never left", "[pod]") {
  auto spec = make_spec({{"restartPolicy", "Never"}});
  auto done = pod::compute_pod_status(spec, observe({}, {terminated("app", 0)}), {}, ago(10));
  REQUIRE(done.phase() == "Succeeded");
  CHECK(condition(done, "Ready")->reason() == "PodCompleted");
  CHECK(condition(done, "Initialized")->reason() == "PodCompleted");
  // The agent restarts and has no observation any more: the phase stays Succeeded.
  auto later = pod::compute_pod_status(spec, {}, done, now);
  CHECK(later.phase() == "Succeeded");
}
