#pragma once
// Filter TaintToleration: every NoSchedule and NoExecute taint of the node must be tolerated by the
// pod; the first one that is not names the reason, as Kubernetes words it:
// "node(s) had untolerated taint {key: value}". PreferNoSchedule taints never filter (they score).
#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

class taint_toleration final : public filter_plugin, public score_plugin {
public:
  std::string_view name() const override { return "TaintToleration"; }
  int64_t default_weight() const override { return 3; }
  /// Score: the intolerable PreferNoSchedule taints; normalized reversed (fewest → 100).
  int64_t score(const troupe::core::v1::Pod& pod, const plugin_state* state,
                const node_info& info) const override;
  void normalize(std::vector<int64_t>& scores) const override { default_normalize(scores, true); }
  fit filter(const troupe::core::v1::Pod& pod, const plugin_state* state,
             const node_info& info) const override;

  /// Score input: how many PreferNoSchedule taints the pod does not tolerate (fewer is better).
  static int intolerable_preferred(const troupe::core::v1::Pod& pod,
                                   const troupe::core::v1::Node& node);
};

} // namespace troupe::scheduler
