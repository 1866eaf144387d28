#pragma once
// Filter NodeName: a pod that names its node (spec.nodeName) fits only there.
#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

class node_name final : public filter_plugin {
public:
  static constexpr const char* reason = "node(s) didn't match the requested node name";
  std::string_view name() const override { return "NodeName"; }
  fit filter(const troupe::core::v1::Pod& pod, const plugin_state* state,
             const node_info& info) const override;
};

} // namespace troupe::scheduler
