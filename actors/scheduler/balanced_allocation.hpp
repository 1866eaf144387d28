#pragma once
// Score NodeResourcesBalancedAllocation: prefers the node where cpu and memory would be used in
// the most equal fractions after placing the pod. fraction_r = (non_zero_requested_r + the pod's
// non-zero request_r) / allocatable_r (capped at 1); score = (1 - std deviation of the fractions)
// * 100; for two resources the deviation is |f_cpu - f_mem| / 2.
// Worked example: cpu 2000m of 4000m (0.5), memory 6Gi of 8Gi (0.75) → std 0.125 → 87.
#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

class balanced_allocation final : public score_plugin {
public:
  std::string_view name() const override { return "NodeResourcesBalancedAllocation"; }
  int64_t default_weight() const override { return 1; }
  void pre_score(const troupe::core::v1::Pod& pod, const cluster_view& view,
                 const std::vector<const node_info*>& feasible,
                 std::unique_ptr<plugin_state>& state) const override;
  int64_t score(const troupe::core::v1::Pod& pod, const plugin_state* state,
                const node_info& info) const override;
};

} // namespace troupe::scheduler
