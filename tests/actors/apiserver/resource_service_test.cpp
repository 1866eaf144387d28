// resource_service against the memory store: the REST semantics kubectl relies on, without HTTP.
#include <catch2/catch.hpp>

#include "actors/apiserver/resource_service.hpp"
#include "config/object_codec.hpp"
#include "proto/apps_v1.pb.h"
#include "proto/core_v1.pb.h"

using namespace troupe;
using namespace troupe::apiserver;
using nlohmann::json;

namespace {

struct fixture {
  std::unique_ptr<store::object_store> store = store::make_memory_store();
  config::timestamp now{1795737600, 0};
  resource_service svc{*store, [this] { return now; }};

  static resource_target target(const char* api_version, const char* kind, std::string ns = {},
                                std::string name = {}, std::string sub = {}) {
    resource_target t;
    t.kind = config::find_kind(api_version, kind);
    REQUIRE(t.kind != nullptr);
    t.ns = std::move(ns);
    t.name = std::move(name);
    t.subresource = std::move(sub);
    return t;
  }

  api_response create(const char* api_version, const char* kind, const std::string& ns,
                      const json& obj) {
    return svc.create(target(api_version, kind, ns), {"application/json", obj.dump()});
  }

  void namespace_(const std::string& name) {
    auto r = create("v1", "Namespace", "", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", name}}}});
    REQUIRE(r.code == 201);
  }
};

json pod(const std::string& name, const std::string& app) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", name}, {"labels", {{"app", app}}}}},
          {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox:1.36"}}}}}}};
}

json deployment(const std::string& name) {
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", {{"name", name}}},
          {"spec",
           {{"replicas", 2},
            {"selector", {{"matchLabels", {{"app", name}}}}},
            {"template",
             {{"metadata", {{"labels", {{"app", name}}}}},
              {"spec", {{"containers", {{{"name", "web"}, {"image", "nginx:1.17.9"}}}}}}}}}}};
}

} // namespace

TEST_CASE("create defaults, stores and answers 201, conflicts and missing namespaces fail as Kubernetes", "[unit][apiserver]") {
  fixture f;
  f.namespace_("demo");
  auto r = f.create("v1", "Pod", "demo", pod("web-0", "web"));
  INFO(r.body.dump());
  REQUIRE(r.code == 201);
  CHECK(r.body["metadata"]["namespace"] == "demo");
  CHECK(r.body["metadata"]["uid"].get<std::string>().size() == 36);
  CHECK(r.body["metadata"]["resourceVersion"] != "");
  CHECK(r.body["spec"]["restartPolicy"] == "Always");
  CHECK(r.body["status"]["phase"] == "Pending");
  CHECK(r.body["status"]["qosClass"] == "BestEffort");

  auto dup = f.create("v1", "Pod", "demo", pod("web-0", "web"));
  CHECK(dup.code == 409);
  CHECK(dup.body["reason"] == "AlreadyExists");
  CHECK(dup.body["message"] == "pods \"web-0\" already exists");

  auto nons = f.create("v1", "Pod", "nowhere", pod("p", "web"));
  CHECK(nons.code == 404);
  CHECK(nons.body["message"] == "namespaces \"nowhere\" not found");

  auto mismatch = f.create("v1", "Pod", "demo", [] { auto p = pod("p", "x"); p["metadata"]["namespace"] = "other"; return p; }());
  CHECK(mismatch.code == 400);
}

TEST_CASE("strict decoding and validation errors come back as 400 and 422", "[unit][apiserver]") {
  fixture f;
  f.namespace_("demo");
  auto p = pod("p", "x");
  p["spec"]["containers"][0]["imagePullPolicee"] = "Always";
  auto r = f.create("v1", "Pod", "demo", p);
  CHECK(r.code == 400);
  CHECK(r.body["reason"] == "BadRequest");
  CHECK(r.body["message"] == "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].imagePullPolicee\"");

  auto d = deployment("web");
  d["spec"]["strategy"] = {{"rollingUpdate", {{"maxSurge", 0}, {"maxUnavailable", 0}}}};
  auto inv = f.create("apps/v1", "Deployment", "demo", d);
  CHECK(inv.code == 422);
  CHECK(inv.body["reason"] == "Invalid");
  CHECK(inv.body["message"].get<std::string>().find("Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable") == 0);
}

TEST_CASE("get, list with selectors, and resourceVersion on the list", "[unit][apiserver]") {
  fixture f;
  f.namespace_("demo");
  REQUIRE(f.create("v1", "Pod", "demo", pod("a", "web")).code == 201);
  REQUIRE(f.create("v1", "Pod", "demo", pod("b", "db")).code == 201);
  auto got = f.svc.get(fixture::target("v1", "Pod", "demo", "a"));
  CHECK(got.code == 200);
  CHECK(got.body["kind"] == "Pod");
  auto missing = f.svc.get(fixture::target("v1", "Pod", "demo", "zz"));
  CHECK(missing.code == 404);
  CHECK(missing.body["message"] == "pods \"zz\" not found");

  list_input in;
  in.label_selector = "app=web";
  auto l = f.svc.list(fixture::target("v1", "Pod", "demo"), in);
  REQUIRE(l.code == 200);
  CHECK(l.body["kind"] == "PodList");
  REQUIRE(l.body["items"].size() == 1);
  CHECK(l.body["items"][0]["metadata"]["name"] == "a");
  CHECK(std::stoll(l.body["metadata"]["resourceVersion"].get<std::string>()) >= 3);

  list_input byname;
  byname.field_selector = "metadata.name=b";
  CHECK(f.svc.list(fixture::target("v1", "Pod", "demo"), byname).body["items"][0]["metadata"]["name"] == "b");
  list_input bad;
  bad.field_selector = "spec.image=x";
  CHECK(f.svc.list(fixture::target("v1", "Pod", "demo"), bad).code == 400);
}

TEST_CASE("patches: kubectl set image (strategic), label (merge), rollout undo (JSON patch)", "[unit][apiserver]") {
  fixture f;
  f.namespace_("demo");
  REQUIRE(f.create("apps/v1", "Deployment", "demo", deployment("web")).code == 201);
  auto t = fixture::target("apps/v1", "Deployment", "demo", "web");
  auto before = f.svc.get(t).body;
  auto r = f.svc.patch(t, {"application/strategic-merge-patch+json",
                           R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],"containers":[{"image":"nginx:1.17.8","name":"web"}]}}}})"});
  INFO(r.body.dump());
  REQUIRE(r.code == 200);
  CHECK(r.body["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.17.8");
  CHECK(r.body["metadata"]["generation"] == 2);
  r = f.svc.patch(t, {"application/merge-patch+json", R"({"metadata":{"labels":{"tier":"fe"}}})"});
  CHECK(r.body["metadata"]["labels"]["tier"] == "fe");
  CHECK(r.body["metadata"]["generation"] == 2); // metadata only
  json undo = json::array({{{"op", "replace"}, {"path", "/spec/template"}, {"value", before["spec"]["template"]}}});
  r = f.svc.patch(t, {"application/json-patch+json", undo.dump()});
  CHECK(r.body["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.17.9");
  json bad = json::array({{{"op", "replace"}, {"path", "/metadata/nothing"}, {"value", 1}}});
  CHECK(f.svc.patch(t, {"application/json-patch+json", bad.dump()}).code == 422);
  CHECK(f.svc.patch(t, {"text/plain", "{}"}).code == 415);
}

TEST_CASE("scale subresource reads and writes spec.replicas", "[unit][apiserver]") {
  fixture f;
  f.namespace_("demo");
  REQUIRE(f.create("apps/v1", "Deployment", "demo", deployment("web")).code == 201);
  auto scale = fixture::target("apps/v1", "Deployment", "demo", "web", "scale");
  auto s = f.svc.get(scale);
  REQUIRE(s.code == 200);
  CHECK(s.body["kind"] == "Scale");
  CHECK(s.body["spec"]["replicas"] == 2);
  CHECK(s.body["status"]["selector"] == "app=web");
  auto r = f.svc.patch(scale, {"application/merge-patch+json", R"({"spec":{"replicas":6}})"});
  REQUIRE(r.code == 200);
  CHECK(r.body["spec"]["replicas"] == 6);
  CHECK(f.svc.get(fixture::target("apps/v1", "Deployment", "demo", "web")).body["spec"]["replicas"] == 6);
}

TEST_CASE("status subresource: writes to the object keep status, writes to /status change only status", "[unit][apiserver]") {
  fixture f;
  f.namespace_("demo");
  REQUIRE(f.create("apps/v1", "Deployment", "demo", deployment("web")).code == 201);
  auto t = fixture::target("apps/v1", "Deployment", "demo", "web");
  auto st = fixture::target("apps/v1", "Deployment", "demo", "web", "status");
  auto r = f.svc.patch(st, {"application/merge-patch+json", R"({"status":{"replicas":2,"readyReplicas":2},"spec":{"replicas":9}})"});
  REQUIRE(r.code == 200);
  CHECK(r.body["status"]["readyReplicas"] == 2);
  CHECK(r.body["spec"]["replicas"] == 2);
  r = f.svc.patch(t, {"application/merge-patch+json", R"({"status":{"readyReplicas":0}})"});
  CHECK(r.body["status"]["readyReplicas"] == 2);
}

TEST_CASE("HPA created as autoscaling/v1 is served as v2 and as v1", "[unit][apiserver]") {
  fixture f;
  f.namespace_("demo");
  json hpa = {{"apiVersion", "autoscaling/v1"},
              {"kind", "HorizontalPodAutoscaler"},
              {"metadata", {{"name", "web"}}},
              {"spec",
               {{"scaleTargetRef", {{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"}}},
                {"maxReplicas", 5},
                {"targetCPUUtilizationPercentage", 40}}}};
  auto r = f.create("autoscaling/v1", "HorizontalPodAutoscaler", "demo", hpa);
  INFO(r.body.dump());
  REQUIRE(r.code == 201);
  CHECK(r.body["apiVersion"] == "autoscaling/v1");
  CHECK(r.body["spec"]["targetCPUUtilizationPercentage"] == 40);
  auto v2 = f.svc.get(fixture::target("autoscaling/v2", "HorizontalPodAutoscaler", "demo", "web"));
  CHECK(v2.body["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 40);
  CHECK(v2.body["spec"]["minReplicas"] == 1);
}

TEST_CASE("delete: immediate for unscheduled pods, graceful on a node, namespaces go Terminating", "[unit][apiserver]") {
  fixture f;
  f.namespace_("demo");
  REQUIRE(f.create("v1", "Pod", "demo", pod("a", "web")).code == 201);
  auto bound = pod("b", "web");
  bound["spec"]["nodeName"] = "node1";
  REQUIRE(f.create("v1", "Pod", "demo", bound).code == 201);
  delete_input bg;
  bg.body = R"({"propagationPolicy":"Background"})";
  bg.content_type = "application/json";
  CHECK(f.svc.remove(fixture::target("v1", "Pod", "demo", "a"), bg).code == 200);
  CHECK(f.svc.get(fixture::target("v1", "Pod", "demo", "a")).code == 404);
  auto r = f.svc.remove(fixture::target("v1", "Pod", "demo", "b"), bg);
  CHECK(r.code == 200);
  auto b = f.svc.get(fixture::target("v1", "Pod", "demo", "b"));
  CHECK(b.code == 200);
  CHECK(b.body["metadata"].contains("deletionTimestamp"));
  CHECK(b.body["metadata"]["deletionGracePeriodSeconds"] == 30);

  auto ns = f.svc.remove(fixture::target("v1", "Namespace", "", "demo"), bg);
  CHECK(ns.code == 200);
  CHECK(ns.body["status"]["phase"] == "Terminating");
  auto refused = f.create("v1", "Pod", "demo", pod("c", "web"));
  CHECK(refused.code == 403);
  CHECK(refused.body["message"].get<std::string>().find("because it is being terminated") != std::string::npos);
}

TEST_CASE("watch from a list's resourceVersion sees later changes in order", "[unit][apiserver]") {
  fixture f;
  f.namespace_("demo");
  auto l = f.svc.list(fixture::target("v1", "Pod", "demo"), {});
  list_input in;
  in.resource_version = l.body["metadata"]["resourceVersion"];
  auto w = f.svc.watch(fixture::target("v1", "Pod", "demo"), in, false);
  REQUIRE(std::holds_alternative<watch_stream>(w));
  auto& s = std::get<watch_stream>(w);
  REQUIRE(f.create("v1", "Pod", "demo", pod("a", "web")).code == 201);
  REQUIRE(f.svc.patch(fixture::target("v1", "Pod", "demo", "a"), {"application/merge-patch+json", R"({"metadata":{"labels":{"x":"y"}}})"}).code == 200);
  REQUIRE(f.svc.remove(fixture::target("v1", "Pod", "demo", "a"), {}).code == 200);
  std::vector<std::string> types;
  for (int i = 0; i < 50 && types.size() < 3; ++i) {
    s.watcher->wait_for(std::chrono::milliseconds(20));
    for (auto& e : s.watcher->poll())
      types.push_back(s.to_json(e)["type"]);
  }
  CHECK(types == std::vector<std::string>{"ADDED", "MODIFIED", "DELETED"});
}

TEST_CASE("deletecollection deletes what the selectors pick, each as a DELETE would, and answers the List", "[unit][apiserver][controllers]") {
  fixture f;
  f.namespace_("demo");
  f.namespace_("other");
  REQUIRE(f.create("v1", "Pod", "demo", pod("a", "web")).code == 201);
  REQUIRE(f.create("v1", "Pod", "demo", pod("b", "db")).code == 201);
  auto bound = pod("c", "web");
  bound["spec"]["nodeName"] = "node1";
  REQUIRE(f.create("v1", "Pod", "demo", bound).code == 201);
  REQUIRE(f.create("v1", "Pod", "other", pod("a", "web")).code == 201);

  list_input web;
  web.label_selector = "app=web";
  auto r = f.svc.remove_collection(fixture::target("v1", "Pod", "demo"), {}, web);
  INFO(r.body.dump());
  REQUIRE(r.code == 200);
  CHECK(r.body["kind"] == "PodList");
  CHECK(r.body["apiVersion"] == "v1");
  REQUIRE(r.body["items"].size() == 2);
  CHECK(r.body["items"][0]["metadata"]["name"] == "a");
  CHECK(r.body["items"][1]["metadata"]["name"] == "c");
  // The unbound pod is gone at once; the bound one waits for its node (grace 30).
  CHECK(f.svc.get(fixture::target("v1", "Pod", "demo", "a")).code == 404);
  auto c = f.svc.get(fixture::target("v1", "Pod", "demo", "c"));
  CHECK(c.body["metadata"]["deletionGracePeriodSeconds"] == 30);
  // Not selected, or in another namespace: untouched.
  CHECK(f.svc.get(fixture::target("v1", "Pod", "demo", "b")).code == 200);
  CHECK(f.svc.get(fixture::target("v1", "Pod", "other", "a")).code == 200);

  // Everything (kubectl delete pods --all sends no selector), with Orphan for the rest.
  delete_input orphan;
  orphan.propagation_policy = "Orphan";
  REQUIRE(f.create("apps/v1", "Deployment", "demo", deployment("web")).code == 201);
  auto d = f.svc.remove_collection(fixture::target("apps/v1", "Deployment", "demo"), orphan, {});
  REQUIRE(d.code == 200);
  REQUIRE(d.body["items"].size() == 1);
  CHECK(d.body["items"][0]["metadata"]["finalizers"] == json::array({"orphan"}));

  list_input bad;
  bad.field_selector = "spec.nope=x";
  CHECK(f.svc.remove_collection(fixture::target("v1", "Pod", "demo"), {}, bad).code == 400);
  delete_input wrong;
  wrong.propagation_policy = "Sideways";
  CHECK(f.svc.remove_collection(fixture::target("v1", "Pod", "demo"), wrong, {}).code == 422);
}

TEST_CASE("a Node created with a status keeps it, a Deployment's status is dropped (PrepareForCreate)",
          "[apiserver]") {
  fixture f;
  auto r = f.create("v1", "Node", "",
                    {{"apiVersion", "v1"},
                     {"kind", "Node"},
                     {"metadata", {{"name", "hollow-1"}}},
                     {"status", {{"allocatable", {{"cpu", "4"}, {"pods", "110"}}}}}});
  REQUIRE(r.code == 201);
  auto stored = f.store->get(*config::find_kind("v1", "Node"), "", "hollow-1");
  REQUIRE(stored.ok());
  const auto& node = dynamic_cast<const core::v1::Node&>(*stored->object);
  CHECK(node.status().allocatable().at("cpu").string() == "4");
  CHECK(node.status().allocatable().at("pods").string() == "110");

  f.namespace_("demo");
  auto d = deployment("web");
  d["status"] = {{"replicas", 7}};
  REQUIRE(f.create("apps/v1", "Deployment", "demo", d).code == 201);
  auto dep = f.store->get(*config::find_kind("apps/v1", "Deployment"), "demo", "web");
  REQUIRE(dep.ok());
  CHECK(dynamic_cast<const troupe::apps::v1::Deployment&>(*dep->object).status().replicas() == 0);
}

TEST_CASE("create merges a pod's matchLabelKeys into its anti-affinity selector, an update does not again",
          "[unit][apiserver]") {
  fixture f;
  f.namespace_("demo");
  auto p = pod("web-0", "web");
  p["spec"]["affinity"] = json::parse(R"({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
      [{"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"tier": "front"}},
        "matchLabelKeys": ["app"]}]}})");
  auto r = f.create("v1", "Pod", "demo", p);
  INFO(r.body.dump());
  REQUIRE(r.code == 201);
  const auto& selector = r.body["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]["labelSelector"];
  CHECK(selector["matchExpressions"] == json::parse(R"([{"key": "app", "operator": "In", "values": ["web"]}])"));
  CHECK(selector["matchLabels"]["tier"] == "front");
  // Relabelled by an update: the selector stays as created (Kubernetes merges on create only).
  auto stored = r.body;
  stored["metadata"]["labels"]["app"] = "api";
  auto u = f.svc.update(fixture::target("v1", "Pod", "demo", "web-0"), {"application/json", stored.dump()});
  INFO(u.body.dump());
  REQUIRE(u.code == 200);
  CHECK(u.body["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
              ["labelSelector"]["matchExpressions"] ==
        json::parse(R"([{"key": "app", "operator": "In", "values": ["web"]}])"));
}
