#include <catch2/catch.hpp>

#include "actors/api/discovery.hpp"

using nlohmann::json;
namespace api = troupe::api;

namespace {

const json* find_by(const json& array, const char* key, const std::string& value) {
  for (const auto& e : array)
    if (e.value(key, "") == value)
      return &e;
  return nullptr;
}

const json* aggregated_resource(const json& list, const std::string& group, const std::string& version,
                                const std::string& resource) {
  for (const auto& item : list["items"]) {
    if (item["metadata"]["name"] != group)
      continue;
    for (const auto& v : item["versions"])
      if (v["version"] == version)
        return find_by(v["resources"], "resource", resource);
  }
  return nullptr;
}

} // namespace

TEST_CASE("/version reports Kubernetes 1.32", "[unit][api][discovery]") {
  auto v = api::version_info();
  CHECK(v["major"] == "1");
  CHECK(v["minor"] == "32");
  CHECK(v["gitVersion"].get<std::string>().rfind("v1.32.", 0) == 0);
  CHECK(v["platform"] == "linux/amd64");
  for (const char* field : {"gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler"})
    CHECK(v.contains(field));
}

TEST_CASE("aggregated discovery content types", "[unit][api][discovery]") {
  CHECK(api::aggregated_content_type(api::discovery_version::v2) ==
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  CHECK(api::aggregated_content_type(api::discovery_version::v2beta1) ==
        "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
  CHECK(api::aggregated_discovery(true, api::discovery_version::v2beta1)["apiVersion"] ==
        "apidiscovery.k8s.io/v2beta1");
}

TEST_CASE("aggregated discovery of the core group", "[unit][api][discovery]") {
  auto list = api::aggregated_discovery(true);
  CHECK(list["kind"] == "APIGroupDiscoveryList");
  CHECK(list["apiVersion"] == "apidiscovery.k8s.io/v2");
  REQUIRE(list["items"].size() == 1);
  CHECK(list["items"][0]["metadata"]["name"] == "");
  REQUIRE(list["items"][0]["versions"].size() == 1);
  CHECK(list["items"][0]["versions"][0]["freshness"] == "Current");

  const json* pods = aggregated_resource(list, "", "v1", "pods");
  REQUIRE(pods);
  CHECK((*pods)["responseKind"] == json({{"group", ""}, {"version", "v1"}, {"kind", "Pod"}}));
  CHECK((*pods)["scope"] == "Namespaced");
  CHECK((*pods)["singularResource"] == "pod");
  CHECK((*pods)["shortNames"] == json({"po"}));
  CHECK((*pods)["categories"] == json({"all"}));
  CHECK((*pods)["verbs"] == json({"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}));
  const json* log = find_by((*pods)["subresources"], "subresource", "log");
  REQUIRE(log);
  CHECK((*log)["verbs"] == json({"get"}));
  const json* status = find_by((*pods)["subresources"], "subresource", "status");
  REQUIRE(status);
  CHECK((*status)["responseKind"]["kind"] == "Pod");
  CHECK((*status)["verbs"] == json({"get", "patch", "update"}));
  const json* binding = find_by((*pods)["subresources"], "subresource", "binding");
  REQUIRE(binding);
  CHECK((*binding)["responseKind"]["kind"] == "Binding");
  CHECK((*binding)["verbs"] == json({"create"}));

  struct scope_case { std::string resource, scope, short_name; };
  for (const auto& c : std::vector<scope_case>{{"namespaces", "Cluster", "ns"}, {"nodes", "Cluster", "no"},
                                               {"services", "Namespaced", "svc"}, {"configmaps", "Namespaced", "cm"},
                                               {"events", "Namespaced", "ev"}}) {
    DYNAMIC_SECTION(c.resource) {
      const json* r = aggregated_resource(list, "", "v1", c.resource);
      REQUIRE(r);
      CHECK((*r)["scope"] == c.scope);
      CHECK((*r)["shortNames"] == json({c.short_name}));
    }
  }
  const json* ns = aggregated_resource(list, "", "v1", "namespaces");
  CHECK_FALSE(ns->contains("categories"));
  CHECK((*ns)["verbs"] == json({"create", "delete", "get", "list", "patch", "update", "watch"}));
  const json* bindings = aggregated_resource(list, "", "v1", "bindings");
  REQUIRE(bindings);
  CHECK((*bindings)["verbs"] == json({"create"}));
}

TEST_CASE("non-resource kinds never appear as resources", "[unit][api][discovery]") {
  for (bool core : {true, false}) {
    auto list = api::aggregated_discovery(core);
    for (const auto& item : list["items"])
      for (const auto& v : item["versions"])
        for (const auto& r : v["resources"]) {
          INFO(r.dump());
          CHECK_FALSE(r["resource"].get<std::string>().empty());
          for (const char* k : {"Status", "DeleteOptions", "Table", "Scale", "WatchEvent", "PartialObjectMetadata"})
            CHECK(r["responseKind"]["kind"] != k);
        }
  }
  auto groups = api::served_groups();
  CHECK(std::find(groups.begin(), groups.end(), "meta.k8s.io") == groups.end());
}

TEST_CASE("aggregated discovery of the named groups", "[unit][api][discovery]") {
  auto list = api::aggregated_discovery(false);
  struct pref_case { std::string group; std::vector<std::string> versions; };
  const std::vector<pref_case> prefs{{"apps", {"v1"}}, {"autoscaling", {"v2", "v1"}},
                                     {"batch", {"v1", "v1beta1"}}, {"metrics.k8s.io", {"v1beta1"}}};
  for (const auto& p : prefs) {
    DYNAMIC_SECTION("versions of " << p.group) {
      const json* item = nullptr;
      for (const auto& i : list["items"])
        if (i["metadata"]["name"] == p.group)
          item = &i;
      REQUIRE(item);
      std::vector<std::string> got;
      for (const auto& v : (*item)["versions"]) {
        got.push_back(v["version"]);
        CHECK(v["freshness"] == "Current");
      }
      CHECK(got == p.versions);
    }
  }
  const json* deploy = aggregated_resource(list, "apps", "v1", "deployments");
  REQUIRE(deploy);
  CHECK((*deploy)["shortNames"] == json({"deploy"}));
  CHECK((*deploy)["categories"] == json({"all"}));
  const json* scale = find_by((*deploy)["subresources"], "subresource", "scale");
  REQUIRE(scale);
  CHECK((*scale)["responseKind"] == json({{"group", "autoscaling"}, {"version", "v1"}, {"kind", "Scale"}}));
  CHECK((*scale)["verbs"] == json({"get", "patch", "update"}));
  CHECK((*deploy)["subresources"][0]["subresource"] == "scale");  // sorted: scale, status
  CHECK((*deploy)["subresources"][1]["subresource"] == "status");

  const json* hpa = aggregated_resource(list, "autoscaling", "v2", "horizontalpodautoscalers");
  REQUIRE(hpa);
  CHECK((*hpa)["shortNames"] == json({"hpa"}));
  const json* nodes = aggregated_resource(list, "metrics.k8s.io", "v1beta1", "nodes");
  REQUIRE(nodes);
  CHECK((*nodes)["responseKind"]["kind"] == "NodeMetrics");
  CHECK((*nodes)["scope"] == "Cluster");
  CHECK((*nodes)["verbs"] == json({"get", "list"}));
  const json* rs = aggregated_resource(list, "apps", "v1", "replicasets");
  REQUIRE(rs);
  CHECK((*rs)["shortNames"] == json({"rs"}));
}

TEST_CASE("legacy discovery documents", "[unit][api][discovery]") {
  auto versions = api::api_versions("127.0.0.1:6443");
  CHECK(versions["kind"] == "APIVersions");
  CHECK(versions["versions"] == json({"v1"}));
  CHECK(versions["serverAddressByClientCIDRs"][0]["serverAddress"] == "127.0.0.1:6443");

  auto groups = api::api_group_list();
  CHECK(groups["kind"] == "APIGroupList");
  const json* autoscaling = find_by(groups["groups"], "name", "autoscaling");
  REQUIRE(autoscaling);
  CHECK((*autoscaling)["preferredVersion"] == json({{"groupVersion", "autoscaling/v2"}, {"version", "v2"}}));
  CHECK((*autoscaling)["versions"][1]["groupVersion"] == "autoscaling/v1");
  const json* batch = find_by(groups["groups"], "name", "batch");
  REQUIRE(batch);
  CHECK((*batch)["preferredVersion"]["version"] == "v1");
  CHECK(find_by(groups["groups"], "name", "metrics.k8s.io"));

  auto apps = api::api_group("apps");
  REQUIRE(apps);
  CHECK((*apps)["kind"] == "APIGroup");
  CHECK_FALSE(api::api_group("nope"));
  CHECK_FALSE(api::api_group(""));

  auto list = api::api_resource_list("apps", "v1");
  REQUIRE(list);
  CHECK((*list)["kind"] == "APIResourceList");
  CHECK((*list)["groupVersion"] == "apps/v1");
  const json* d = find_by((*list)["resources"], "name", "deployments");
  REQUIRE(d);
  CHECK((*d)["singularName"] == "deployment");
  CHECK((*d)["namespaced"] == true);
  CHECK((*d)["kind"] == "Deployment");
  CHECK((*d)["shortNames"] == json({"deploy"}));
  const json* ds = find_by((*list)["resources"], "name", "deployments/scale");
  REQUIRE(ds);
  CHECK((*ds)["group"] == "autoscaling");
  CHECK((*ds)["version"] == "v1");
  CHECK((*ds)["kind"] == "Scale");
  CHECK((*ds)["singularName"] == "");
  const json* dst = find_by((*list)["resources"], "name", "deployments/status");
  REQUIRE(dst);
  CHECK_FALSE(dst->contains("group"));
  CHECK((*dst)["kind"] == "Deployment");

  auto core = api::api_resource_list("", "v1");
  REQUIRE(core);
  CHECK((*core)["groupVersion"] == "v1");
  CHECK(find_by((*core)["resources"], "name", "pods/log"));
  CHECK(find_by((*core)["resources"], "name", "namespaces/finalize"));
  CHECK_FALSE(find_by((*core)["resources"], "kind", "Status"));
  CHECK(api::api_resource_list("metrics.k8s.io", "v1beta1"));
  CHECK_FALSE(api::api_resource_list("apps", "v2"));
  CHECK_FALSE(api::api_resource_list("meta.k8s.io", "v1"));
}
