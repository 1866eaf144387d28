#include "actors/scheduler/node_name.hpp"

namespace troupe::scheduler {

fit node_name::filter(const troupe::core::v1::Pod& pod, const plugin_state*,
                          const node_info& info) const {
  const auto& node = info.node;
  const auto& wanted = pod.spec().nodename();
  if (wanted.empty() || wanted == node.metadata().name())
    return fit::ok();
  return fit::no(reason);
}

} // namespace troupe::scheduler
