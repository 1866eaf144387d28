// RFC 7386 merge patch and the patch-type entry point, with the bodies kubectl label/scale send.
#include <catch2/catch.hpp>

#include "config/json_merge_patch.hpp"
#include "config/patch.hpp"

#include <string>
#include <vector>

namespace {

using nlohmann::json;
using namespace troupe::config;

struct merge_case {
  std::string name;
  std::string doc;
  std::string patch;
  std::string expected;
};

const char* node = R"({"metadata":{"name":"node2","labels":{"kubernetes.io/hostname":"node2"}},"spec":{}})";

} // namespace

TEST_CASE("merge patch follows RFC 7386", "[unit][patch]") {
  const std::vector<merge_case> cases = {
      {"kubectl label adds a label", node, R"({"metadata":{"labels":{"nodev":"v2"}}})",
       R"({"metadata":{"name":"node2","labels":{"kubernetes.io/hostname":"node2","nodev":"v2"}},"spec":{}})"},
      {"kubectl label --overwrite with no change sends {}", node, "{}", node},
      {"kubectl label nodev- removes with null", R"({"metadata":{"labels":{"a":"1","nodev":"v2"}}})",
       R"({"metadata":{"labels":{"nodev":null}}})", R"({"metadata":{"labels":{"a":"1"}}})"},
      {"kubectl scale sets spec.replicas", R"({"spec":{"replicas":3,"selector":"app=x"},"status":{"replicas":3}})",
       R"({"spec":{"replicas":2}})", R"({"spec":{"replicas":2,"selector":"app=x"},"status":{"replicas":3}})"},
      {"null for a missing key is a no-op", R"({"a":1})", R"({"b":null})", R"({"a":1})"},
      {"arrays are replaced, not merged", R"({"a":[1,2,3]})", R"({"a":[4]})", R"({"a":[4]})"},
      {"RFC 7386 appendix: nested object merge", R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})",
       R"({"a":{"b":"d"}})"},
      {"RFC 7386 appendix: object replaces array", R"({"a":[{"b":"c"}]})", R"({"a":{"b":"c"}})",
       R"({"a":{"b":"c"}})"},
      {"RFC 7386 appendix: nulls inside a new object are dropped", R"({})", R"({"a":{"bb":{"ccc":null}}})",
       R"({"a":{"bb":{}}})"},
      {"a non-object patch replaces the whole document", R"({"a":1})", R"(["c"])", R"(["c"])"},
      {"a null patch replaces the whole document", R"({"a":1})", "null", "null"},
      {"an object patch onto a non-object document starts from {}", R"("text")", R"({"a":1})", R"({"a":1})"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto r = apply_merge_patch(json::parse(c.doc), json::parse(c.patch));
      REQUIRE(r.ok());
      CHECK(r.value() == json::parse(c.expected));
    }
  }
}

TEST_CASE("patch types come from the Content-Type", "[unit][patch]") {
  struct type_case {
    std::string content_type;
    std::optional<patch_type> expected;
  };
  const std::vector<type_case> cases = {
      {"application/merge-patch+json", patch_type::merge_patch},
      {"application/strategic-merge-patch+json", patch_type::strategic_merge},
      {"application/json-patch+json", patch_type::json_patch},
      {"application/apply-patch+yaml", patch_type::apply},
      {"application/merge-patch+json; charset=utf-8", patch_type::merge_patch},
      {"Application/JSON-Patch+JSON", patch_type::json_patch},
      {"application/json", std::nullopt},
      {"application/apply-patch+json", std::nullopt},
      {"", std::nullopt},
  };
  for (const auto& c : cases) {
    INFO("content type: " << c.content_type);
    CHECK(parse_patch_type(c.content_type) == c.expected);
    if (c.expected) CHECK(parse_patch_type(to_string(*c.expected)) == c.expected);
  }
}

TEST_CASE("apply_patch dispatches on the patch type", "[unit][patch]") {
  const json doc = json::parse(R"({"metadata":{"labels":{"a":"1"}},"spec":{"list":[1,2]}})");
  SECTION("merge patch") {
    auto r = apply_patch(patch_type::merge_patch, doc, json::parse(R"({"spec":{"list":[3]}})"), nullptr);
    REQUIRE(r.ok());
    CHECK(r.value()["spec"]["list"] == json::parse("[3]"));
  }
  SECTION("json patch") {
    auto r = apply_patch(patch_type::json_patch, doc,
                         json::parse(R"([{"op":"add","path":"/spec/list/-","value":3}])"), nullptr);
    REQUIRE(r.ok());
    CHECK(r.value()["spec"]["list"] == json::parse("[1,2,3]"));
  }
  SECTION("an object body for the json patch type is malformed") {
    auto r = apply_patch(patch_type::json_patch, doc, json::parse(R"({"spec":{}})"), nullptr);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().type == patch_error::kind::malformed);
  }
  SECTION("strategic merge patch without a schema merges objects, replaces lists") {
    auto r = apply_patch(patch_type::strategic_merge, doc,
                         json::parse(R"({"metadata":{"labels":{"b":"2"}},"spec":{"list":[3]}})"), nullptr);
    REQUIRE(r.ok());
    CHECK(r.value() == json::parse(R"({"metadata":{"labels":{"a":"1","b":"2"}},"spec":{"list":[3]}})"));
  }
}
