#include <catch2/catch.hpp>

#include "actors/api/status_errors.hpp"
#include "config/admission.hpp"
#include "proto/core_v1.pb.h"

using nlohmann::json;
namespace api = troupe::api;
namespace config = troupe::config;

namespace {

const config::kind_info& kind(const char* api_version, const char* k) {
  const auto* info = config::find_kind(api_version, k);
  REQUIRE(info != nullptr);
  return *info;
}

struct status_case {
  std::string name;
  api::api_status status;
  int code;
  std::string reason;
  std::string message;
  json details;  // null: no details expected
};

} // namespace

TEST_CASE("Status bodies carry Kubernetes' codes, reasons and wording", "[unit][api][status_errors]") {
  const auto& pod = kind("v1", "Pod");
  const auto& deploy = kind("apps/v1", "Deployment");
  const auto& rs = kind("apps/v1", "ReplicaSet");
  const std::vector<status_case> cases{
      {"pod not found", api::not_found(pod, "x"), 404, "NotFound", R"(pods "x" not found)",
       {{"name", "x"}, {"kind", "pods"}}},
      {"grouped not found", api::not_found(deploy, "nginx"), 404, "NotFound",
       R"(deployments.apps "nginx" not found)", {{"name", "nginx"}, {"group", "apps"}, {"kind", "deployments"}}},
      {"namespace missing", api::namespace_not_found("mayikt-sit"), 404, "NotFound",
       R"(namespaces "mayikt-sit" not found)", {{"name", "mayikt-sit"}, {"kind", "namespaces"}}},
      {"unknown path", api::not_found_path(), 404, "NotFound",
       "the server could not find the requested resource", json::object()},
      {"already exists", api::already_exists(pod, "mayikt-pod"), 409, "AlreadyExists",
       R"(pods "mayikt-pod" already exists)", {{"name", "mayikt-pod"}, {"kind", "pods"}}},
      {"conflict", api::conflict(deploy, "web"), 409, "Conflict",
       R"(Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again)",
       {{"name", "web"}, {"group", "apps"}, {"kind", "deployments"}}},
      {"bad request", api::bad_request(R"(Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo")"),
       400, "BadRequest", R"(Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo")", nullptr},
      {"unauthorized", api::unauthorized(), 401, "Unauthorized", "Unauthorized", nullptr},
      {"forbidden", api::forbidden(pod, "p", "no"), 403, "Forbidden", R"(pods "p" is forbidden: no)",
       {{"name", "p"}, {"kind", "pods"}}},
      {"forbidden collection", api::forbidden(rs, "", "no"), 403, "Forbidden", "replicasets.apps is forbidden: no",
       {{"group", "apps"}, {"kind", "replicasets"}}},
      {"method not allowed", api::method_not_allowed(), 405, "MethodNotAllowed",
       "the server does not allow this method on the requested resource", json::object()},
      {"method not supported", api::method_not_supported(rs, "create"), 405, "MethodNotAllowed",
       R"(create is not supported on resources of kind "replicasets.apps")", {{"group", "apps"}, {"kind", "replicasets"}}},
      {"unsupported media type", api::unsupported_media_type("application/json, application/yaml"), 415,
       "UnsupportedMediaType",
       "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml", nullptr},
      {"not acceptable", api::not_acceptable("application/json"), 406, "NotAcceptable",
       "only the following media types are accepted: application/json", nullptr},
      {"too old", api::too_old_resource_version(12, 40), 410, "Expired", "too old resource version: 12 (40)", nullptr},
      {"gone", api::gone("x"), 410, "Gone", "x", nullptr},
      {"internal", api::internal_error("disk"), 500, "InternalError", "Internal error occurred: disk",
       {{"causes", json::array({{{"message", "disk"}}})}}},
      {"too many", api::too_many_requests(1), 429, "TooManyRequests", "Too many requests, please try again later.",
       {{"retryAfterSeconds", 1}}},
      {"timeout", api::server_timeout("slow", 2), 504, "Timeout", "Timeout: slow", {{"retryAfterSeconds", 2}}},
      {"unavailable", api::service_unavailable("closed"), 503, "ServiceUnavailable", "closed", nullptr},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const json& b = c.status.body;
      INFO(b.dump());
      CHECK(c.status.code == c.code);
      CHECK(b["kind"] == "Status");
      CHECK(b["apiVersion"] == "v1");
      CHECK(b["metadata"] == json::object());
      CHECK(b["status"] == "Failure");
      CHECK(b["code"] == c.code);
      CHECK(b["reason"] == c.reason);
      CHECK(b["message"] == c.message);
      if (c.details.is_null())
        CHECK_FALSE(b.contains("details"));
      else
        CHECK(b["details"] == c.details);
    }
  }
}

TEST_CASE("namespace terminating is Forbidden with a cause", "[unit][api][status_errors]") {
  auto s = api::namespace_terminating(kind("v1", "Pod"), "p", "ns1");
  CHECK(s.code == 403);
  CHECK(s.message() == R"(pods "p" is forbidden: unable to create new content in namespace ns1 because it is being terminated)");
  CHECK(s.body["details"]["causes"][0]["reason"] == "NamespaceTerminating");
  CHECK(s.body["details"]["causes"][0]["field"] == "metadata.namespace");
}

TEST_CASE("Invalid matches admission's message and lists causes", "[unit][api][status_errors]") {
  const auto& deploy = kind("apps/v1", "Deployment");
  const auto& pod = kind("v1", "Pod");
  config::field_path spec("spec");
  config::field_errors one{config::field_error::required(spec.child("selector"))};
  config::field_errors two{config::field_error::required(spec.child("containers")),
                           config::field_error::not_supported(spec.child("restartPolicy"), "\"Sometimes\"",
                                                              {"Always", "OnFailure", "Never"})};
  struct invalid_case {
    std::string name;
    const config::kind_info* kind;
    config::field_errors errors;
    std::string message;
  };
  const std::vector<invalid_case> cases{
      {"one error", &deploy, one, R"(Deployment.apps "web" is invalid: spec.selector: Required value)"},
      {"two errors", &pod, two,
       R"(Pod "web" is invalid: [spec.containers: Required value, spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"])"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto s = api::invalid(*c.kind, "web", c.errors);
      INFO(s.body.dump());
      CHECK(s.code == 422);
      CHECK(s.reason() == "Invalid");
      CHECK(s.message() == c.message);
      // the same wording as config::admission_result::message
      config::admission_result r{c.errors};
      troupe::core::v1::Pod obj;
      obj.mutable_metadata()->set_name("web");
      CHECK(s.message() == r.message(*c.kind, obj));
      CHECK(s.body["details"]["name"] == "web");
      CHECK(s.body["details"]["kind"] == c.kind->kind);
      REQUIRE(s.body["details"]["causes"].size() == c.errors.size());
      for (size_t i = 0; i < c.errors.size(); ++i) {
        CHECK(s.body["details"]["causes"][i]["field"] == c.errors[i].field);
        CHECK(s.body["details"]["causes"][i]["reason"] == api::cause_type(c.errors[i]));
      }
    }
  }
  auto two_causes = api::invalid(pod, "web", two).body["details"]["causes"];
  CHECK(two_causes[0]["reason"] == "FieldValueRequired");
  CHECK(two_causes[0]["message"] == "Required value");
  CHECK(two_causes[1]["reason"] == "FieldValueNotSupported");
  CHECK(two_causes[1]["message"] == R"(Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never")");
}

TEST_CASE("options errors name the options kind", "[unit][api][status_errors]") {
  config::field_errors errs{config::field_error::not_supported(config::field_path("fieldValidation"), "\"x\"",
                                                               {"Ignore", "Strict", "Warn"})};
  auto s = api::invalid_options("CreateOptions", errs);
  CHECK(s.code == 422);
  CHECK(s.message() == R"(CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "x": supported values: "Ignore", "Strict", "Warn")");
}

TEST_CASE("store errors keep their wording and get Kubernetes' codes", "[unit][api][status_errors]") {
  using troupe::store::status;
  const auto& deploy = kind("apps/v1", "Deployment");
  struct store_case {
    std::string name;
    status st;
    int code;
    std::string reason;
  };
  const std::vector<store_case> cases{
      {"not found", status::not_found("deployments.apps \"d\" not found"), 404, "NotFound"},
      {"exists", status::already_exists("deployments.apps \"d\" already exists"), 409, "AlreadyExists"},
      {"conflict", status::conflict("Operation cannot be fulfilled"), 409, "Conflict"},
      {"gone", status::gone("too old resource version: 1 (5)"), 410, "Expired"},
      {"invalid", status::invalid("bad continue"), 400, "BadRequest"},
      {"timeout", status::timeout("rv too new"), 504, "Timeout"},
      {"io", status::io_error("disk"), 500, "InternalError"},
      {"closed", status::closed("closed"), 503, "ServiceUnavailable"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto s = api::from_store(c.st, deploy, "d");
      CHECK(s.code == c.code);
      CHECK(s.reason() == c.reason);
      CHECK(s.message().find(c.st.message()) != std::string::npos);
    }
  }
  auto ok = api::success(&deploy, "d", "u1");
  CHECK(ok["status"] == "Success");
  CHECK(ok["details"] == json({{"name", "d"}, {"group", "apps"}, {"kind", "deployments"}, {"uid", "u1"}}));
}
