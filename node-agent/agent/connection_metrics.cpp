#include "node-agent/agent/connection_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>

namespace troupe::node_agent {

connection_metrics connection_metrics::create(prometheus::Registry& registry, const std::string& node_name) {
  const std::map<std::string, std::string> labels{{"node", node_name}};
  auto counter = [&](const char* name, const char* help) {
    return &prometheus::BuildCounter().Name(name).Help(help).Register(registry).Add(labels);
  };
  auto gauge = [&](const char* name, const char* help) {
    return &prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add(labels);
  };
  connection_metrics m;
  m.registrations = counter("troupe_node_registrations_total",
                            "Registrations of this node accepted by the server");
  m.connection_losses = counter("troupe_node_connection_losses_total",
                                "Sessions ended by a DOWN or failed heartbeats");
  m.connected = gauge("troupe_node_connected", "1 while the node is registered");
  m.reports = counter("troupe_node_reports_total", "Batched reports sent to the session");
  m.reported_statuses =
    counter("troupe_node_reported_pod_statuses_total", "Pod statuses sent in reports");
  m.reported_events = counter("troupe_node_reported_events_total", "Events sent in reports");
  m.pod_actors = gauge("troupe_node_pod_actors", "Pod actors running on this node");
  return m;
}

void connection_metrics::registered() {
  if (registrations)
    registrations->Increment();
  if (connected)
    connected->Set(1);
}

void connection_metrics::lost_connection() {
  if (connection_losses)
    connection_losses->Increment();
  if (connected)
    connected->Set(0);
}

void connection_metrics::reported(std::size_t statuses, std::size_t events) {
  if (reports)
    reports->Increment();
  if (reported_statuses)
    reported_statuses->Increment(static_cast<double>(statuses));
  if (reported_events)
    reported_events->Increment(static_cast<double>(events));
}

void connection_metrics::set_pod_actors(std::size_t n) {
  if (pod_actors)
    pod_actors->Set(static_cast<double>(n));
}

} // namespace troupe::node_agent
