#include "actors/metrics/api_metrics.hpp"

#include <cctype>

#include "actors/api/request_path.hpp"

namespace troupe::metrics {

namespace {

// kube-apiserver's buckets, with finer ones below 5 ms where our latency goal lies.
const prometheus::Histogram::BucketBoundaries& duration_buckets() {
  static const prometheus::Histogram::BucketBoundaries b{
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0,
    1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60};
  return b;
}

std::string upper(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool watch_requested(const http::request_record& r) {
  auto it = r.query.find("watch");
  return it != r.query.end() && (it->second == "true" || it->second == "1");
}

prometheus::Labels labels_of(const request_labels& l) {
  return {{"verb", l.verb},       {"group", l.group}, {"version", l.version},
          {"resource", l.resource}, {"subresource", l.subresource}, {"scope", l.scope},
          {"component", "apiserver"}};
}

} // namespace

request_labels classify_request(const http::request_record& r) {
  request_labels out;
  auto t = api::parse_request_path(r.path);
  std::optional<api::verb> v;
  if (t.is_resource())
    v = api::request_verb(r.method, t, t.legacy_watch || watch_requested(r));
  if (!v) {
    out.verb = upper(r.method);
    return out;
  }
  switch (*v) {
    case api::verb::get: out.verb = "GET"; break;
    case api::verb::list: out.verb = "LIST"; break;
    case api::verb::watch: out.verb = "WATCH"; break;
    case api::verb::create: out.verb = "POST"; break;
    case api::verb::update: out.verb = "PUT"; break;
    case api::verb::patch: out.verb = "PATCH"; break;
    case api::verb::delete_: out.verb = "DELETE"; break;
    case api::verb::deletecollection: out.verb = "DELETECOLLECTION"; break;
  }
  out.group = t.kind->group;
  out.version = t.kind->version;
  out.resource = t.kind->resource;
  out.subresource = t.subresource;
  out.scope = !t.name.empty() ? "resource" : t.ns.empty() ? "cluster" : "namespace";
  return out;
}

api_metrics::api_metrics(prometheus::Registry& registry)
  : requests_(prometheus::BuildCounter()
                .Name("apiserver_request_total")
                .Help("Counter of apiserver requests broken out for each verb, group, version, "
                      "resource, scope, component, and HTTP response code.")
                .Register(registry)),
    durations_(prometheus::BuildHistogram()
                 .Name("apiserver_request_duration_seconds")
                 .Help("Response latency distribution in seconds for each verb, group, version, "
                       "resource, subresource, scope and component (WATCH excluded).")
                 .Register(registry)) {}

void api_metrics::observe(const http::request_record& r) {
  auto l = classify_request(r);
  auto labels = labels_of(l);
  auto with_code = labels;
  with_code["code"] = std::to_string(r.status);
  requests_.Add(with_code).Increment();
  if (l.verb != "WATCH")
    durations_.Add(labels, duration_buckets()).Observe(r.seconds);
}

} // namespace troupe::metrics
