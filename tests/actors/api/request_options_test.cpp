#include <catch2/catch.hpp>

#include "actors/api/request_options.hpp"

namespace api = troupe::api;
namespace config = troupe::config;
using api::verb;

namespace {
const config::kind_info* kind(const char* api_version, const char* k) { return config::find_kind(api_version, k); }
} // namespace

TEST_CASE("query strings are split and decoded", "[unit][api][request_options]") {
  auto q = api::parse_query("fieldSelector=metadata.name%3Dweb&limit=500&labelSelector=a+in+(x)&flag&&x=");
  REQUIRE(q.size() == 5);
  CHECK(q[0] == std::make_pair(std::string("fieldSelector"), std::string("metadata.name=web")));
  CHECK(q[1].second == "500");
  CHECK(q[2].second == "a in (x)");
  CHECK(q[3] == std::make_pair(std::string("flag"), std::string()));
  CHECK(q[4] == std::make_pair(std::string("x"), std::string()));
  CHECK(api::parse_query("").empty());
}

TEST_CASE("list and watch parameters kubectl sends", "[unit][api][request_options]") {
  const auto* ns = kind("v1", "Namespace");
  auto r = api::parse_request_options(
      "allowWatchBookmarks=true&fieldSelector=metadata.name%3Dmayikt-sit&resourceVersion=1017&timeoutSeconds=412&watch=true", verb::list, ns);
  REQUIRE(r);
  CHECK(r.options.watch);
  CHECK(r.options.allow_watch_bookmarks);
  CHECK(r.options.resource_version == std::optional<std::string>("1017"));
  CHECK(r.options.resource_version_number() == 1017);
  CHECK(r.options.timeout_seconds == 412);
  CHECK(r.options.fields.requires_exact_match("metadata.name") == std::optional<std::string>("mayikt-sit"));

  auto list = api::parse_request_options("limit=500&resourceVersion=0&labelSelector=app%3Dnginx-pod", verb::list, kind("apps/v1", "ReplicaSet"));
  REQUIRE(list);
  CHECK_FALSE(list.options.watch);
  CHECK(list.options.limit == 500);
  CHECK(list.options.resource_version_number() == 0);
  std::map<std::string, std::string> labels{{"app", "nginx-pod"}};
  CHECK(list.options.labels.matches(labels));
  CHECK(list.options.include == api::include_object::metadata);

  auto events = api::parse_request_options(
      "fieldSelector=involvedObject.name%3Dp%2CinvolvedObject.namespace%3Ds%2CinvolvedObject.uid%3Du&limit=500", verb::list, kind("v1", "Event"));
  REQUIRE(events);
  CHECK(events.options.fields.requirements().size() == 3);

  auto sort = api::parse_request_options("includeObject=Object", verb::list, kind("v1", "Pod"));
  REQUIRE(sort);
  CHECK(sort.options.include == api::include_object::object);
  CHECK_FALSE(api::parse_request_options("", verb::list, nullptr).options.resource_version);
  CHECK(api::parse_request_options("resourceVersion=abc", verb::list, nullptr).options.resource_version_number() == -1);
}

TEST_CASE("write and delete parameters", "[unit][api][request_options]") {
  const auto* pod = kind("v1", "Pod");
  struct mode_case { std::string query; config::decode_mode mode; };
  for (const auto& c : std::vector<mode_case>{{"fieldManager=kubectl-create&fieldValidation=Strict", config::decode_mode::strict},
                                              {"fieldValidation=Ignore", config::decode_mode::ignore},
                                              {"fieldValidation=Warn", config::decode_mode::warn},
                                              {"fieldManager=kubectl-run", config::decode_mode::warn}}) {
    DYNAMIC_SECTION(c.query) {
      auto r = api::parse_request_options(c.query, verb::create, pod);
      REQUIRE(r);
      CHECK(r.options.field_validation == c.mode);
    }
  }
  auto create = api::parse_request_options("fieldManager=kubectl-create&dryRun=All", verb::create, pod);
  CHECK(create.options.field_manager == "kubectl-create");
  CHECK(create.options.dry_run);
  auto apply = api::parse_request_options("fieldManager=kubectl&fieldValidation=Strict&force=false", verb::patch, pod);
  REQUIRE(apply);
  CHECK_FALSE(apply.options.force);
  auto del = api::parse_request_options("propagationPolicy=Foreground&gracePeriodSeconds=0", verb::delete_, pod);
  REQUIRE(del);
  CHECK(del.options.propagation_policy == std::optional<std::string>("Foreground"));
  CHECK(del.options.grace_period_seconds == 0);
}

TEST_CASE("rejected parameters get upstream's answers", "[unit][api][request_options]") {
  const auto* pod = kind("v1", "Pod");
  struct reject_case { std::string name, query; verb v; int code; std::string message; };
  const std::vector<reject_case> cases{
      {"unsupported field label", "fieldSelector=spec.foo%3Dbar", verb::list, 400, "field label not supported: spec.foo"},
      {"field label of another kind", "fieldSelector=involvedObject.name%3Dx", verb::list, 400,
       "field label not supported: involvedObject.name"},
      {"bad field selector", "fieldSelector=a", verb::list, 400, "invalid selector: 'a'; can't understand 'a'"},
      {"bad label selector", "labelSelector=a%20b", verb::list, 400, ""},
      {"limit not a number", "limit=many", verb::list, 400, ""},
      {"watch not a boolean", "watch=yes", verb::list, 400, ""},
      {"includeObject", "includeObject=All", verb::list, 400, "unrecognized includeObject value: \"All\""},
      {"fieldValidation", "fieldValidation=strict", verb::create, 422,
       R"(CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "strict": supported values: "Ignore", "Strict", "Warn")"},
      {"fieldValidation on patch", "fieldValidation=x", verb::patch, 422,
       R"(PatchOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "x": supported values: "Ignore", "Strict", "Warn")"},
      {"dryRun", "dryRun=Some", verb::update, 422,
       R"(UpdateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: "Some": supported values: "All")"},
      {"propagationPolicy", "propagationPolicy=Now", verb::delete_, 422,
       R"(DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Now": supported values: "Foreground", "Background", "Orphan")"},
      {"resourceVersionMatch without resourceVersion", "resourceVersionMatch=NotOlderThan", verb::list, 422,
       R"(ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided)"},
      {"resourceVersionMatch on watch", "watch=true&resourceVersion=5&resourceVersionMatch=Exact", verb::list, 422,
       R"(ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch)"},
      {"resourceVersionMatch value", "resourceVersion=5&resourceVersionMatch=Newest", verb::list, 422, ""},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto r = api::parse_request_options(c.query, c.v, pod);
      REQUIRE_FALSE(r);
      INFO(r.error->body.dump());
      CHECK(r.error->code == c.code);
      CHECK(r.error->reason() == (c.code == 400 ? "BadRequest" : "Invalid"));
      if (!c.message.empty())
        CHECK(r.error->message() == c.message);
      else
        CHECK_FALSE(r.error->message().empty());
    }
  }
  // parameters a verb does not use are ignored
  CHECK(api::parse_request_options("fieldValidation=bogus", verb::get, pod));
  CHECK(api::parse_request_options("fieldSelector=spec.foo%3Dbar", verb::create, pod));
  CHECK(api::parse_request_options("resourceVersion=5&resourceVersionMatch=NotOlderThan", verb::list, pod));
}
