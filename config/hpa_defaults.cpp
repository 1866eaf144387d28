#include "config/hpa_defaults.hpp"

#include "config/hpa_conversion.hpp"

namespace troupe::config {

namespace as2 = troupe::autoscaling::v2;

namespace {

void add_policy(as2::HPAScalingRules& r, const char* type, int32_t value, int32_t period) {
  auto* p = r.add_policies();
  p->set_type(type);
  p->set_value(value);
  p->set_periodseconds(period);
}

// Fills what `r` leaves unset from `d`.
void complete_rules(as2::HPAScalingRules& r, const as2::HPAScalingRules& d) {
  if (!r.has_stabilizationwindowseconds())
    r.set_stabilizationwindowseconds(d.stabilizationwindowseconds());
  if (!r.has_selectpolicy()) r.set_selectpolicy(d.selectpolicy());
  if (r.policies().empty()) *r.mutable_policies() = d.policies();
}

} // namespace

as2::HPAScalingRules default_scale_up_rules() {
  as2::HPAScalingRules r;
  r.set_stabilizationwindowseconds(0);
  r.set_selectpolicy("Max");
  add_policy(r, "Pods", 4, 15);
  add_policy(r, "Percent", 100, 15);
  return r;
}

as2::HPAScalingRules default_scale_down_rules() {
  as2::HPAScalingRules r;
  r.set_stabilizationwindowseconds(300);
  r.set_selectpolicy("Max");
  add_policy(r, "Percent", 100, 15);
  return r;
}

void default_hpa(as2::HorizontalPodAutoscaler& hpa) {
  auto& spec = *hpa.mutable_spec();
  if (!spec.has_minreplicas()) spec.set_minreplicas(1);
  if (spec.metrics().empty()) {
    auto* m = spec.add_metrics();
    m->set_type("Resource");
    m->mutable_resource()->set_name("cpu");
    auto* t = m->mutable_resource()->mutable_target();
    t->set_type("Utilization");
    t->set_averageutilization(hpa_default_cpu_utilization);
  }
  if (spec.has_behavior()) {
    auto& b = *spec.mutable_behavior();
    complete_rules(*b.mutable_scaleup(), default_scale_up_rules());
    complete_rules(*b.mutable_scaledown(), default_scale_down_rules());
  }
}

void default_hpa_v1(troupe::autoscaling::v1::HorizontalPodAutoscaler& hpa) {
  if (!hpa.spec().has_minreplicas()) hpa.mutable_spec()->set_minreplicas(1);
}

} // namespace troupe::config
