#include <catch2/catch.hpp>

#include "actors/api/table.hpp"
#include "config/json_codec.hpp"
#include "config/kinds.hpp"
#include "proto/core_v1.pb.h"

using nlohmann::json;
namespace api = troupe::api;
namespace config = troupe::config;

namespace {

// 2024-05-01T10:00:00Z
const config::timestamp now{1714557600, 0};

troupe::core::v1::Pod make_pod(const json& patch) {
  json pod = {{"metadata", {{"name", "web-0"}, {"namespace", "s"}, {"creationTimestamp", "2024-05-01T09:59:43Z"}}},
              {"spec", {{"containers", json::array({{{"name", "app"}, {"image", "nginx"}}})}}},
              {"status", {{"phase", "Pending"}}}};
  pod.merge_patch(patch);
  troupe::core::v1::Pod out;
  auto report = config::json_to_message(pod, out, config::decode_mode::strict);
  INFO(config::to_string(report.errors));
  REQUIRE(report.ok());
  return out;
}

json running(bool ready, int restarts = 0) {
  return {{"name", "app"}, {"ready", ready}, {"restartCount", restarts}, {"image", "nginx"}, {"imageID", ""},
          {"state", {{"running", {{"startedAt", "2024-05-01T09:59:50Z"}}}}}};
}

json waiting(const std::string& name, const std::string& reason, int restarts = 0) {
  return {{"name", name}, {"ready", false}, {"restartCount", restarts}, {"image", "x"}, {"imageID", ""},
          {"state", {{"waiting", {{"reason", reason}}}}}};
}

json terminated(const std::string& name, int exit_code, const std::string& reason, int signal = 0) {
  json t = {{"exitCode", exit_code}};
  if (!reason.empty())
    t["reason"] = reason;
  if (signal)
    t["signal"] = signal;
  return {{"name", name}, {"ready", false}, {"restartCount", 0}, {"image", "x"}, {"imageID", ""},
          {"state", {{"terminated", t}}}};
}

const config::kind_info& pod_kind() { return *config::find_kind("v1", "Pod"); }

} // namespace

TEST_CASE("pod STATUS, READY and RESTARTS as printPod computes them", "[unit][api][table]") {
  json two_inits = json::array({{{"name", "i1"}, {"image", "x"}}, {{"name", "i2"}, {"image", "x"}}});
  json ready_cond = json::array({{{"type", "Ready"}, {"status", "True"}}});
  struct pod_case {
    std::string name;
    json patch;
    std::string status;
    std::string ready;
    std::string restarts;
  };
  const std::vector<pod_case> cases{
      {"pending, no statuses", json::object(), "Pending", "0/1", "0"},
      {"container creating", {{"status", {{"containerStatuses", {waiting("app", "ContainerCreating")}}}}},
       "ContainerCreating", "0/1", "0"},
      {"running and ready", {{"status", {{"phase", "Running"}, {"containerStatuses", {running(true)}}}}}, "Running", "1/1", "0"},
      {"running, not ready", {{"status", {{"phase", "Running"}, {"containerStatuses", {running(false)}}}}}, "Running", "0/1", "0"},
      {"completed", {{"status", {{"phase", "Succeeded"}, {"containerStatuses", {terminated("app", 0, "Completed")}}}}},
       "Completed", "0/1", "0"},
      {"error", {{"status", {{"phase", "Failed"}, {"containerStatuses", {terminated("app", 1, "Error")}}}}}, "Error", "0/1", "0"},
      {"OOMKilled", {{"status", {{"phase", "Running"}, {"containerStatuses", {terminated("app", 137, "OOMKilled")}}}}},
       "OOMKilled", "0/1", "0"},
      {"exit code without reason", {{"status", {{"phase", "Failed"}, {"containerStatuses", {terminated("app", 3, "")}}}}},
       "ExitCode:3", "0/1", "0"},
      {"signal without reason", {{"status", {{"phase", "Failed"}, {"containerStatuses", {terminated("app", 0, "", 9)}}}}},
       "Signal:9", "0/1", "0"},
      {"crash loop", {{"status", {{"phase", "Running"}, {"containerStatuses", {waiting("app", "CrashLoopBackOff", 4)}}}}},
       "CrashLoopBackOff", "0/1", "4"},
      {"status.reason wins over phase", {{"status", {{"phase", "Failed"}, {"reason", "Evicted"}}}}, "Evicted", "0/1", "0"},
      {"scheduling gated",
       {{"status", {{"conditions", {{{"type", "PodScheduled"}, {"status", "False"}, {"reason", "SchedulingGated"}}}}}}},
       "SchedulingGated", "0/1", "0"},
      {"init 0 of 2",
       {{"spec", {{"initContainers", two_inits}}},
        {"status", {{"initContainerStatuses", {waiting("i1", "PodInitializing"), waiting("i2", "PodInitializing")}}}}},
       "Init:0/2", "0/1", "0"},
      {"init 1 of 2",
       {{"spec", {{"initContainers", two_inits}}},
        {"status", {{"initContainerStatuses", {terminated("i1", 0, "Completed"), waiting("i2", "")}}}}},
       "Init:1/2", "0/1", "0"},
      {"init error",
       {{"spec", {{"initContainers", two_inits}}},
        {"status", {{"initContainerStatuses", {terminated("i1", 1, "Error"), waiting("i2", "")}}}}},
       "Init:Error", "0/1", "0"},
      {"init exit code",
       {{"spec", {{"initContainers", two_inits}}},
        {"status", {{"initContainerStatuses", {terminated("i1", 2, ""), waiting("i2", "")}}}}},
       "Init:ExitCode:2", "0/1", "0"},
      {"init crash loop",
       {{"spec", {{"initContainers", two_inits}}},
        {"status", {{"initContainerStatuses", {waiting("i1", "CrashLoopBackOff", 3), waiting("i2", "")}}}}},
       "Init:CrashLoopBackOff", "0/1", "3"},
      {"terminating",
       {{"metadata", {{"deletionTimestamp", "2024-05-01T10:00:30Z"}}},
        {"status", {{"phase", "Running"}, {"containerStatuses", {running(true)}}}}},
       "Terminating", "1/1", "0"},
      {"deleted but already succeeded",
       {{"metadata", {{"deletionTimestamp", "2024-05-01T10:00:30Z"}}},
        {"status", {{"phase", "Succeeded"}, {"containerStatuses", {terminated("app", 0, "Completed")}}}}},
       "Completed", "0/1", "0"},
      {"node lost", {{"metadata", {{"deletionTimestamp", "2024-05-01T10:00:30Z"}}},
                     {"status", {{"phase", "Running"}, {"reason", "NodeLost"}}}},
       "Unknown", "0/1", "0"},
      {"completed beside running and ready",
       {{"spec", {{"containers", json::array({{{"name", "a"}, {"image", "x"}}, {{"name", "app"}, {"image", "x"}}})}}},
        {"status", {{"phase", "Running"}, {"conditions", ready_cond},
                    {"containerStatuses", {terminated("a", 0, "Completed"), running(true)}}}}},
       "Running", "1/2", "0"},
      {"completed beside running, pod not ready",
       {{"spec", {{"containers", json::array({{{"name", "a"}, {"image", "x"}}, {{"name", "app"}, {"image", "x"}}})}}},
        {"status", {{"phase", "Running"}, {"containerStatuses", {terminated("a", 0, "Completed"), running(true)}}}}},
       "NotReady", "1/2", "0"},
      {"sidecar counts as a container",
       {{"spec", {{"initContainers", json::array({{{"name", "side"}, {"image", "x"}, {"restartPolicy", "Always"}}})}}},
        {"status", {{"phase", "Running"}, {"conditions", json::array({{{"type", "Initialized"}, {"status", "True"}}})},
                    {"initContainerStatuses", {json{{"name", "side"}, {"ready", true}, {"started", true}, {"restartCount", 0},
                                                    {"image", "x"}, {"imageID", ""}, {"state", {{"running", json::object()}}}}}},
                    {"containerStatuses", {running(true)}}}}},
       "Running", "2/2", "0"},
      {"restarts with last termination age",
       {{"status", {{"phase", "Running"},
                    {"containerStatuses", {json{{"name", "app"}, {"ready", true}, {"restartCount", 5}, {"image", "x"},
                                                {"imageID", ""}, {"state", {{"running", json::object()}}},
                                                {"lastState", {{"terminated", {{"exitCode", 1}, {"finishedAt", "2024-05-01T09:55:00Z"}}}}}}}}}}},
       "Running", "1/1", "5 (5m ago)"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto pod = make_pod(c.patch);
      json cells = api::table_cells(pod_kind(), pod, now);
      INFO(cells.dump());
      REQUIRE(cells.size() == 9);
      CHECK(cells[0] == "web-0");
      CHECK(cells[1] == c.ready);
      CHECK(cells[2] == c.status);
      CHECK(cells[3] == c.restarts);
      CHECK(cells[4] == "17s");
    }
  }
}

TEST_CASE("pod wide cells", "[unit][api][table]") {
  struct wide_case { std::string name; json patch; std::vector<std::string> expected; };
  const std::vector<wide_case> cases{
      {"unscheduled", json::object(), {"<none>", "<none>", "<none>", "<none>"}},
      {"scheduled with IPs",
       {{"spec", {{"nodeName", "node2"}}}, {"status", {{"podIP", "10.0.0.9"}, {"podIPs", {{{"ip", "10.244.1.143"}}}}}}},
       {"10.244.1.143", "node2", "<none>", "<none>"}},
      {"podIP only", {{"status", {{"podIP", "10.0.0.9"}}}}, {"10.0.0.9", "<none>", "<none>", "<none>"}},
      {"nominated", {{"status", {{"nominatedNodeName", "node3"}}}}, {"<none>", "<none>", "node3", "<none>"}},
      {"readiness gates",
       {{"spec", {{"readinessGates", {{{"conditionType", "a"}}, {{"conditionType", "b"}}}}}},
        {"status", {{"conditions", {{{"type", "a"}, {"status", "True"}}, {{"type", "b"}, {"status", "False"}}}}}}},
       {"<none>", "<none>", "<none>", "1/2"}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      json cells = api::table_cells(pod_kind(), make_pod(c.patch), now);
      INFO(cells.dump());
      for (size_t i = 0; i < 4; ++i)
        CHECK(cells[5 + i] == c.expected[i]);
    }
  }
}

TEST_CASE("pod tables: columns, row objects, resourceVersion", "[unit][api][table]") {
  auto pod = make_pod({{"metadata", {{"labels", {{"app", "web"}}}, {"resourceVersion", "1013"}, {"uid", "u1"}}}});
  auto other = make_pod({{"metadata", {{"name", "web-1"}}}});
  api::table_options o;
  o.resource_version = "1017";
  json t = api::make_table(pod_kind(), {&pod, &other}, o, now);
  INFO(t.dump());
  CHECK(t["kind"] == "Table");
  CHECK(t["apiVersion"] == "meta.k8s.io/v1");
  CHECK(t["metadata"] == json({{"resourceVersion", "1017"}}));
  std::vector<std::string> names;
  std::vector<int> priorities;
  for (const auto& c : t["columnDefinitions"]) {
    names.push_back(c["name"]);
    priorities.push_back(c["priority"]);
    CHECK(c.contains("description"));
    CHECK(c.contains("type"));
  }
  CHECK(names == std::vector<std::string>{"Name", "Ready", "Status", "Restarts", "Age", "IP", "Node",
                                          "Nominated Node", "Readiness Gates"});
  CHECK(priorities == std::vector<int>{0, 0, 0, 0, 0, 1, 1, 1, 1});
  CHECK(t["columnDefinitions"][0]["format"] == "name");
  REQUIRE(t["rows"].size() == 2);
  const json& obj = t["rows"][0]["object"];
  CHECK(obj["kind"] == "PartialObjectMetadata");
  CHECK(obj["apiVersion"] == "meta.k8s.io/v1");
  CHECK(obj["metadata"]["labels"] == json({{"app", "web"}}));
  CHECK(obj["metadata"]["name"] == "web-0");
  CHECK(obj["metadata"]["namespace"] == "s");
  CHECK_FALSE(obj.contains("spec"));
  CHECK(t["rows"][1]["cells"][0] == "web-1");

  o.include = api::include_object::object;
  json full = api::make_table(pod_kind(), {&pod}, o, now);
  CHECK(full["rows"][0]["object"]["kind"] == "Pod");
  CHECK(full["rows"][0]["object"]["apiVersion"] == "v1");
  CHECK(full["rows"][0]["object"]["spec"]["containers"][0]["image"] == "nginx");

  o.include = api::include_object::none;
  o.api_version = "meta.k8s.io/v1beta1";
  json bare = api::make_table(pod_kind(), {&pod}, o, now);
  CHECK_FALSE(bare["rows"][0].contains("object"));
  CHECK(bare["apiVersion"] == "meta.k8s.io/v1beta1");

  json empty = api::make_table(pod_kind(), {}, api::table_options{}, now);
  CHECK(empty["rows"] == json::array());
  CHECK_FALSE(empty["metadata"].contains("resourceVersion"));
}

TEST_CASE("pod rows of finished pods carry the Completed condition", "[unit][api][table]") {
  auto done = make_pod({{"status", {{"phase", "Succeeded"}}}});
  json t = api::make_table(pod_kind(), {&done}, {}, now);
  CHECK(t["rows"][0]["conditions"][0]["type"] == "Completed");
  CHECK(t["rows"][0]["conditions"][0]["status"] == "True");
  auto live = make_pod(json::object());
  CHECK_FALSE(api::make_table(pod_kind(), {&live}, {}, now)["rows"][0].contains("conditions"));
}

TEST_CASE("watch events carry one-row Tables", "[unit][api][table]") {
  auto pod = make_pod({{"metadata", {{"resourceVersion", "1019"}}}});
  api::table_options o;
  o.include_columns = false;
  json e = api::make_table_row_event("MODIFIED", pod_kind(), pod, o, now);
  CHECK(e["type"] == "MODIFIED");
  CHECK(e["object"]["kind"] == "Table");
  CHECK(e["object"]["metadata"]["resourceVersion"] == "1019");
  CHECK(e["object"]["columnDefinitions"] == json::array());
  REQUIRE(e["object"]["rows"].size() == 1);
  CHECK(e["object"]["rows"][0]["object"]["kind"] == "PartialObjectMetadata");
  o.include_columns = true;
  CHECK(api::make_table_row_event("ADDED", pod_kind(), pod, o, now)["object"]["columnDefinitions"].size() == 9);
}

TEST_CASE("includeObject values", "[unit][api][table]") {
  CHECK(api::parse_include_object("") == api::include_object::metadata);
  CHECK(api::parse_include_object("Metadata") == api::include_object::metadata);
  CHECK(api::parse_include_object("Object") == api::include_object::object);
  CHECK(api::parse_include_object("None") == api::include_object::none);
  CHECK_FALSE(api::parse_include_object("object"));
}
