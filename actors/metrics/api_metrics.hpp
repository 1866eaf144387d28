#pragma once
// The API server's request metrics, named and labelled as kube-apiserver's so existing dashboards
// and queries work:
//   apiserver_request_total{verb, group, version, resource, subresource, scope, component, code}
//   apiserver_request_duration_seconds{verb, group, version, resource, subresource, scope, component}
//     (not for WATCH: long-running)
// verb is Kubernetes' request verb in capitals (GET, LIST, WATCH, POST, PUT, PATCH, DELETE,
// DELETECOLLECTION); for paths outside the resource tree it is the HTTP method, resource empty.
// Thread-safe; no CAF.

#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "actors/http/server.hpp"

namespace troupe::metrics {

/// The labels of one request, derived from its method, path and query.
struct request_labels {
  std::string verb;
  std::string group, version, resource, subresource;
  std::string scope;  // "cluster", "namespace", "resource" (one object), "" outside resources
};

/// Pure: classifies a request as kube-apiserver does for its metrics.
request_labels classify_request(const http::request_record& r);

class api_metrics {
public:
  explicit api_metrics(prometheus::Registry& registry);

  /// For http::server_options::observe.
  void observe(const http::request_record& r);

private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& durations_;
};

} // namespace troupe::metrics
