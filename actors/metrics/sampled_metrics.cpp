#include "actors/metrics/sampled_metrics.hpp"

namespace troupe::metrics {

uint64_t sampled_metrics::add(sampler s) {
  std::lock_guard<std::mutex> lock(mu_);
  auto id = next_++;
  samplers_.emplace(id, std::move(s));
  return id;
}

void sampled_metrics::remove(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  samplers_.erase(id);
}

std::vector<prometheus::MetricFamily> sampled_metrics::Collect() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, prometheus::MetricFamily> families;
  for (const auto& [id, s] : samplers_) {
    auto& f = families[s.name];
    if (f.name.empty()) {
      f.name = s.name;
      f.help = s.help;
      f.type = s.type == sample_type::gauge ? prometheus::MetricType::Gauge : prometheus::MetricType::Counter;
    }
    prometheus::ClientMetric m;
    for (const auto& [k, v] : s.labels)
      m.label.push_back({k, v});
    const double value = s.read ? s.read() : 0;
    if (s.type == sample_type::gauge)
      m.gauge.value = value;
    else
      m.counter.value = value;
    f.metric.push_back(std::move(m));
  }
  std::vector<prometheus::MetricFamily> out;
  for (auto& [name, f] : families)
    out.push_back(std::move(f));
  return out;
}

} // namespace troupe::metrics
