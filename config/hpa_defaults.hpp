#pragma once
// Kubernetes' defaults for the HorizontalPodAutoscaler, autoscaling/v2 and v1. Idempotent.
// v2: minReplicas 1; no metrics means CPU at 80% average utilization; a behavior that is given is
// completed with the default rules (a missing behavior stays missing: the controller applies the
// same rules to it):
//   scaleUp:   stabilizationWindowSeconds 0,   selectPolicy Max, policies Pods 4/15s + Percent 100/15s
//   scaleDown: stabilizationWindowSeconds 300, selectPolicy Max, policies Percent 100/15s
// v1: minReplicas 1 (the 80% CPU target is implied by conversion, hpa_conversion.hpp).

#include "proto/autoscaling_v1.pb.h"
#include "proto/autoscaling_v2.pb.h"

namespace troupe::config {

void default_hpa(troupe::autoscaling::v2::HorizontalPodAutoscaler& hpa);
void default_hpa_v1(troupe::autoscaling::v1::HorizontalPodAutoscaler& hpa);

/// The rules the controller uses for an absent scaleUp / scaleDown, and that fill a given one.
troupe::autoscaling::v2::HPAScalingRules default_scale_up_rules();
troupe::autoscaling::v2::HPAScalingRules default_scale_down_rules();

} // namespace troupe::config
