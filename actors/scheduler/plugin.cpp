#include "actors/scheduler/plugin.hpp"

#include <algorithm>
#include <map>

namespace troupe::scheduler {

std::string fit_summary(size_t nodes, const std::vector<std::string>& reasons) {
  std::map<std::string, size_t> counts;
  for (const auto& r : reasons)
    ++counts[r];
  std::vector<std::string> parts;
  for (const auto& [reason, n] : counts)
    parts.push_back(std::to_string(n) + " " + reason);
  std::sort(parts.begin(), parts.end());  // kube-scheduler sorts the "N reason" strings
  std::string out = "0/" + std::to_string(nodes) + " nodes are available";
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i == 0 ? ": " : ", ") + parts[i];
  return out + ".";
}

} // namespace troupe::scheduler
