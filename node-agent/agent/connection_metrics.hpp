#pragma once
// The node actor's Prometheus metrics (served by troupe-node on --metrics-address). CAF-free.
// Built on the process's registry; a default-constructed connection_metrics counts nothing (tests,
// embedding without metrics).
//   troupe_node_registrations_total        registrations accepted by the server
//   troupe_node_connection_losses_total    DOWNs and failed heartbeats that ended a session
//   troupe_node_connected                  1 while registered
//   troupe_node_reports_total              report_atom messages sent
//   troupe_node_reported_pod_statuses_total, troupe_node_reported_events_total
//   troupe_node_pod_actors                 pod actors running

#include <memory>

namespace prometheus {
class Counter;
class Gauge;
class Registry;
} // namespace prometheus

namespace troupe::node_agent {

struct connection_metrics {
  prometheus::Counter* registrations = nullptr;
  prometheus::Counter* connection_losses = nullptr;
  prometheus::Gauge* connected = nullptr;
  prometheus::Counter* reports = nullptr;
  prometheus::Counter* reported_statuses = nullptr;
  prometheus::Counter* reported_events = nullptr;
  prometheus::Gauge* pod_actors = nullptr;

  /// Registers the metrics in `registry` (kept alive by the caller) with a node label.
  static connection_metrics create(prometheus::Registry& registry, const std::string& node_name);

  void registered();
  void lost_connection();
  void reported(std::size_t statuses, std::size_t events);
  void set_pod_actors(std::size_t n);
};

} // namespace troupe::node_agent
