#pragma once
// NodeResourcesFit: the filter compares the pod's requests (resource_requests.hpp) plus what the
// node's pods already request with the node's allocatable, and the pod count with allowed pods;
// every shortfall is a reason, as Kubernetes words them: "Too many pods", "Insufficient cpu",
// "Insufficient memory" (fit_code unschedulable: a pod leaving may make room). A pod that
// requests nothing fits any node with room for one more pod.
// Its score is LeastAllocated (Kubernetes' default strategy): per resource (cpu, memory, weight 1
// each) (allocatable - non_zero_requested - the pod's non-zero request) * 100 / allocatable,
// averaged; a resource with allocatable 0 or already over scores 0.
// Worked example: allocatable 4000m / 8Gi, requested 1000m / 2Gi, pod 1000m / 2Gi →
// cpu (4000-2000)*100/4000 = 50, memory (8-4)*100/8 = 50 → 50.
#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

class node_resources_fit final : public filter_plugin, public score_plugin {
public:
  std::string_view name() const override { return "NodeResourcesFit"; }
  int64_t default_weight() const override { return 1; }
  /// Computes the pod's requests once.
  fit pre_filter(const troupe::core::v1::Pod& pod, const cluster_view& view,
                 std::unique_ptr<plugin_state>& state) const override;
  fit filter(const troupe::core::v1::Pod& pod, const plugin_state* state,
             const node_info& info) const override;
  /// Computes the pod's non-zero requests once.
  void pre_score(const troupe::core::v1::Pod& pod, const cluster_view& view,
                 const std::vector<const node_info*>& feasible,
                 std::unique_ptr<plugin_state>& state) const override;
  int64_t score(const troupe::core::v1::Pod& pod, const plugin_state* state,
                const node_info& info) const override;
};

} // namespace troupe::scheduler
