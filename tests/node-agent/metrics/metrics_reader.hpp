#pragma once
// Reading one series out of a prometheus-cpp registry in tests: find(registry, name, labels)
// returns the series of family `name` whose labels include all of `labels`, or none.

#include <map>
#include <optional>
#include <string>

#include <prometheus/client_metric.h>
#include <prometheus/registry.h>

namespace troupe::testing {

inline std::optional<prometheus::ClientMetric>
find_series(const prometheus::Registry& registry, const std::string& name,
            const std::map<std::string, std::string>& labels = {}) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name)
      continue;
    for (const auto& m : family.metric) {
      size_t matched = 0;
      for (const auto& l : m.label)
        if (auto it = labels.find(l.name); it != labels.end() && it->second == l.value)
          ++matched;
      if (matched == labels.size())
        return m;
    }
  }
  return std::nullopt;
}

/// The count of a histogram's bucket with upper bound `le` (cumulative), or -1.
inline long bucket_count(const prometheus::ClientMetric& m, double le) {
  for (const auto& b : m.histogram.bucket)
    if (b.upper_bound == le)
      return static_cast<long>(b.cumulative_count);
  return -1;
}

} // namespace troupe::testing
