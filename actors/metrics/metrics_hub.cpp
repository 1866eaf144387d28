#include "actors/metrics/metrics_hub.hpp"

#include <prometheus/text_serializer.h>

namespace troupe::metrics {

std::vector<std::weak_ptr<prometheus::Collectable>> metrics_hub::collectables() const {
  return {registry, sampled, process};
}

std::string metrics_hub::text() const {
  std::vector<prometheus::MetricFamily> all;
  for (const auto& weak : collectables())
    if (auto c = weak.lock()) {
      auto families = c->Collect();
      all.insert(all.end(), std::make_move_iterator(families.begin()), std::make_move_iterator(families.end()));
    }
  return prometheus::TextSerializer{}.Serialize(all);
}

} // namespace troupe::metrics
