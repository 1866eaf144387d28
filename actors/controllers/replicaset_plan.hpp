#pragma once
// The ReplicaSet controller's decisions (Kubernetes' pkg/controller/replicaset), CAF-free. The
// replicaset actor (replicaset_actor.hpp) calls them on its view of the ReplicaSet and of the
// pods in its namespace that concern it, and applies what they return.
//
// One sync, as syncReplicaSet:
//   1. claim_pods: of the ACTIVE pods (replicaset_pods.hpp), those it controls and whose labels
//      still match its selector are kept; controlled ones that no longer match are released (the
//      ownerReference removed); orphans (no controller ref) that match and are not terminating are
//      adopted (released_pod / adopted_pod give the pod to write). Neither while the ReplicaSet
//      is being deleted. Pods controlled by something else are not its business.
//   2. if its expectations are satisfied and it is not being deleted, plan_replicas: diff =
//      replicas - claimed; create min(diff, burst_replicas) pods (new_pod) in slow-start batches
//      1, 2, 4, ... stopping at the first failure, or delete min(-diff, burst_replicas) pods chosen
//      by pods_to_delete().
//   3. calculate_status from the claimed pods; written (status only) when it differs.
// Worked example: replicas 5, 1 claimed -> creates 4 in batches 1, 2, 1; if the 2nd batch has a
// failure, the last batch is skipped and its 1 create is lowered from the expectations.

#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "actors/controllers/replicaset_pods.hpp"
#include "config/admission.hpp"
#include "proto/apps_v1.pb.h"

namespace troupe::controllers {

constexpr size_t burst_replicas = 500;  // Kubernetes' BurstReplicas

struct claim_plan {
  std::vector<pod_ptr> claimed;  // the pods this sync counts: kept + adopted (if the write works)
  std::vector<pod_ptr> adopt;    // orphans to adopt (also in claimed)
  std::vector<pod_ptr> release;  // controlled by it, labels no longer match
};

/// `pods`: the pods of the ReplicaSet's namespace the controller knows about (any owner).
claim_plan claim_pods(const apps::v1::ReplicaSet& rs, const std::vector<pod_ptr>& pods);

/// The pod with the ReplicaSet added as controlling owner (ownerReference apps/v1 ReplicaSet,
/// controller and blockOwnerDeletion true).
core::v1::Pod adopted_pod(const core::v1::Pod& pod, const apps::v1::ReplicaSet& rs);
/// The pod without the ownerReference of uid `rs_uid`.
core::v1::Pod released_pod(const core::v1::Pod& pod, const std::string& rs_uid);

struct replica_plan {
  size_t creates = 0;            // pods to create now (at most burst_replicas)
  std::vector<pod_ptr> deletes;  // pods to delete now, in deletion order
};

/// spec.replicas (1 when unset) against the claimed pods.
replica_plan plan_replicas(const apps::v1::ReplicaSet& rs, const std::vector<pod_ptr>& claimed,
                           size_t burst = burst_replicas);

/// Kubernetes' slowStartBatch sizes for `count` creates: 1, 2, 4, ... the last one what is left.
std::vector<size_t> slow_start_batches(size_t count);

/// Five characters of Kubernetes' generateName alphabet "bcdfghjklmnpqrstvwxz2456789".
std::string random_suffix(std::mt19937_64& rng);

/// A pod to create (or the Invalid error's message, worded as the API server words it):
/// generateName "<rs name>-" (cut to 58 characters), name = that + `suffix`, the template's labels,
/// annotations, finalizers and spec, the controlling ownerReference; then what the API server does
/// to a created pod (apiserver::prepare_for_create: phase Pending, qosClass; config::admit with
/// `admission`: default tolerations, defaults, validation).
std::variant<core::v1::Pod, std::string> new_pod(const apps::v1::ReplicaSet& rs,
                                                 const std::string& suffix,
                                                 const config::admission_options& admission);

/// The status of `rs` for its `claimed` pods: replicas, fullyLabeledReplicas (labels match the
/// template's), readyReplicas, availableReplicas (minReadySeconds at `now`), observedGeneration =
/// metadata.generation, and condition ReplicaFailure: set True (reason FailedCreate when pods are
/// missing, else FailedDelete; message `manage_error`, lastTransitionTime now) when a create or
/// delete failed and none is there yet; removed when this sync had no failure.
apps::v1::ReplicaSetStatus calculate_status(const apps::v1::ReplicaSet& rs,
                                            const std::vector<pod_ptr>& claimed,
                                            const std::optional<std::string>& manage_error,
                                            config::timestamp now);

/// `rs` with `status`, when that differs from its current status; nullopt: nothing to write.
std::optional<apps::v1::ReplicaSet> status_update(const apps::v1::ReplicaSet& rs,
                                                  const apps::v1::ReplicaSetStatus& status);

/// The earliest time a claimed pod that is ready becomes available (minReadySeconds), if any:
/// the status must be computed again then.
std::optional<config::timestamp> next_availability(const apps::v1::ReplicaSet& rs,
                                                   const std::vector<pod_ptr>& claimed,
                                                   config::timestamp now);

} // namespace troupe::controllers
