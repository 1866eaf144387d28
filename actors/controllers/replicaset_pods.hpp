#pragma once
// What the ReplicaSet controller asks of one pod (CAF-free), as Kubernetes' controller_utils and
// podutil answer it, and the order in which it picks pods to delete when scaling down.
//
// - controller_of: the ownerReference with controller=true, if any.
// - is_active (controller.IsPodActive): no deletionTimestamp and phase neither Succeeded nor
//   Failed. Only active pods count as replicas.
// - is_ready (podutil.IsPodReady): condition Ready is True. ready_since: its lastTransitionTime.
// - is_available (podutil.IsPodAvailable): ready, and either minReadySeconds is 0 or the Ready
//   condition turned True at least minReadySeconds before `now`.
// - available_at: when a ready pod that is not available yet becomes available (for a timer).
//
// Deletion order (controller.ActivePodsWithRanks.Less, Kubernetes 1.32), first = deleted first:
//   1. unassigned (no spec.nodeName) before assigned;
//   2. phase Pending < Unknown < Running (other phases rank as Running);
//   3. not ready before ready;
//   4. lower controller.kubernetes.io/pod-deletion-cost annotation first (unset or unparsable
//      = 0; PodDeletionCost is on by default);
//   5. higher rank first: the rank of a pod is the number of this ReplicaSet's active pods on
//      the same node (getPodsRankedByRelatedPodsOnSameNode; pods of sibling ReplicaSets of one
//      Deployment are not counted — there is no Deployment controller yet);
//   6. both ready: ready for less time first;
//   7. more container restarts first (the highest restartCount of its containers);
//   8. newer creationTimestamp first;
//   9. ties by name (Kubernetes leaves them to the sort; here a total order, CONVENTIONS 9).
// Not done: LogarithmicScaleDown's log2 buckets for 6 and 8 (exact times are compared).

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "config/time_format.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::controllers {

using pod_ptr = std::shared_ptr<const core::v1::Pod>;

const meta::OwnerReference* controller_of(const meta::ObjectMeta& meta);

bool is_active(const core::v1::Pod& pod);
bool is_ready(const core::v1::Pod& pod);
std::optional<config::timestamp> ready_since(const core::v1::Pod& pod);
bool is_available(const core::v1::Pod& pod, int32_t min_ready_seconds, config::timestamp now);
/// Ready but not available yet: the time it will be (else nullopt).
std::optional<config::timestamp> available_at(const core::v1::Pod& pod, int32_t min_ready_seconds,
                                              config::timestamp now);

/// The `count` pods of `pods` (active, owned by the ReplicaSet) to delete first, in the order
/// above. `count` larger than the list: all of them.
std::vector<pod_ptr> pods_to_delete(const std::vector<pod_ptr>& pods, size_t count);

} // namespace troupe::controllers
