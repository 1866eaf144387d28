#include <catch2/catch.hpp>

#include "actors/api/openapi.hpp"

using nlohmann::json;
namespace api = troupe::api;

TEST_CASE("the OpenAPI v3 index lists every served group version with a hash", "[unit][api][openapi]") {
  json index = api::openapi_v3_index();
  for (const char* gv : {"api/v1", "apis/apps/v1", "apis/autoscaling/v1", "apis/autoscaling/v2", "apis/batch/v1",
                         "apis/batch/v1beta1", "apis/metrics.k8s.io/v1beta1"}) {
    DYNAMIC_SECTION(gv) {
      REQUIRE(index["paths"].contains(gv));
      std::string url = index["paths"][gv]["serverRelativeURL"];
      CHECK(url == "/openapi/v3/" + std::string(gv) + "?hash=" + api::openapi_v3_hash(gv));
      CHECK(api::openapi_v3_hash(gv).size() == 128);
    }
  }
  CHECK_FALSE(index["paths"].contains("apis/meta.k8s.io/v1"));
  CHECK(api::openapi_v3_hash("apis/apps/v1") != api::openapi_v3_hash("api/v1"));
  CHECK(api::openapi_v3_index() == index);  // stable
}

TEST_CASE("OpenAPI v3 documents carry PATCH operations with GVK and fieldValidation", "[unit][api][openapi]") {
  struct op_case { std::string gv, path, group, version, kind; };
  const std::vector<op_case> cases{
      {"api/v1", "/api/v1/namespaces/{namespace}/pods/{name}", "", "v1", "Pod"},
      {"api/v1", "/api/v1/namespaces/{name}", "", "v1", "Namespace"},
      {"api/v1", "/api/v1/nodes/{name}", "", "v1", "Node"},
      {"apis/apps/v1", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "apps", "v1", "Deployment"},
      {"apis/apps/v1", "/apis/apps/v1/namespaces/{namespace}/replicasets/{name}", "apps", "v1", "ReplicaSet"},
      {"apis/autoscaling/v1", "/apis/autoscaling/v1/namespaces/{namespace}/horizontalpodautoscalers/{name}", "autoscaling", "v1", "HorizontalPodAutoscaler"},
      {"apis/autoscaling/v2", "/apis/autoscaling/v2/namespaces/{namespace}/horizontalpodautoscalers/{name}", "autoscaling", "v2", "HorizontalPodAutoscaler"},
      {"apis/batch/v1", "/apis/batch/v1/namespaces/{namespace}/cronjobs/{name}", "batch", "v1", "CronJob"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.kind << " " << c.version) {
      auto doc = api::openapi_v3_document(c.gv);
      REQUIRE(doc);
      INFO(doc->dump());
      REQUIRE((*doc)["paths"].contains(c.path));
      const json& patch = (*doc)["paths"][c.path]["patch"];
      CHECK(patch["x-kubernetes-group-version-kind"] == json({{"group", c.group}, {"version", c.version}, {"kind", c.kind}}));
      bool has_field_validation = false;
      for (const auto& p : patch["parameters"])
        if (p["name"] == "fieldValidation" && p["in"] == "query")
          has_field_validation = true;
      CHECK(has_field_validation);
      CHECK_FALSE(patch.contains("requestBody"));
      CHECK_FALSE(doc->contains("components"));
    }
  }
  auto core = api::openapi_v3_document("api/v1");
  // bindings are create-only: no PATCH path
  CHECK_FALSE((*core)["paths"].contains("/api/v1/namespaces/{namespace}/bindings/{name}"));
  auto metrics = api::openapi_v3_document("apis/metrics.k8s.io/v1beta1");
  REQUIRE(metrics);
  CHECK((*metrics)["paths"].empty());
  CHECK_FALSE(api::openapi_v3_document("apis/apps/v2"));
  CHECK(api::openapi_v2_content_type.find('@') == std::string_view::npos);
}
