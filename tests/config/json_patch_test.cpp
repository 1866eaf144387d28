// RFC 6902 JSON patch, with the body `kubectl rollout undo` sends, and the failures that must be
// reported (not crash, not silently succeed).
#include <catch2/catch.hpp>

#include "config/json_patch.hpp"

#include <string>
#include <vector>

namespace {

using nlohmann::json;
using namespace troupe::config;

struct patch_case {
  std::string name;
  std::string doc;
  std::string patch;
  std::string expected;  // the patched document, or empty when an error is expected
  std::string error;     // a substring of the expected error message
  patch_error::kind error_kind = patch_error::kind::does_not_apply;
};

const char* deployment = R"({
  "metadata":{"name":"web","annotations":{"deployment.kubernetes.io/revision":"2"}},
  "spec":{"replicas":3,"template":{"metadata":{"labels":{"app":"web"}},
          "spec":{"containers":[{"name":"nginx","image":"nginx:1.17.8"}]}}}})";

const char* undo_body = R"([
  {"op":"replace","path":"/spec/template","value":{"metadata":{"labels":{"app":"web"}},
     "spec":{"containers":[{"name":"nginx","image":"nginx:1.17.1"}]}}},
  {"op":"replace","path":"/metadata/annotations","value":{"deployment.kubernetes.io/revision":"3",
     "kubernetes.io/change-cause":"kubectl create --filename=d.yml --record=true"}}])";

void run(const std::vector<patch_case>& cases) {
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto r = apply_json_patch(json::parse(c.doc), json::parse(c.patch));
      if (c.expected.empty()) {
        REQUIRE_FALSE(r.ok());
        INFO("message: " << r.error().message);
        CHECK_THAT(r.error().message, Catch::Contains(c.error));
        CHECK(r.error().type == c.error_kind);
      } else {
        if (!r.ok()) FAIL(r.error().message);
        CHECK(r.value() == json::parse(c.expected));
      }
    }
  }
}

} // namespace

TEST_CASE("json patch: kubectl rollout undo replaces the template and the annotations", "[unit][patch]") {
  auto r = apply_json_patch(json::parse(deployment), json::parse(undo_body));
  REQUIRE(r.ok());
  CHECK(r.value()["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.17.1");
  CHECK(r.value()["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3");
  CHECK(r.value()["metadata"]["annotations"].contains("kubernetes.io/change-cause"));
  CHECK(r.value()["spec"]["replicas"] == 3);
  CHECK(r.value()["metadata"]["name"] == "web");
}

TEST_CASE("json patch: rollout undo on an object without annotations fails on operation 1", "[unit][patch]") {
  json doc = json::parse(deployment);
  doc["metadata"].erase("annotations");
  auto r = apply_json_patch(doc, json::parse(undo_body));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "jsonpatch replace operation does not apply: doc is missing key: /metadata/annotations (patch[1])");
  CHECK(r.error().type == patch_error::kind::does_not_apply);
}

TEST_CASE("json patch operations", "[unit][patch]") {
  run({
      {"add a member", R"({"a":{}})", R"([{"op":"add","path":"/a/b","value":1}])", R"({"a":{"b":1}})", ""},
      {"add replaces an existing member", R"({"a":1})", R"([{"op":"add","path":"/a","value":2}])", R"({"a":2})", ""},
      {"add appends with -", R"({"a":[1,2]})", R"([{"op":"add","path":"/a/-","value":3}])", R"({"a":[1,2,3]})", ""},
      {"add inserts at an index", R"({"a":[1,2]})", R"([{"op":"add","path":"/a/0","value":0}])", R"({"a":[0,1,2]})",
       ""},
      {"add at the end index", R"({"a":[1]})", R"([{"op":"add","path":"/a/1","value":2}])", R"({"a":[1,2]})", ""},
      {"add at the root replaces the document", R"({"a":1})", R"([{"op":"add","path":"","value":{"b":2}}])",
       R"({"b":2})", ""},
      {"remove a member", R"({"a":1,"b":2})", R"([{"op":"remove","path":"/a"}])", R"({"b":2})", ""},
      {"remove an array element", R"({"a":[1,2,3]})", R"([{"op":"remove","path":"/a/1"}])", R"({"a":[1,3]})", ""},
      {"replace a value", R"({"spec":{"replicas":3}})", R"([{"op":"replace","path":"/spec/replicas","value":5}])",
       R"({"spec":{"replicas":5}})", ""},
      {"escaped keys (~1 is /, ~0 is ~)", R"({"metadata":{"annotations":{"a/b":"1","c~d":"2"}}})",
       R"([{"op":"replace","path":"/metadata/annotations/a~1b","value":"x"},
           {"op":"remove","path":"/metadata/annotations/c~0d"}])",
       R"({"metadata":{"annotations":{"a/b":"x"}}})", ""},
      {"move", R"({"a":{"x":1},"b":{}})", R"([{"op":"move","from":"/a/x","path":"/b/y"}])",
       R"({"a":{},"b":{"y":1}})", ""},
      {"move within an array", R"({"a":[1,2,3]})", R"([{"op":"move","from":"/a/0","path":"/a/2"}])",
       R"({"a":[2,3,1]})", ""},
      {"copy", R"({"a":{"x":1}})", R"([{"op":"copy","from":"/a","path":"/b"}])", R"({"a":{"x":1},"b":{"x":1}})",
       ""},
      {"a passing test lets later operations run", R"({"spec":{"replicas":3}})",
       R"([{"op":"test","path":"/spec/replicas","value":3},{"op":"replace","path":"/spec/replicas","value":1}])",
       R"({"spec":{"replicas":1}})", ""},
      {"an empty patch changes nothing", R"({"a":1})", "[]", R"({"a":1})", ""},
  });
}

TEST_CASE("json patch failures name the operation", "[unit][patch]") {
  using k = patch_error::kind;
  run({
      {"replace of a missing key", R"({"metadata":{}})",
       R"([{"op":"replace","path":"/metadata/annotations","value":{}}])", "",
       "jsonpatch replace operation does not apply: doc is missing key: /metadata/annotations (patch[0])"},
      {"replace past the end of an array", R"({"a":[1]})", R"([{"op":"replace","path":"/a/1","value":2}])", "",
       "doc is missing key: /a/1"},
      {"failed test", R"({"spec":{"replicas":3}})", R"([{"op":"test","path":"/spec/replicas","value":4}])", "",
       "jsonpatch test operation does not apply: value at /spec/replicas differs"},
      {"test of a missing path", R"({})", R"([{"op":"test","path":"/x","value":4}])", "",
       "jsonpatch test operation does not apply: doc is missing key: /x"},
      {"a failed test stops the patch", R"({"a":1})",
       R"([{"op":"replace","path":"/a","value":2},{"op":"test","path":"/a","value":1}])", "", "(patch[1])"},
      {"remove of a missing key", R"({})", R"([{"op":"remove","path":"/a"}])", "",
       "jsonpatch remove operation does not apply: doc is missing key: /a"},
      {"remove of the whole document", R"({})", R"([{"op":"remove","path":""}])", "", "cannot remove the whole"},
      {"add under a missing parent", R"({})", R"([{"op":"add","path":"/a/b","value":1}])", "",
       "jsonpatch add operation does not apply: doc is missing path: /a/b"},
      {"add under a string", R"({"a":"s"})", R"([{"op":"add","path":"/a/b","value":1}])", "",
       "doc is missing path: /a/b"},
      {"add under a null", R"({"a":null})", R"([{"op":"add","path":"/a/b","value":1}])", "",
       "doc is missing path: /a/b"},
      {"add beyond the end of an array", R"({"a":[1]})", R"([{"op":"add","path":"/a/5","value":1}])", "",
       "index out of range: /a/5"},
      {"add with a non-numeric array index", R"({"a":[1]})", R"([{"op":"add","path":"/a/x","value":1}])", "",
       "index out of range: /a/x"},
      {"move from a missing path", R"({})", R"([{"op":"move","from":"/a","path":"/b"}])", "",
       "jsonpatch move operation does not apply: doc is missing from path: /a"},
      {"move into its own child", R"({"a":{"b":{}}})", R"([{"op":"move","from":"/a","path":"/a/b/c"}])", "",
       "into its own child"},
      {"copy from a missing path", R"({})", R"([{"op":"copy","from":"/a","path":"/b"}])", "", "missing from path"},
      {"patch is not an array", R"({})", R"({"op":"add"})", "", "must be a JSON array", k::malformed},
      {"operation is not an object", R"({})", R"([1])", "", "must be a JSON object (patch[0])", k::malformed},
      {"op missing", R"({})", R"([{"path":"/a","value":1}])", "", "missing a string \"op\" (patch[0])",
       k::malformed},
      {"unknown op", R"({})", R"([{"op":"frob","path":"/a"}])", "", "unsupported operation \"frob\"",
       k::malformed},
      {"path missing", R"({})", R"([{"op":"add","value":1}])", "", "jsonpatch add operation: missing \"path\"",
       k::malformed},
      {"path not a pointer", R"({})", R"([{"op":"add","path":"a","value":1}])", "", "invalid path \"a\"",
       k::malformed},
      {"bad escape in path", R"({"a":1})", R"([{"op":"remove","path":"/a~2"}])", "", "invalid path",
       k::malformed},
      {"value missing", R"({"a":1})", R"([{"op":"replace","path":"/a"}])", "", "missing \"value\"", k::malformed},
      {"from missing", R"({"a":1})", R"([{"op":"copy","path":"/b"}])", "", "missing \"from\"", k::malformed},
  });
}
