#include "actors/scheduler/node_unschedulable.hpp"

#include "actors/scheduler/tolerations.hpp"

namespace troupe::scheduler {

fit node_unschedulable::filter(const troupe::core::v1::Pod& pod, const plugin_state*,
                          const node_info& info) const {
  if (!info.unschedulable)
    return fit::ok();
  troupe::core::v1::Taint cordon;
  cordon.set_key(taint_key);
  cordon.set_effect("NoSchedule");
  if (pod_tolerates(pod, cordon))
    return fit::ok();
  return fit::no(reason);
}

} // namespace troupe::scheduler
