#include "actors/scheduler/plugin.hpp"

#include <algorithm>
#include <map>

#include "actors/scheduler/resource_requests.hpp"

namespace troupe::scheduler {

std::vector<std::string> fit::reasons() const {
  std::vector<std::string> out;
  for (const char* r : fixed)
    if (r)
      out.emplace_back(r);
  out.insert(out.end(), built.begin(), built.end());
  return out;
}

std::string fit::reason() const {
  if (fixed[0])
    return fixed[0];
  return built.empty() ? std::string() : built.front();
}

node_info::node_info(const troupe::core::v1::Node& n)
  : node(n), allocatable(node_allocatable(n)), allowed_pods(node_allowed_pods(n)),
    unschedulable(n.spec().unschedulable()), taints(n.spec().taints_size()) {
}

void default_normalize(std::vector<int64_t>& scores, bool reverse) {
  int64_t max = 0;
  for (auto s : scores)
    max = std::max(max, s);
  for (auto& s : scores) {
    if (max == 0)
      s = reverse ? max_node_score : 0;
    else
      s = reverse ? max_node_score - s * max_node_score / max : s * max_node_score / max;
  }
}

std::string fit_summary(size_t nodes, const std::vector<std::string>& reasons) {
  std::map<std::string, size_t> counts;
  for (const auto& r : reasons)
    ++counts[r];
  return fit_summary_counted(nodes, counts);
}

std::string fit_summary_counted(size_t nodes, const std::map<std::string, size_t>& counts) {
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
