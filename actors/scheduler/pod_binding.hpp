#pragma once
// The scheduler's writes to a pod, pure (CAF-free): the binding (one store update per pod) and
// the PodScheduled condition kubectl shows for a pending pod.
//
// - bound_pod: the pod with spec.nodeName = node and condition PodScheduled=True, as the API
//   server's binding subresource leaves it (Kubernetes' assignPod + UpdatePodCondition); the
//   pod's metadata.resourceVersion stays, so the write is conditional: a pod changed meanwhile
//   is a conflict, not a silent overwrite.
// - unschedulable_pod: the pod with PodScheduled=False, reason Unschedulable and the
//   FailedScheduling message (what kube-scheduler's updatePod writes), or nothing when the pod
//   says exactly that already: the status is written only when it changes.
// lastTransitionTime is `now` when the condition's status changes, else it stays.

#include <optional>
#include <string>

#include "actors/scheduler/scheduling_queue.hpp"

namespace troupe::scheduler {

constexpr const char* pod_scheduled_condition = "PodScheduled";
constexpr const char* unschedulable_reason = "Unschedulable";

troupe::core::v1::Pod bound_pod(const troupe::core::v1::Pod& pod, const std::string& node,
                                queue_time now);

std::optional<troupe::core::v1::Pod> unschedulable_pod(const troupe::core::v1::Pod& pod,
                                                       const std::string& message, queue_time now);

} // namespace troupe::scheduler
