#include <catch2/catch.hpp>

#include "actors/api/request_path.hpp"

#include <optional>
#include <string>

using troupe::api::parse_request_path;
using troupe::api::request_target;
using troupe::api::target_type;
using troupe::api::verb;

namespace {

struct path_case {
  std::string name;
  std::string path;
  target_type type;
  std::string kind;  // expected kind ("" when not a resource)
  std::string group;
  std::string version;
  std::string ns;
  std::string object;
  std::string sub;
};

} // namespace

TEST_CASE("request paths resolve to targets", "[unit][api][request_path]") {
  const std::vector<path_case> cases{
      {"core root", "/api", target_type::core_root, "", "", "", "", "", ""},
      {"groups root", "/apis", target_type::groups_root, "", "", "", "", "", ""},
      {"core version", "/api/v1", target_type::core_version, "", "", "v1", "", "", ""},
      {"trailing slash", "/api/v1/", target_type::core_version, "", "", "v1", "", "", ""},
      {"group", "/apis/apps", target_type::group, "", "apps", "", "", "", ""},
      {"group version", "/apis/autoscaling/v2", target_type::group_version, "", "autoscaling", "v2", "", "", ""},
      {"metrics group version", "/apis/metrics.k8s.io/v1beta1", target_type::group_version, "", "metrics.k8s.io", "v1beta1", "", "", ""},
      {"version", "/version", target_type::version, "", "", "", "", "", ""},
      {"healthz", "/healthz", target_type::health, "", "", "", "", "", ""},
      {"readyz check", "/readyz/ping", target_type::health, "", "", "", "", "", ""},
      {"livez", "/livez", target_type::health, "", "", "", "", "", ""},
      {"metrics", "/metrics", target_type::metrics, "", "", "", "", "", ""},
      {"openapi v2", "/openapi/v2", target_type::openapi_v2, "", "", "", "", "", ""},
      {"openapi v3 index", "/openapi/v3", target_type::openapi_v3_index, "", "", "", "", "", ""},
      {"openapi v3 core", "/openapi/v3/api/v1", target_type::openapi_v3_doc, "", "", "v1", "", "", ""},
      {"openapi v3 apps", "/openapi/v3/apis/apps/v1", target_type::openapi_v3_doc, "", "apps", "v1", "", "", ""},
      {"namespace list", "/api/v1/namespaces", target_type::resource, "Namespace", "", "v1", "", "", ""},
      {"namespace itself", "/api/v1/namespaces/mayikt-sit", target_type::resource, "Namespace", "", "v1", "", "mayikt-sit", ""},
      {"namespace status", "/api/v1/namespaces/x/status", target_type::resource, "Namespace", "", "v1", "", "x", "status"},
      {"namespace finalize", "/api/v1/namespaces/x/finalize", target_type::resource, "Namespace", "", "v1", "", "x", "finalize"},
      {"pods in namespace", "/api/v1/namespaces/x/pods", target_type::resource, "Pod", "", "v1", "x", "", ""},
      {"pod", "/api/v1/namespaces/x/pods/p", target_type::resource, "Pod", "", "v1", "x", "p", ""},
      {"pod status", "/api/v1/namespaces/x/pods/p/status", target_type::resource, "Pod", "", "v1", "x", "p", "status"},
      {"pod log", "/api/v1/namespaces/x/pods/p/log", target_type::resource, "Pod", "", "v1", "x", "p", "log"},
      {"pod binding", "/api/v1/namespaces/x/pods/p/binding", target_type::resource, "Pod", "", "v1", "x", "p", "binding"},
      {"bindings resource", "/api/v1/namespaces/x/bindings", target_type::resource, "Binding", "", "v1", "x", "", ""},
      {"pods across namespaces", "/api/v1/pods", target_type::resource, "Pod", "", "v1", "", "", ""},
      {"nodes", "/api/v1/nodes", target_type::resource, "Node", "", "v1", "", "", ""},
      {"node", "/api/v1/nodes/node2", target_type::resource, "Node", "", "v1", "", "node2", ""},
      {"node status", "/api/v1/nodes/node2/status", target_type::resource, "Node", "", "v1", "", "node2", "status"},
      {"deployment scale", "/apis/apps/v1/namespaces/s/deployments/d/scale", target_type::resource, "Deployment", "apps", "v1", "s", "d", "scale"},
      {"hpa v1", "/apis/autoscaling/v1/namespaces/s/horizontalpodautoscalers", target_type::resource, "HorizontalPodAutoscaler", "autoscaling", "v1", "s", "", ""},
      {"hpa v2", "/apis/autoscaling/v2/namespaces/s/horizontalpodautoscalers/h", target_type::resource, "HorizontalPodAutoscaler", "autoscaling", "v2", "s", "h", ""},
      {"cronjob v1beta1", "/apis/batch/v1beta1/namespaces/s/cronjobs", target_type::resource, "CronJob", "batch", "v1beta1", "s", "", ""},
      {"node metrics", "/apis/metrics.k8s.io/v1beta1/nodes", target_type::resource, "NodeMetrics", "metrics.k8s.io", "v1beta1", "", "", ""},
      {"pod metrics", "/apis/metrics.k8s.io/v1beta1/namespaces/s/pods", target_type::resource, "PodMetrics", "metrics.k8s.io", "v1beta1", "s", "", ""},
      {"percent-encoded name", "/api/v1/namespaces/s/configmaps/a%2Eb", target_type::resource, "ConfigMap", "", "v1", "s", "a.b", ""},
      // rejected
      {"root", "/", target_type::not_found, "", "", "", "", "", ""},
      {"unknown top", "/foo", target_type::not_found, "", "", "", "", "", ""},
      {"unknown core version", "/api/v2", target_type::not_found, "", "", "", "", "", ""},
      {"unknown group", "/apis/foo.io", target_type::not_found, "", "", "", "", "", ""},
      {"unknown version", "/apis/autoscaling/v2beta1", target_type::not_found, "", "", "", "", "", ""},
      {"unknown resource", "/api/v1/namespaces/s/widgets", target_type::not_found, "", "", "", "", "", ""},
      {"resource in wrong group", "/apis/apps/v1/namespaces/s/pods", target_type::not_found, "", "", "", "", "", ""},
      {"unsupported subresource", "/apis/apps/v1/namespaces/s/deployments/d/log", target_type::not_found, "", "", "", "", "", ""},
      {"configmap has no status", "/api/v1/namespaces/s/configmaps/c/status", target_type::not_found, "", "", "", "", "", ""},
      {"cluster-scoped in namespace", "/api/v1/namespaces/s/nodes", target_type::not_found, "", "", "", "", "", ""},
      {"namespaced named without namespace", "/api/v1/pods/p", target_type::not_found, "", "", "", "", "", ""},
      {"not a resource: Status", "/api/v1/statuses", target_type::not_found, "", "", "", "", "", ""},
      {"not a resource: Scale", "/apis/autoscaling/v1/namespaces/s/scales", target_type::not_found, "", "", "", "", "", ""},
      {"too deep", "/api/v1/namespaces/s/pods/p/status/x", target_type::not_found, "", "", "", "", "", ""},
      {"meta group is not served", "/apis/meta.k8s.io/v1", target_type::not_found, "", "", "", "", "", ""},
      {"openapi v3 unknown gv", "/openapi/v3/apis/apps/v2", target_type::not_found, "", "", "", "", "", ""},
      {"openapi v1", "/openapi/v1", target_type::not_found, "", "", "", "", "", ""},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name << ": " << c.path) {
      request_target t = parse_request_path(c.path);
      INFO("reason: " << t.reason);
      CHECK(t.type == c.type);
      if (c.type == target_type::not_found) {
        CHECK_FALSE(t.reason.empty());
        continue;
      }
      if (c.type == target_type::resource) {
        REQUIRE(t.kind != nullptr);
        CHECK(t.kind->kind == c.kind);
        CHECK(t.kind->group == c.group);
        CHECK(t.kind->version == c.version);
      } else if (c.type != target_type::openapi_v3_doc) {
        CHECK(t.kind == nullptr);
      }
      CHECK(t.group == c.group);
      CHECK(t.version == c.version);
      CHECK(t.ns == c.ns);
      CHECK(t.name == c.object);
      CHECK(t.subresource == c.sub);
    }
  }
}

TEST_CASE("openapi v3 paths name their group version", "[unit][api][request_path]") {
  CHECK(parse_request_path("/openapi/v3/api/v1").openapi_path == "api/v1");
  CHECK(parse_request_path("/openapi/v3/apis/autoscaling/v2").openapi_path == "apis/autoscaling/v2");
}

TEST_CASE("legacy watch paths", "[unit][api][request_path]") {
  auto t = parse_request_path("/api/v1/watch/namespaces/s/pods");
  REQUIRE(t.type == target_type::resource);
  CHECK(t.legacy_watch);
  CHECK(t.ns == "s");
  CHECK(t.kind->resource == "pods");
  CHECK(troupe::api::request_verb("GET", t, false) == verb::watch);
}

TEST_CASE("methods map to verbs and verbs are checked", "[unit][api][request_path]") {
  struct verb_case {
    std::string name;
    std::string method;
    std::string path;
    bool watch;
    std::optional<verb> expected;
    bool allowed;
  };
  const std::vector<verb_case> cases{
      {"list", "GET", "/api/v1/namespaces/s/pods", false, verb::list, true},
      {"watch", "GET", "/api/v1/namespaces/s/pods", true, verb::watch, true},
      {"get", "GET", "/api/v1/namespaces/s/pods/p", false, verb::get, true},
      {"watch one object", "GET", "/api/v1/namespaces/s/pods/p", true, verb::watch, true},
      {"create", "POST", "/api/v1/namespaces/s/pods", false, verb::create, true},
      {"update", "PUT", "/api/v1/namespaces/s/pods/p", false, verb::update, true},
      {"patch", "PATCH", "/api/v1/namespaces/s/pods/p", false, verb::patch, true},
      {"delete", "DELETE", "/api/v1/namespaces/s/pods/p", false, verb::delete_, true},
      {"deletecollection", "DELETE", "/api/v1/namespaces/s/pods", false, verb::deletecollection, true},
      {"list across namespaces", "GET", "/api/v1/pods", false, verb::list, true},
      {"watch across namespaces", "GET", "/api/v1/pods", true, verb::watch, true},
      {"create across namespaces", "POST", "/api/v1/pods", false, verb::create, false},
      {"deletecollection across namespaces", "DELETE", "/api/v1/pods", false, verb::deletecollection, false},
      {"patch scale", "PATCH", "/apis/apps/v1/namespaces/s/replicasets/r/scale", false, verb::patch, true},
      {"delete scale", "DELETE", "/apis/apps/v1/namespaces/s/replicasets/r/scale", false, verb::delete_, false},
      {"binding subresource", "POST", "/api/v1/namespaces/s/pods/p/binding", false, verb::create, true},
      {"get log", "GET", "/api/v1/namespaces/s/pods/p/log", false, verb::get, true},
      {"bindings are create-only", "GET", "/api/v1/namespaces/s/bindings", false, verb::list, false},
      {"namespaces have no deletecollection", "DELETE", "/api/v1/namespaces", false, verb::deletecollection, false},
      {"metrics are read-only", "POST", "/apis/metrics.k8s.io/v1beta1/nodes", false, verb::create, false},
      {"metrics list", "GET", "/apis/metrics.k8s.io/v1beta1/nodes", false, verb::list, true},
      {"finalize namespace", "PUT", "/api/v1/namespaces/x/finalize", false, verb::update, true},
      {"POST to an object", "POST", "/api/v1/namespaces/s/pods/p", false, std::nullopt, false},
      {"PUT to a collection", "PUT", "/api/v1/namespaces/s/pods", false, std::nullopt, false},
      {"unknown method", "TRACE", "/api/v1/namespaces/s/pods/p", false, std::nullopt, false},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto t = parse_request_path(c.path);
      REQUIRE(t.is_resource());
      auto v = troupe::api::request_verb(c.method, t, c.watch);
      CHECK(v == c.expected);
      if (v)
        CHECK(troupe::api::verb_allowed(t, *v) == c.allowed);
    }
  }
}
