// describe layouts that need no server: the namespace block, events with counts and ages, the
// generic describer, and kubectl's time format. (Each kind's layout is also compared with real
// kubectl in cli_e2e_test.cpp.)
#include <catch2/catch.hpp>

#include "cli/describe_printer.hpp"
#include "config/time_format.hpp"

using namespace troupe::cli;
using nlohmann::json;

namespace {

int64_t at(const char* rfc3339) { return troupe::config::parse_rfc3339(rfc3339)->seconds; }

} // namespace

TEST_CASE("describe: a namespace", "[unit][cli]") {
  json ns = json::parse(R"({"kind":"Namespace","metadata":{"name":"demo","labels":{"kubernetes.io/metadata.name":"demo","team":"a"}},
                            "status":{"phase":"Active"}})");
  describe_context ctx;
  CHECK(describe_object(ns, ctx) ==
        "Name:         demo\n"
        "Labels:       kubernetes.io/metadata.name=demo\n"
        "              team=a\n"
        "Annotations:  <none>\n"
        "Status:       Active\n");
  ctx.has_resource_quotas = true;
  CHECK(describe_object(ns, ctx).find("Status:       Active\n\nNo resource quota.\n") != std::string::npos);
}

TEST_CASE("describe: generic kinds and the events table", "[unit][cli]") {
  json ep = json::parse(R"({"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"web","namespace":"demo",
      "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}","note":"x"}},
      "subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":80}]}]})");
  describe_context ctx;
  ctx.now = at("2024-01-01T10:05:00Z");
  ctx.events = json::parse(R"([
    {"type":"Normal","reason":"Created","message":"made\n","count":3,"firstTimestamp":"2024-01-01T10:00:00Z",
     "lastTimestamp":"2024-01-01T10:04:50Z","source":{"component":"endpoints-controller"}},
    {"type":"Warning","reason":"Failed","message":"oops","lastTimestamp":"2024-01-01T10:04:59Z",
     "source":{"component":"kubelet","host":"n1"}}])");
  std::string text = describe_object(ep, ctx);
  INFO(text);
  CHECK(text.rfind("Name:         web\nNamespace:    demo\nLabels:       <none>\nAnnotations:  note: x\n"
                   "API Version:  v1\nKind:         Endpoints\n", 0) == 0);
  CHECK(text.find("Subsets:\n  Addresses:\n    Ip:  10.0.0.1\n") != std::string::npos);
  CHECK(text.find("Events:\n"
                  "  Type     Reason   Age               From                  Message\n"
                  "  ----     ------   ----              ----                  -------\n"
                  "  Normal   Created  10s (x3 over 5m)  endpoints-controller  made\n"
                  "  Warning  Failed   1s                kubelet               oops\n")
        != std::string::npos);
  ctx.events = json::array();
  CHECK(describe_object(ep, ctx).find("\nEvents:") != std::string::npos);
}

TEST_CASE("describe: times and titles as kubectl writes them", "[unit][cli]") {
  CHECK(describe_time("2024-03-05T07:08:09Z") == "Tue, 05 Mar 2024 07:08:09 +0000");
  CHECK(describe_time("") == "<unset>");
  CHECK(title_words("creationTimestamp") == "Creation Timestamp");
  CHECK(title_words("podIPs") == "Pod I Ps");
  CHECK(title_words("apiVersion") == "Api Version");
}
