// The metrics module: request classification as kube-apiserver labels it, /proc/<pid>/stat parsing,
// sampled metrics, and the store's observer feeding its histograms.
#include <catch2/catch.hpp>

#include "actors/metrics/metrics_hub.hpp"
#include "config/kinds.hpp"
#include "proto/core_v1.pb.h"
#include "store/object_store.hpp"

using namespace troupe;

namespace {

http::request_record rec(std::string method, std::string path, std::multimap<std::string, std::string> query = {}) {
  http::request_record r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.status = 200;
  r.seconds = 0.002;
  return r;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

} // namespace

TEST_CASE("requests are classified with kube-apiserver's metric labels", "[metrics]") {
  struct row {
    const char* name;
    http::request_record in;
    metrics::request_labels want;
  };
  std::vector<row> rows{
    {"get one pod", rec("GET", "/api/v1/namespaces/default/pods/web"), {"GET", "", "v1", "pods", "", "resource"}},
    {"list pods in a namespace", rec("GET", "/api/v1/namespaces/default/pods"),
     {"LIST", "", "v1", "pods", "", "namespace"}},
    {"list pods everywhere", rec("GET", "/api/v1/pods"), {"LIST", "", "v1", "pods", "", "cluster"}},
    {"watch deployments", rec("GET", "/apis/apps/v1/namespaces/a/deployments", {{"watch", "true"}}),
     {"WATCH", "apps", "v1", "deployments", "", "namespace"}},
    {"legacy watch path", rec("GET", "/api/v1/watch/namespaces/a/pods"), {"WATCH", "", "v1", "pods", "", "namespace"}},
    {"create", rec("POST", "/apis/apps/v1/namespaces/a/replicasets"),
     {"POST", "apps", "v1", "replicasets", "", "namespace"}},
    {"scale subresource", rec("PATCH", "/apis/apps/v1/namespaces/a/deployments/web/scale"),
     {"PATCH", "apps", "v1", "deployments", "scale", "resource"}},
    {"delete a node", rec("DELETE", "/api/v1/nodes/n1"), {"DELETE", "", "v1", "nodes", "", "resource"}},
    {"delete a collection", rec("DELETE", "/api/v1/namespaces/a/pods"),
     {"DELETECOLLECTION", "", "v1", "pods", "", "namespace"}},
    {"non-resource path", rec("GET", "/version"), {"GET", "", "", "", "", ""}},
    {"unknown resource", rec("GET", "/apis/nope/v1/things"), {"GET", "", "", "", "", ""}},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto got = metrics::classify_request(r.in);
    CHECK(got.verb == r.want.verb);
    CHECK(got.group == r.want.group);
    CHECK(got.version == r.want.version);
    CHECK(got.resource == r.want.resource);
    CHECK(got.subresource == r.want.subresource);
    CHECK(got.scope == r.want.scope);
  }
}

TEST_CASE("/proc/<pid>/stat lines parse from the last parenthesis", "[metrics]") {
  // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  // utime(14) stime(15) cutime cstime priority nice threads(20) itrealvalue starttime(22) vsize(23) rss(24) ...
  const std::string tail = " S 1 1 1 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 7 0 12345 104857600 2048 18446744073709551615";
  struct row {
    const char* name;
    std::string line;
    bool ok;
  };
  std::vector<row> rows{
    {"plain name", "4242 (troupe-server)" + tail, true},
    {"name with spaces and parens", "4242 (a (b) c)" + tail, true},
    {"truncated", "4242 (x) S 1 1 1", false},
    {"no parenthesis", "4242 x S", false},
    {"not a number", "4242 (x) S 1 1 1 0 -1 4194560 100 0 0 0 abc 50 0 0 20 0 7 0 12345 104857600 2048 1", false},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto s = metrics::parse_proc_stat(r.line);
    REQUIRE(s.has_value() == r.ok);
    if (!r.ok)
      continue;
    CHECK(s->utime_ticks == 250);
    CHECK(s->stime_ticks == 50);
    CHECK(s->threads == 7);
    CHECK(s->start_ticks == 12345);
    CHECK(s->vsize_bytes == 104857600);
    CHECK(s->rss_pages == 2048);
  }
}

TEST_CASE("the hub's text has request, process and sampled metrics", "[metrics]") {
  metrics::metrics_hub hub;
  auto ok = rec("GET", "/api/v1/namespaces/default/pods/web");
  hub.api->observe(ok);
  hub.api->observe(ok);
  auto missing = rec("GET", "/api/v1/namespaces/default/pods/nope");
  missing.status = 404;
  hub.api->observe(missing);
  auto watch = rec("GET", "/api/v1/pods", {{"watch", "1"}});
  hub.api->observe(watch);
  double open = 3;
  {
    metrics::sampler_set set(hub.sampled);
    set.add({"apiserver_longrunning_requests", "Watches open now.", metrics::sample_type::gauge, {{"verb", "WATCH"}},
             [&open] { return open; }});
    auto text = hub.text();
    CHECK(contains(text, "apiserver_request_total{code=\"200\",component=\"apiserver\",group=\"\",resource=\"pods\","
                         "scope=\"resource\",subresource=\"\",verb=\"GET\",version=\"v1\"} 2"));
    CHECK(contains(text, "code=\"404\""));
    CHECK(contains(text, "verb=\"WATCH\",version=\"v1\"} 1"));
    // WATCH is long-running: counted, but no latency observation.
    CHECK_FALSE(contains(text, "apiserver_request_duration_seconds_count{component=\"apiserver\",group=\"\","
                               "resource=\"pods\",scope=\"cluster\",subresource=\"\",verb=\"WATCH\""));
    CHECK(contains(text, "apiserver_request_duration_seconds_bucket{component=\"apiserver\",group=\"\","
                         "resource=\"pods\",scope=\"resource\",subresource=\"\",verb=\"GET\",version=\"v1\",le=\"0.0025\"} 3"));
    CHECK(contains(text, "apiserver_longrunning_requests{verb=\"WATCH\"} 3"));
    CHECK(contains(text, "process_resident_memory_bytes "));
    CHECK(contains(text, "process_cpu_seconds_total "));
  }
  // The sampler went with its set.
  CHECK_FALSE(contains(hub.text(), "apiserver_longrunning_requests"));
}

TEST_CASE("the store reports writes and group commits to its observer", "[metrics]") {
  metrics::metrics_hub hub;
  store::store_options opts;
  opts.observer = hub.store;
  auto opened = store::make_memory_store(opts);
  auto& st = *opened;
  const auto& kind = *config::find_kind("v1", "ConfigMap");
  troupe::core::v1::ConfigMap cm;
  cm.mutable_metadata()->set_name("a");
  cm.mutable_metadata()->set_namespace_("default");
  REQUIRE(st.create(kind, cm, {1700000000, 0}).ok());
  CHECK_FALSE(st.create(kind, cm, {1700000000, 0}).ok());  // AlreadyExists: refused
  metrics::sampler_set set(hub.sampled);
  for (auto& s : metrics::store_samplers(st))
    set.add(std::move(s));
  auto text = hub.text();
  CHECK(contains(text, "troupe_store_write_duration_seconds_count{operation=\"create\",result=\"ok\"} 1"));
  CHECK(contains(text, "troupe_store_write_duration_seconds_count{operation=\"create\",result=\"refused\"} 1"));
  CHECK(contains(text, "troupe_store_commit_batch_size_count 1"));
  CHECK(contains(text, "troupe_store_revision 1"));
  CHECK(contains(text, "troupe_store_writes_total 1"));
  CHECK(contains(text, "troupe_store_rejected_writes_total 1"));
}
