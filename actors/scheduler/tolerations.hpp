#pragma once
// Kubernetes' toleration matching (core/v1 helper ToleratesTaint), shared by the TaintToleration and
// NodeUnschedulable plugins and, later, NoExecute eviction. CAF-free.
//   effect:   an empty toleration effect matches every effect, else they must be equal;
//   key:      an empty toleration key (with operator Exists) matches every key, else equal;
//   operator: Exists matches any value; Equal (or empty) needs equal values.

#include "proto/core_v1.pb.h"

namespace troupe::scheduler {

bool tolerates(const troupe::core::v1::Toleration& t, const troupe::core::v1::Taint& taint);

/// Some toleration of `pod` tolerates `taint`.
bool pod_tolerates(const troupe::core::v1::Pod& pod, const troupe::core::v1::Taint& taint);

} // namespace troupe::scheduler
