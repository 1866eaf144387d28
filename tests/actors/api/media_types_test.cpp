#include <catch2/catch.hpp>

#include "actors/api/media_types.hpp"

namespace api = troupe::api;
using api::body_format;
using api::response_form;

TEST_CASE("Accept headers choose the response form", "[unit][api][media_types]") {
  struct accept_case { std::string name, accept; bool discovery; response_form form; bool protobuf; };
  const std::vector<accept_case> cases{
      {"kubectl get", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
       false, response_form::table_v1, false},
      {"v1beta1 Table only", "application/json;as=Table;v=v1beta1;g=meta.k8s.io, application/json", false, response_form::table_v1beta1, false},
      {"plain JSON", "application/json", false, response_form::json, false},
      {"JSON and anything", "application/json, */*", false, response_form::json, false},
      {"protobuf preferred", "application/vnd.kubernetes.protobuf,application/json", false, response_form::json, true},
      {"top's accept", "application/vnd.kubernetes.protobuf, */*", false, response_form::json, true},
      {"missing", "", false, response_form::json, false},
      {"yaml", "application/yaml", false, response_form::yaml, false},
      {"partial metadata", "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json", false,
       response_form::partial_metadata_v1, false},
      {"aggregated discovery",
       "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json",
       true, response_form::discovery_v2, false},
      {"aggregated v2beta1 only", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", true,
       response_form::discovery_v2beta1, false},
      {"legacy discovery", "application/json, */*", true, response_form::json, false},
      {"Table is not offered for discovery", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json", true, response_form::json, false},
      {"discovery is not offered for resources", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json",
       false, response_form::json, false},
      {"unknown as falls through", "application/json;as=Widget;v=v1;g=meta.k8s.io,application/json", false, response_form::json, false},
      {"q=0 skipped", "application/json;as=Table;v=v1;g=meta.k8s.io;q=0,application/json", false, response_form::json, false},
      {"nothing acceptable", "text/html", false, response_form::not_acceptable, false},
      {"unknown Table version", "application/json;as=Table;v=v2;g=meta.k8s.io", false, response_form::not_acceptable, false},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto n = api::negotiate_response(c.accept, c.discovery);
      CHECK(n.form == c.form);
      CHECK(n.protobuf_requested == c.protobuf);
    }
  }
  CHECK(api::response_content_type(response_form::discovery_v2) ==
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  CHECK(api::response_content_type(response_form::table_v1) == "application/json");
  CHECK(api::response_content_type(response_form::json) == "application/json");
  CHECK(api::meta_api_version(response_form::table_v1beta1) == "meta.k8s.io/v1beta1");
  CHECK(api::meta_api_version(response_form::table_v1) == "meta.k8s.io/v1");
}

TEST_CASE("Content-Type chooses the body decoding", "[unit][api][media_types]") {
  struct ct_case { std::string content_type; body_format format; };
  const std::vector<ct_case> cases{
      {"", body_format::json},
      {"application/json", body_format::json},
      {"application/json; charset=utf-8", body_format::json},
      {"Application/JSON", body_format::json},
      {"application/yaml", body_format::yaml},
      {"application/vnd.kubernetes.protobuf", body_format::protobuf},
      {"application/json-patch+json", body_format::json_patch},
      {"application/merge-patch+json", body_format::merge_patch},
      {"application/strategic-merge-patch+json", body_format::strategic_merge_patch},
      {"application/apply-patch+yaml", body_format::apply_patch},
      {"text/plain", body_format::unsupported},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION("'" << c.content_type << "'") { CHECK(api::parse_content_type(c.content_type) == c.format); }
  }
}

TEST_CASE("bodies a verb does not take are 415", "[unit][api][media_types]") {
  using api::verb;
  CHECK_FALSE(api::check_body_format(verb::create, body_format::protobuf));
  CHECK_FALSE(api::check_body_format(verb::update, body_format::yaml));
  CHECK_FALSE(api::check_body_format(verb::patch, body_format::merge_patch));
  CHECK_FALSE(api::check_body_format(verb::delete_, body_format::json));
  auto patch_json = api::check_body_format(verb::patch, body_format::json);
  REQUIRE(patch_json);
  CHECK(patch_json->code == 415);
  CHECK(patch_json->message() ==
        "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, "
        "application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json");
  auto create_patch = api::check_body_format(verb::create, body_format::merge_patch);
  REQUIRE(create_patch);
  CHECK(create_patch->reason() == "UnsupportedMediaType");
  CHECK(api::check_body_format(verb::create, body_format::unsupported));
}
