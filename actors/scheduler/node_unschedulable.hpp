#pragma once
// Filter NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// taint node.kubernetes.io/unschedulable:NoSchedule.
#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

class node_unschedulable final : public filter_plugin {
public:
  static constexpr const char* reason = "node(s) were unschedulable";
  static constexpr const char* taint_key = "node.kubernetes.io/unschedulable";
  std::string_view name() const override { return "NodeUnschedulable"; }
  fit filter(const troupe::core::v1::Pod& pod, const plugin_state* state,
             const node_info& info) const override;
};

} // namespace troupe::scheduler
