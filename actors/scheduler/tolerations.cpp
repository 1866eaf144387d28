#include "actors/scheduler/tolerations.hpp"

namespace troupe::scheduler {

bool tolerates(const troupe::core::v1::Toleration& t, const troupe::core::v1::Taint& taint) {
  if (!t.effect().empty() && t.effect() != taint.effect())
    return false;
  if (!t.key().empty() && t.key() != taint.key())
    return false;
  if (t.operator_() == "Exists")
    return true;
  if (t.operator_().empty() || t.operator_() == "Equal")
    return t.value() == taint.value();
  return false;
}

bool pod_tolerates(const troupe::core::v1::Pod& pod, const troupe::core::v1::Taint& taint) {
  for (const auto& t : pod.spec().tolerations())
    if (tolerates(t, taint))
      return true;
  return false;
}

} // namespace troupe::scheduler
