#pragma once
// Validation of HorizontalPodAutoscalers (autoscaling/v2, and v1 for the fields it has), worded as
// Kubernetes. minReplicas must be at least 1: scale-to-zero is behind the alpha HPAScaleToZero gate.

#include "config/field_error.hpp"
#include "proto/autoscaling_v1.pb.h"
#include "proto/autoscaling_v2.pb.h"

namespace troupe::config {

field_errors validate_hpa(const troupe::autoscaling::v2::HorizontalPodAutoscaler& hpa);
field_errors validate_hpa_v1(const troupe::autoscaling::v1::HorizontalPodAutoscaler& hpa);

} // namespace troupe::config
