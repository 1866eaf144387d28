#pragma once
// Filter TaintToleration: every NoSchedule and NoExecute taint of the node must be tolerated by the
// pod; the first one that is not names the reason, as Kubernetes words it:
// "node(s) had untolerated taint {key: value}". PreferNoSchedule taints never filter (they score).
#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

class taint_toleration final : public filter_plugin {
public:
  std::string_view name() const override { return "TaintToleration"; }
  fit filter(const troupe::core::v1::Pod& pod, const node_info& info) const override;

  /// Score input: how many PreferNoSchedule taints the pod does not tolerate (fewer is better).
  static int intolerable_preferred(const troupe::core::v1::Pod& pod,
                                   const troupe::core::v1::Node& node);
};

} // namespace troupe::scheduler
