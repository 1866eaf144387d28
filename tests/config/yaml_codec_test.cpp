#include <catch2/catch.hpp>

#include "config/yaml_codec.hpp"

using namespace troupe::config;
using nlohmann::json;

TEST_CASE("plain YAML scalars resolve as go-yaml resolves them", "[unit][yaml]") {
  struct row {
    const char* yaml;
    json expected;
  };
  const row rows[] = {
    {"v: 80", 80},
    {"v: \"80\"", "80"},
    {"v: '80'", "80"},
    {"v: -3", -3},
    {"v: 1_000", 1000},
    {"v: 0x1F", 31},
    {"v: 1.5", 1.5},
    {"v: 1e3", 1000.0},
    {"v: true", true},
    {"v: yes", true},
    {"v: Off", false},
    {"v: ~", nullptr},
    {"v: null", nullptr},
    {"v:", nullptr},
    {"v: nginx:1.17", "nginx:1.17"},
    {"v: 100m", "100m"},
    {"v: '*/5 * * * *'", "*/5 * * * *"},
    {"v: !!str 12", "12"},
    {"v: 2026-11-27", "2026-11-27"},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.yaml) {
      auto docs = parse_yaml(r.yaml);
      REQUIRE(docs.ok());
      REQUIRE(docs.documents.size() == 1);
      CHECK(docs.documents[0]["v"] == r.expected);
    }
  }
}

TEST_CASE("YAML output is kubectl's -o yaml layout and reads back the same", "[unit][yaml]") {
  json j = {
    {"apiVersion", "v1"},
    {"kind", "Pod"},
    {"metadata", {{"name", "p"}, {"labels", {{"app", "web"}}}, {"annotations", {{"a", "true"}, {"b", "80"}, {"c", ""}}}}},
    {"spec",
     {{"containers",
       json::array({{{"name", "c"}, {"image", "busybox:1.36"}, {"args", {"-c", "echo: hi", "#x"}}, {"resources", json::object()}}})},
      {"nodeSelector", json::object()},
      {"terminationGracePeriodSeconds", 30}}},
    {"data", "line1\nline2\n"},
  };
  const std::string expected = R"(apiVersion: v1
data: |
  line1
  line2
kind: Pod
metadata:
  annotations:
    a: "true"
    b: "80"
    c: ""
  labels:
    app: web
  name: p
spec:
  containers:
  - args:
    - -c
    - 'echo: hi'
    - '#x'
    image: busybox:1.36
    name: c
    resources: {}
  nodeSelector: {}
  terminationGracePeriodSeconds: 30
)";
  auto text = to_yaml(j);
  CHECK(text == expected);
  auto back = parse_yaml(text);
  REQUIRE(back.ok());
  CHECK(back.documents[0] == j);
}

TEST_CASE("strings go-yaml would read as timestamps are double-quoted, as kubectl prints them", "[unit][yaml]") {
  struct row {
    const char* in;
    const char* out;
  };
  const row rows[] = {
    {"2024-05-01T10:00:00Z", "\"2024-05-01T10:00:00Z\""},
    {"2024-05-01", "\"2024-05-01\""},
    {"2024-5-1 10:00:00.5", "\"2024-5-1 10:00:00.5\""},
    {"2024-05-01T10:00:00+02:00", "\"2024-05-01T10:00:00+02:00\""},
    {"2024-05-01x", "2024-05-01x"},  // not a timestamp: plain
    {"v2024-05-01", "v2024-05-01"},
    {"1.2.3", "1.2.3"},
  };
  for (const auto& r : rows) {
    INFO(r.in);
    CHECK(to_yaml(json{{"k", r.in}}) == std::string("k: ") + r.out + "\n");
    auto back = parse_yaml(to_yaml(json{{"k", r.in}}));
    REQUIRE(back.ok());
    CHECK(back.documents[0]["k"] == r.in);
  }
}

TEST_CASE("YAML errors carry the line", "[unit][yaml]") {
  auto docs = parse_yaml("a: 1\nb: [1, 2\n");
  CHECK_FALSE(docs.ok());
  CHECK(docs.error.rfind("yaml: line ", 0) == 0);
}

TEST_CASE("documents: several, empty ones skipped", "[unit][yaml]") {
  auto docs = parse_yaml("---\na: 1\n---\n---\nb: 2\n...\n");
  REQUIRE(docs.ok());
  REQUIRE(docs.documents.size() == 2);
  CHECK(docs.documents[1]["b"] == 2);
}
