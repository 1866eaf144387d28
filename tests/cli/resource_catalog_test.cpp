// Resource names as users type them, resolved against the registry's discovery.
#include <catch2/catch.hpp>

#include "cli/get_request.hpp"
#include "cli/resource_catalog.hpp"

using namespace troupe::cli;

TEST_CASE("resource names resolve like kubectl's", "[unit][cli]") {
  auto all = registry_resources();
  struct tc {
    const char* arg;
    std::string group, version, resource;
  };
  std::vector<tc> cases = {
    {"pods", "", "v1", "pods"},          {"pod", "", "v1", "pods"},
    {"po", "", "v1", "pods"},            {"Pod", "", "v1", "pods"},
    {"deploy", "apps", "v1", "deployments"}, {"deployments.apps", "apps", "v1", "deployments"},
    {"deployment.v1.apps", "apps", "v1", "deployments"}, {"rs", "apps", "v1", "replicasets"},
    {"hpa", "autoscaling", "v2", "horizontalpodautoscalers"},
    {"horizontalpodautoscalers.v1.autoscaling", "autoscaling", "v1", "horizontalpodautoscalers"},
    {"ns", "", "v1", "namespaces"},      {"svc", "", "v1", "services"},
    {"no", "", "v1", "nodes"},           {"cj", "batch", "v1", "cronjobs"},
  };
  for (const auto& c : cases) {
    INFO(c.arg);
    auto r = resolve_resource(all, c.arg);
    REQUIRE(r.value);
    CHECK(r.value->group == c.group);
    CHECK(r.value->version == c.version);
    CHECK(r.value->resource == c.resource);
  }
  auto bad = resolve_resource(all, "foo");
  CHECK(bad.value == nullptr);
  CHECK(bad.error == "the server doesn't have a resource type \"foo\"");
  CHECK(resolve_resource(all, "deploy.batch").value == nullptr);
}

TEST_CASE("resource paths and printed names", "[unit][cli]") {
  auto all = registry_resources();
  auto deploy = *resolve_resource(all, "deploy").value;
  CHECK(resource_path(deploy, "demo", "web", "scale") == "/apis/apps/v1/namespaces/demo/deployments/web/scale");
  CHECK(resource_path(deploy, "") == "/apis/apps/v1/deployments");
  CHECK(resource_path(*resolve_resource(all, "no").value, "demo", "n1") == "/api/v1/nodes/n1");
  CHECK(deploy.kind_prefix() == "deployment.apps");
  CHECK(deploy.qualified() == "deployments.apps");
  CHECK(resolve_resource(all, "po").value->kind_prefix() == "pod");
}

TEST_CASE("get arguments: lists, names, TYPE/NAME, several kinds, all", "[unit][cli]") {
  auto all = registry_resources();
  auto r = parse_get_args(all, {"pods", "a", "b"});
  REQUIRE(r.error.empty());
  REQUIRE(r.requests.size() == 1);
  CHECK(r.requests[0].names == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(r.several_types);

  r = parse_get_args(all, {"deploy,po"});
  REQUIRE(r.requests.size() == 2);
  CHECK(r.requests[0].resource.resource == "deployments");
  CHECK(r.several_types);

  r = parse_get_args(all, {"pod/a", "deploy/b", "pod/c"});
  REQUIRE(r.requests.size() == 2);
  CHECK(r.requests[0].names == std::vector<std::string>{"a", "c"});

  r = parse_get_args(all, {"all"});
  CHECK(r.several_types);
  CHECK(r.requests.size() >= 5);

  CHECK(parse_get_args(all, {"pods", "deploy/x"}).error.find("there is no need to specify a resource type") == 0);
  CHECK(parse_get_args(all, {"bogus"}).error == "the server doesn't have a resource type \"bogus\"");
}
