#pragma once
// One process's metrics: a prometheus-cpp registry for counters and histograms, sampled metrics
// read at scrape time, and the process_* metrics. The server builds one hub at start and hands it
// to what it measures (API server, store, supervisors); /metrics serves text() (on the metrics
// address through prometheus-cpp's exposer, and on the API port behind the bearer token).

#include <memory>
#include <string>
#include <vector>

#include <prometheus/registry.h>

#include "actors/metrics/api_metrics.hpp"
#include "actors/metrics/process_metrics.hpp"
#include "actors/metrics/sampled_metrics.hpp"
#include "actors/metrics/store_metrics.hpp"

namespace troupe::metrics {

struct metrics_hub {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  std::shared_ptr<sampled_metrics> sampled = std::make_shared<sampled_metrics>();
  std::shared_ptr<process_metrics> process = std::make_shared<process_metrics>();
  std::shared_ptr<api_metrics> api = std::make_shared<api_metrics>(*registry);
  std::shared_ptr<store_metrics> store = std::make_shared<store_metrics>(*registry);

  /// Everything, for prometheus::Exposer::RegisterCollectable.
  std::vector<std::weak_ptr<prometheus::Collectable>> collectables() const;
  /// The Prometheus text exposition (version 0.0.4) of everything.
  std::string text() const;
};

} // namespace troupe::metrics
