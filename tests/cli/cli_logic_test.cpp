// Pure decisions of the CLI verbs: taints, label changes, rollout history/status/undo, apply's
// three-way patch, wait conditions, selectors.
#include <catch2/catch.hpp>

#include "cli/label_changes.hpp"
#include "cli/rollout_history.hpp"
#include "cli/selector_text.hpp"
#include "cli/taint_spec.hpp"
#include "cli/three_way_patch.hpp"
#include "cli/wait_condition.hpp"

using namespace troupe::cli;
using nlohmann::json;

TEST_CASE("taint specs parse as kubectl's", "[unit][cli]") {
  auto a = parse_taints({"dedicated=gpu:NoSchedule", "spot:PreferNoSchedule", "old:NoExecute-", "gone-"});
  REQUIRE(a.error.empty());
  REQUIRE(a.add.size() == 2);
  CHECK(a.add[0] == taint{"dedicated", "gpu", "NoSchedule"});
  CHECK(a.add[1] == taint{"spot", "", "PreferNoSchedule"});
  REQUIRE(a.remove.size() == 2);
  CHECK(a.remove[1] == taint{"gone", "", ""});
  struct tc {
    std::string spec, error;
  };
  std::vector<tc> bad = {
    {"novalue", "invalid taint spec: novalue"},
    {"k=v:Sometimes", "invalid taint effect: Sometimes, unsupported taint effect"},
    {"=v:NoSchedule", "invalid taint spec: =v:NoSchedule"},
    {"k:Never-", "invalid taint effect: Never, unsupported taint effect"},
  };
  for (const auto& c : bad) {
    INFO(c.spec);
    CHECK(parse_taints({c.spec}).error == c.error);
  }
}

TEST_CASE("taint plans: add, overwrite, remove, errors", "[unit][cli]") {
  json current = json::parse(R"([{"key":"dedicated","value":"gpu","effect":"NoSchedule"}])");
  struct tc {
    const char* name;
    std::vector<std::string> specs;
    bool overwrite;
    std::string taints, operation, error;
  };
  std::vector<tc> cases = {
    {"add", {"spot:NoExecute"}, false,
     R"([{"effect":"NoSchedule","key":"dedicated","value":"gpu"},{"effect":"NoExecute","key":"spot"}])", "tainted", ""},
    {"same key and effect without --overwrite", {"dedicated=cpu:NoSchedule"}, false, "", "",
     "node n1 already has dedicated taint(s) with same effect(s) and --overwrite is false"},
    {"overwrite in place", {"dedicated=cpu:NoSchedule"}, true,
     R"([{"effect":"NoSchedule","key":"dedicated","value":"cpu"}])", "tainted", ""},
    {"remove by key", {"dedicated-"}, false, "[]", "untainted", ""},
    {"remove missing", {"nope:NoSchedule-"}, false, "", "", "taint \"nope:NoSchedule\" not found"},
    {"add and remove", {"a:NoSchedule", "dedicated-"}, false, R"([{"effect":"NoSchedule","key":"a"}])", "modified", ""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto p = plan_taints("n1", current, parse_taints(c.specs), c.overwrite);
    CHECK(p.error == c.error);
    if (c.error.empty()) {
      CHECK(p.taints == json::parse(c.taints));
      CHECK(p.operation == c.operation);
    }
  }
}

TEST_CASE("label changes: kubectl's overwrite rule and merge patch", "[unit][cli]") {
  json current = {{"a", "1"}};
  struct tc {
    const char* name;
    std::vector<std::string> args;
    bool overwrite;
    json patch;
    std::string error;
  };
  std::vector<tc> cases = {
    {"new key", {"b=2"}, false, {{"b", "2"}}, ""},
    {"same value", {"a=1"}, false, json::object(), ""},
    {"different value", {"a=2"}, false, json::object(), "'a' already has a value (1), and --overwrite is false"},
    {"different value, overwrite", {"a=2"}, true, {{"a", "2"}}, ""},
    {"remove", {"a-"}, false, {{"a", nullptr}}, ""},
    {"remove missing", {"z-"}, false, json::object(), ""},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto changes = parse_changes(c.args);
    REQUIRE(changes.error.empty());
    auto p = plan_changes(current, changes.value, c.overwrite);
    CHECK(p.error == c.error);
    if (c.error.empty())
      CHECK(p.patch == c.patch);
  }
  CHECK(looks_like_change("a=b"));
  CHECK(looks_like_change("a-"));
  CHECK_FALSE(looks_like_change("pods"));
}

namespace {

json deployment(int64_t generation, json status) {
  return {{"metadata", {{"name", "web"}, {"uid", "d-1"}, {"generation", generation},
                        {"annotations", {{"deployment.kubernetes.io/revision", "3"}, {"keep", "me"}}}}},
          {"spec", {{"replicas", 3}, {"template", {{"metadata", {{"labels", {{"app", "web"}}}}},
                                                   {"spec", {{"containers", {{{"name", "web"}, {"image", "v3"}}}}}}}}}},
          {"status", status}};
}

json replicaset(const std::string& name, const std::string& revision, const std::string& image, const std::string& owner,
                const std::string& cause = "") {
  json rs = {{"metadata", {{"name", name}, {"annotations", {{"deployment.kubernetes.io/revision", revision}}},
                           {"ownerReferences", {{{"controller", true}, {"uid", owner}, {"kind", "Deployment"}}}}}},
             {"spec", {{"template", {{"metadata", {{"labels", {{"app", "web"}, {"pod-template-hash", "h" + revision}}}}},
                                     {"spec", {{"containers", {{{"name", "web"}, {"image", image}}}}}}}}}}};
  if (!cause.empty())
    rs["metadata"]["annotations"]["kubernetes.io/change-cause"] = cause;
  return rs;
}

} // namespace

TEST_CASE("rollout history: only controlled ReplicaSets, by revision", "[unit][cli]") {
  json items = {replicaset("web-1", "1", "v1", "d-1", "kubectl create"), replicaset("web-3", "3", "v3", "d-1"),
                replicaset("other", "2", "v2", "someone-else"), replicaset("web-x", "x", "v9", "d-1")};
  auto h = deployment_history(deployment(1, {}), items);
  REQUIRE(h.size() == 2);
  CHECK(h.begin()->first == 1);
  CHECK(format_history(h) == "REVISION  CHANGE-CAUSE\n1         kubectl create\n3         <none>\n");
  CHECK(format_history({}) == "No rollout history found.");
}

TEST_CASE("rollout status: kubectl's messages from status fields", "[unit][cli]") {
  struct tc {
    const char* name;
    int64_t generation;
    json status;
    std::string message;
    bool done;
  };
  std::vector<tc> cases = {
    {"not observed", 2, {{"observedGeneration", 1}}, "Waiting for deployment spec update to be observed...\n", false},
    {"updating", 1, {{"observedGeneration", 1}, {"updatedReplicas", 1}, {"replicas", 3}},
     "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...\n", false},
    {"old pending", 1, {{"observedGeneration", 1}, {"updatedReplicas", 3}, {"replicas", 5}},
     "Waiting for deployment \"web\" rollout to finish: 2 old replicas are pending termination...\n", false},
    {"unavailable", 1, {{"observedGeneration", 1}, {"updatedReplicas", 3}, {"replicas", 3}, {"availableReplicas", 1}},
     "Waiting for deployment \"web\" rollout to finish: 1 of 3 updated replicas are available...\n", false},
    {"done", 1, {{"observedGeneration", 1}, {"updatedReplicas", 3}, {"replicas", 3}, {"availableReplicas", 3}},
     "deployment \"web\" successfully rolled out\n", true},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto st = deployment_rollout_state(deployment(c.generation, c.status));
    CHECK(st.message == c.message);
    CHECK(st.done == c.done);
  }
  json stuck = {{"observedGeneration", 1}, {"conditions", {{{"type", "Progressing"}, {"reason", "ProgressDeadlineExceeded"}}}}};
  CHECK(deployment_rollout_state(deployment(1, stuck)).error == "deployment \"web\" exceeded its progress deadline");
}

TEST_CASE("rollout undo: chosen revision and kubectl's JSON patch", "[unit][cli]") {
  json d = deployment(1, {});
  std::map<int64_t, json> h = {{1, replicaset("web-1", "1", "v1", "d-1", "first")},
                               {2, replicaset("web-2", "2", "v2", "d-1")},
                               {3, replicaset("web-3", "3", "v3", "d-1")}};
  auto p = plan_undo(d, h, 0); // previous = 2
  REQUIRE(p.error.empty());
  REQUIRE(p.patch.size() == 2);
  CHECK(p.patch[0]["path"] == "/spec/template");
  CHECK(p.patch[0]["value"]["spec"]["containers"][0]["image"] == "v2");
  CHECK_FALSE(p.patch[0]["value"]["metadata"]["labels"].contains("pod-template-hash"));
  CHECK(p.patch[1]["path"] == "/metadata/annotations");
  // the deployment's own revision annotation stays, the RS's annotations come along, others go
  CHECK(p.patch[1]["value"] == json{{"deployment.kubernetes.io/revision", "3"}});

  p = plan_undo(d, h, 1);
  CHECK(p.patch[1]["value"]["kubernetes.io/change-cause"] == "first");
  CHECK(plan_undo(d, h, 3).skipped == "skipped rollback (current template already matches revision 3)");
  CHECK(plan_undo(d, h, 7).error == "unable to find specified revision 7 in history");
  CHECK(plan_undo(d, {{3, h[3]}}, 0).error == "no rollout history found for deployment \"web\"");
  json paused = d;
  paused["spec"]["paused"] = true;
  CHECK(plan_undo(paused, h, 1).error.find("you cannot rollback a paused deployment") == 0);
}

TEST_CASE("apply: three-way strategic merge patch", "[unit][cli]") {
  struct tc {
    const char* name;
    json original, modified, current, patch;
  };
  json live = json::parse(R"({"metadata":{"name":"web","uid":"u"},"spec":{"replicas":1,"paused":false,
      "template":{"spec":{"containers":[{"name":"web","image":"v1","imagePullPolicy":"IfNotPresent"},
                                        {"name":"side","image":"s1"}]}}},"status":{"replicas":1}})");
  json applied = json::parse(R"({"metadata":{"name":"web"},"spec":{"replicas":1,"paused":false,
      "template":{"spec":{"containers":[{"name":"web","image":"v1"},{"name":"side","image":"s1"}]}}}})");
  std::vector<tc> cases = {
    {"unchanged manifest", applied, applied, live, json::object()},
    {"changed scalar", applied, json::parse(R"({"metadata":{"name":"web"},"spec":{"replicas":3,"paused":false,
      "template":{"spec":{"containers":[{"name":"web","image":"v1"},{"name":"side","image":"s1"}]}}}})"),
     live, json::parse(R"({"spec":{"replicas":3}})")},
    {"dropped field is deleted", applied, json::parse(R"({"metadata":{"name":"web"},"spec":{"replicas":1,
      "template":{"spec":{"containers":[{"name":"web","image":"v1"},{"name":"side","image":"s1"}]}}}})"),
     live, json::parse(R"({"spec":{"paused":null}})")},
    {"container image by merge key, dropped container deleted", applied,
     json::parse(R"({"metadata":{"name":"web"},"spec":{"replicas":1,"paused":false,
      "template":{"spec":{"containers":[{"name":"web","image":"v2"}]}}}})"),
     live, json::parse(R"({"spec":{"template":{"spec":{"containers":[{"image":"v2","name":"web"},{"$patch":"delete","name":"side"}]}}}})")},
    {"no last-applied: nothing deleted", nullptr, applied, live, json::object()},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(three_way_patch(c.original, c.modified, c.current) == c.patch);
  }
  json annotated = with_last_applied(applied);
  json recorded = applied;
  recorded["metadata"]["annotations"] = json::object();
  CHECK(annotated["metadata"]["annotations"][last_applied_annotation] == recorded.dump() + "\n");
  CHECK(with_last_applied(annotated) == annotated);
}

TEST_CASE("wait conditions", "[unit][cli]") {
  json pod = json::parse(R"({"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]},
                             "spec":{"containers":[{"image":"a"}]}})");
  struct tc {
    std::string spec;
    bool on_pod, on_gone;
  };
  std::vector<tc> cases = {
    {"delete", false, true}, {"create", true, false}, {"condition=Ready", true, false},
    {"condition=ready=true", true, false}, {"condition=Ready=False", false, false},
    {"condition=Scheduled", false, false}, {"jsonpath={.status.phase}=Running", true, false},
    {"jsonpath='{.spec.containers[0].image}'=a", false, false}, {"jsonpath={.spec.containers[0].image}=a", true, false},
  };
  for (const auto& c : cases) {
    INFO(c.spec);
    auto w = parse_wait_for(c.spec);
    REQUIRE(w.value);
    CHECK(condition_met(*w.value, &pod) == c.on_pod);
    CHECK(condition_met(*w.value, nullptr) == c.on_gone);
  }
  CHECK(parse_wait_for("sometimes").error == "unrecognized condition: \"sometimes\"");
}

TEST_CASE("label selectors as text", "[unit][cli]") {
  CHECK(selector_text(json::parse(R"({"matchLabels":{"b":"2","a":"1"},"matchExpressions":[
      {"key":"t","operator":"In","values":["x","y"]},{"key":"u","operator":"NotIn","values":["z"]},
      {"key":"e","operator":"Exists"},{"key":"d","operator":"DoesNotExist"}]})"))
        == "a=1,b=2,t in (x,y),u notin (z),e,!d");
  CHECK(selector_text(nullptr).empty());
}

#include "cli/jsonpath_template.hpp"

TEST_CASE("jsonpath templates (-o jsonpath=...)", "[unit][cli]") {
  json list = json::parse(R"({"kind":"List","items":[
      {"metadata":{"name":"a","labels":{"app":"x"}},"spec":{"replicas":2}},
      {"metadata":{"name":"b"},"spec":{"replicas":5}}]})");
  struct tc {
    std::string tmpl, want;
  };
  std::vector<tc> cases = {
    {"{.items[*].metadata.name}", "a b"},
    {"{.items[0].spec.replicas}/{.items[-1].spec.replicas}", "2/5"},
    {"{.items[0].metadata.labels}", R"({"app":"x"})"},
    {"{.items[1].metadata.labels}", ""},
    {"{$.kind}{\"\\n\"}", "List\n"},
    {"name={.items[1].metadata.name}", "name=b"},
    // kubectl's filters
    {"{.items[?(@.metadata.name==\"b\")].spec.replicas}", "5"},
    {"{.items[?(@.metadata.name!='b')].metadata.name}", "a"},
    {"{.items[?(@.spec.replicas>2)].metadata.name}", "b"},
    {"{.items[?(@.spec.replicas<=2)].metadata.name}", "a"},
    {"{.items[?(@.metadata.labels.app)].metadata.name}", "a"},
    {"{.items[?(@.metadata.name==\"zz\")].metadata.name}", ""},
  };
  for (const auto& c : cases) {
    INFO(c.tmpl);
    auto r = render_jsonpath(c.tmpl, list);
    CHECK(r.error.empty());
    CHECK(r.text == c.want);
  }
  CHECK(render_jsonpath("{.items", list).error == "error parsing jsonpath {.items, unclosed action");
}
