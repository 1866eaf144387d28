#include "actors/scheduler/taint_toleration.hpp"

#include "actors/scheduler/tolerations.hpp"

namespace troupe::scheduler {

fit taint_toleration::filter(const troupe::core::v1::Pod& pod, const plugin_state*,
                          const node_info& info) const {
  if (info.taints == 0)
    return fit::ok();
  for (const auto& taint : info.node.spec().taints()) {
    if (taint.effect() != "NoSchedule" && taint.effect() != "NoExecute")
      continue;
    if (!pod_tolerates(pod, taint))
      return fit::no("node(s) had untolerated taint {" + taint.key() + ": " + taint.value() + "}");
  }
  return fit::ok();
}

int64_t taint_toleration::score(const troupe::core::v1::Pod& pod, const plugin_state*,
                                const node_info& info) const {
  return info.taints == 0 ? 0 : intolerable_preferred(pod, info.node);
}

int taint_toleration::intolerable_preferred(const troupe::core::v1::Pod& pod,
                                            const troupe::core::v1::Node& node) {
  int n = 0;
  for (const auto& taint : node.spec().taints())
    if (taint.effect() == "PreferNoSchedule" && !pod_tolerates(pod, taint))
      ++n;
  return n;
}

} // namespace troupe::scheduler
