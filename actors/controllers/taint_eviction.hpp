#pragma once
// NoExecute taint-based eviction as pure functions (CAF-free): Kubernetes 1.32
// pkg/controller/tainteviction (processPodOnNode, getMinTolerationTime, addConditionAndDeletePod)
// plus the pod termination reason the node controller sets for a lost node
// (SetPodTerminationReason: kubectl then shows STATUS Unknown).
//
// For each NoExecute taint of the node, the first toleration of the pod that tolerates it
// (GetMatchingTolerations):
//   - a taint no toleration tolerates       -> evict now;
//   - a toleration without tolerationSeconds -> that taint never evicts;
//   - tolerationSeconds <= 0                 -> evict now;
//   - tolerationSeconds s                    -> evict at the taint's timeAdded + s.
// The pod is evicted at the earliest of these times (now if that is not later than `now`); with
// no NoExecute taint, or only forever-tolerated ones, it is kept.
//
// Kubernetes counts from when its taint manager noticed the taint; counting from timeAdded (set
// by the lifecycle controller when it adds the taint) gives the same time and survives a
// controller restart. A taint without timeAdded (added by hand) counts from `untimed_since`, the
// time the caller first saw it.
//
// Worked example: unreachable:NoExecute added at 10:00:00, tolerations not-ready:NoExecute 300 s
// and unreachable:NoExecute 300 s (the admission defaults) -> evict at 10:05:00; with an extra
// toleration {operator: Exists} (tolerates everything, no seconds) listed FIRST the taint is
// tolerated forever (first match wins), listed last it changes nothing.

#include <optional>

#include "config/time_format.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::controllers {

struct eviction_decision {
  enum class action { keep, evict_now, evict_at };
  action what = action::keep;
  config::timestamp at;  // evict_at only

  static eviction_decision keep() { return {}; }
  static eviction_decision now() { return {action::evict_now, {}}; }
  static eviction_decision later(config::timestamp t) { return {action::evict_at, t}; }
  bool operator==(const eviction_decision& o) const {
    return what == o.what && (what != action::evict_at || at == o.at);
  }
};

/// What to do with a pod with `tolerations` on a node with `taints` (all effects; only
/// NoExecute ones count), at `now`.
eviction_decision decide_eviction(
  const google::protobuf::RepeatedPtrField<core::v1::Taint>& taints,
  const google::protobuf::RepeatedPtrField<core::v1::Toleration>& tolerations,
  config::timestamp now, config::timestamp untimed_since);

/// A pod the taint manager still has to act on: bound, not being deleted, not finished
/// (phase Succeeded or Failed).
bool evictable(const core::v1::Pod& pod);

/// The pod's status before its eviction's delete: condition DisruptionTarget True, reason
/// DeletionByTaintManager, message "Taint manager: deleting due to NoExecute taint"
/// (lastTransitionTime now); when `node_unreachable`, also status.reason NodeLost and message
/// "Node <node> which was running pod <pod> is unresponsive". nullopt when it has all that already.
std::optional<core::v1::Pod> evicted_pod_status(const core::v1::Pod& pod, const std::string& node,
                                                bool node_unreachable, config::timestamp now);

} // namespace troupe::controllers
