#include "actors/scheduler/balanced_allocation.hpp"

#include <cmath>

#include "actors/scheduler/resource_requests.hpp"

namespace troupe::scheduler {

namespace v1 = troupe::core::v1;

namespace {

struct requests_state final : plugin_state {
  explicit requests_state(resources r) : requests(r) {}
  resources requests;
};

} // namespace

void balanced_allocation::pre_score(const v1::Pod& pod, const cluster_view&,
                                    const std::vector<const node_info*>&,
                                    std::unique_ptr<plugin_state>& state) const {
  state = std::make_unique<requests_state>(pod_requests(pod));
}

int64_t balanced_allocation::score(const v1::Pod& pod, const plugin_state* state,
                                   const node_info& info) const {
  // `state` is null or what pre_score left.
  return balanced(state ? static_cast<const requests_state*>(state)->requests : pod_requests(pod),
                  info);
}

int64_t balanced_allocation::balanced(const resources& pod_request, const node_info& info) {
  const int64_t requested[2] = {info.requested.milli_cpu + pod_request.milli_cpu,
                                info.requested.memory + pod_request.memory};
  const int64_t allocatable[2] = {info.allocatable.milli_cpu, info.allocatable.memory};
  double fractions[2];
  int n = 0;
  for (int i = 0; i < 2; ++i) {
    if (allocatable[i] == 0)
      continue;
    double f = static_cast<double>(requested[i]) / static_cast<double>(allocatable[i]);
    fractions[n++] = f > 1 ? 1 : f;
  }
  // Kubernetes' shortcut for two resources; with one (or none) the deviation is 0.
  const double std_dev = n == 2 ? std::abs((fractions[0] - fractions[1]) / 2) : 0.0;
  return static_cast<int64_t>((1 - std_dev) * static_cast<double>(max_node_score));
}

} // namespace troupe::scheduler
