#pragma once
// etcd's own counters, read from its Prometheus endpoint (GET /metrics on the client URL), so the
// benchmark can show how many WAL syncs etcd did for a number of writes.

#include <optional>
#include <string>

namespace troupe::benchmarks::etcd {

/// The body of GET http://<endpoint>/metrics (endpoint is 127.0.0.1:port); nullopt and `error`
/// set when the request fails.
std::optional<std::string> fetch_metrics(const std::string& endpoint, std::string& error);

/// The value of an unlabelled sample `name` in Prometheus text format; nullopt if absent.
std::optional<double> metric_value(const std::string& text, const std::string& name);

} // namespace troupe::benchmarks::etcd
