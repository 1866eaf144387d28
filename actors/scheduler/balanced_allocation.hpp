#pragma once
// Score NodeResourcesBalancedAllocation (Kubernetes 1.32): prefers the node where cpu and memory
// would be used in the most equal fractions after placing the pod.
//   fraction_r = (requested_r + the pod's request_r) / allocatable_r, capped at 1, for each
//   resource the node has (allocatable 0: left out);
//   score = int((1 - std deviation of the fractions) * 100); for two resources the deviation is
//   |f_cpu - f_mem| / 2, for one or none it is 0 (score 100).
// As Kubernetes since 1.23 (PR #105845, useRequested), this counts the real requests — the
// node's `requested` and pod_requests — not the non-zero defaults LeastAllocated uses; a pod
// requesting nothing is scored by the node's own balance. (1.33 skips such best-effort pods
// altogether, kubernetes#129138; 1.32 does not.) Doubles as in Go, so scores match to the unit.
// Worked example: cpu 2000m of 4000m (0.5), memory 6Gi of 8Gi (0.75) → std 0.125 → 87.5 → 87.
#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

class balanced_allocation final : public score_plugin {
public:
  std::string_view name() const override { return "NodeResourcesBalancedAllocation"; }
  int64_t default_weight() const override { return 1; }
  /// Computes the pod's requests once.
  void pre_score(const troupe::core::v1::Pod& pod, const cluster_view& view,
                 const std::vector<const node_info*>& feasible,
                 std::unique_ptr<plugin_state>& state) const override;
  /// 0..100 already (no normalize); without pre_score's state computes the requests on the spot.
  int64_t score(const troupe::core::v1::Pod& pod, const plugin_state* state,
                const node_info& info) const override;

  /// The score for a node given the pod's requests (Kubernetes' balancedResourceScorer).
  static int64_t balanced(const resources& pod_request, const node_info& info);
};

} // namespace troupe::scheduler
