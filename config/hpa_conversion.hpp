#pragma once
// autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscaler, converted the way the Kubernetes API
// server converts them. v2 is the form Troupe stores and the controller reads; v1 is served.
//
// v1 can only say "keep average CPU utilization at N%". The mapping:
//   v1 spec.targetCPUUtilizationPercentage  <->  the first v2 Resource metric named cpu, if its
//                                                target is an averageUtilization
//   v1 status.currentCPUUtilizationPercentage <- the (last) v2 Resource cpu status with an
//                                                averageUtilization
//   v1 status.currentCPUUtilizationPercentage -> one v2 Resource cpu status (when no annotation)
// Everything else v2 holds travels in annotations on the v1 object (hpa_annotations.hpp), so a v1
// read-modify-write (an old client's `kubectl edit`) does not lose it:
//   metrics          spec.metrics except Resource/cpu/averageUtilization targets
//   current-metrics  all of status.currentMetrics, cpu included (it keeps the raw values, so on
//                    the way back it replaces what currentCPUUtilizationPercentage implies)
//   conditions       status.conditions
//   behavior         spec.behavior
// v2 -> v1 first removes any of these annotations the v2 object carries, then writes fresh ones;
// v1 -> v2 reads them and removes them. Round trip v2 -> v1 -> v2 keeps every field, except that
// the CPU-utilization metric moves to the end of spec.metrics (upstream does the same).
//
// v1 -> v2 applies v1's old implicit default: no target and no other metrics means a CPU
// utilization target of 80%. minReplicas defaulting is left to defaulting.

#include "config/field_error.hpp"
#include "proto/autoscaling_v1.pb.h"
#include "proto/autoscaling_v2.pb.h"

namespace troupe::config {

/// The CPU utilization target v1 implies when it names none.
inline constexpr int32_t hpa_default_cpu_utilization = 80;

::troupe::autoscaling::v1::HorizontalPodAutoscaler
hpa_to_v1(const ::troupe::autoscaling::v2::HorizontalPodAutoscaler& in);

/// Fills `out` (which should be empty). An annotation that does not parse is an error on
/// metadata.annotations[<key>], as upstream rejects such an object; `out` is then unusable.
field_errors hpa_to_v2(const ::troupe::autoscaling::v1::HorizontalPodAutoscaler& in,
                       ::troupe::autoscaling::v2::HorizontalPodAutoscaler& out);

} // namespace troupe::config
