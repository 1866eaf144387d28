#pragma once
// Metrics whose value is read when Prometheus scrapes (a prometheus::Collectable): open watches,
// the store's revision and history, open connections... Owners add a sampler while the thing
// they measure exists and remove it (by the returned id) before it goes; a sampler must be quick,
// thread-safe and must not block. Samplers with the same name form one family (label sets differ).

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace troupe::metrics {

enum class sample_type { gauge, counter };

struct sampler {
  std::string name;
  std::string help;
  sample_type type = sample_type::gauge;
  std::map<std::string, std::string> labels;
  std::function<double()> read;
};

class sampled_metrics : public prometheus::Collectable {
public:
  uint64_t add(sampler s);
  void remove(uint64_t id);
  std::vector<prometheus::MetricFamily> Collect() const override;

private:
  mutable std::mutex mu_;
  uint64_t next_ = 1;
  std::map<uint64_t, sampler> samplers_;
};

/// Removes its samplers when destroyed (owners keep one beside what they measure).
class sampler_set {
public:
  sampler_set() = default;
  explicit sampler_set(std::shared_ptr<sampled_metrics> target) : target_(std::move(target)) {}
  sampler_set(const sampler_set&) = delete;
  sampler_set& operator=(const sampler_set&) = delete;
  ~sampler_set() { clear(); }
  void add(sampler s) {
    if (target_)
      ids_.push_back(target_->add(std::move(s)));
  }
  void clear() {
    if (target_)
      for (auto id : ids_)
        target_->remove(id);
    ids_.clear();
  }

private:
  std::shared_ptr<sampled_metrics> target_;
  std::vector<uint64_t> ids_;
};

} // namespace troupe::metrics
