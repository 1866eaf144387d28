#pragma once
// The namespace lifecycle's decisions (Kubernetes' namespaced_resources_deleter), free of CAF: given
// a namespace being deleted and what is left in it, what to write and what to delete next.
//
// The namespace controller (namespace_controller_actor.hpp) lists every namespaced storage kind in
// the namespace, calls plan_namespace_cleanup(), applies the plan, and reconciles again until the
// plan says remove_namespace. Idempotent: the plan depends only on the current state.
//
// Deletion is Background (no propagation finalizers added). Pods go as the API deletes them: at once
// when never scheduled (spec.nodeName empty) or finished, else with their grace period (their node
// agent finishes them). Objects already marked for deletion are waited for, not deleted again.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/kinds.hpp"
#include "config/time_format.hpp"
#include "proto/core_v1.pb.h"
#include "store/object_store.hpp"

namespace troupe::controllers {

/// Every kind the store keeps per namespace (storage versions only; no Binding, no metrics).
const std::vector<const config::kind_info*>& namespaced_storage_kinds();

/// The objects of one kind left in the namespace.
struct kind_contents {
  const config::kind_info* kind = nullptr;
  std::vector<store::stored_object> items;
};

/// One object to delete, and how (grace absent: at once unless finalizers remain).
struct object_deletion {
  const config::kind_info* kind = nullptr;
  std::string name;
  store::delete_options options;
};

struct cleanup_plan {
  bool deleting = false;  // the namespace has a deletionTimestamp; nothing else is set otherwise
  // The namespace status to write (phase Terminating, conditions), when it differs from the
  // current one.
  std::optional<core::v1::NamespaceStatus> status;
  std::vector<object_deletion> deletions;  // objects not yet marked
  size_t remaining = 0;                    // objects left (deleted or not), all kinds
  bool remove_namespace = false;           // nothing left: remove the namespace for good
};

/// The plan for `ns` given its contents (every namespaced storage kind, listed in `ns`).
/// Conditions as Kubernetes sets them while it waits, e.g.
///   NamespaceContentRemaining True SomeResourcesRemain
///     "Some resources are remaining: deployments.apps has 1 resource instances, pods. has 2
///      resource instances"
///   NamespaceFinalizersRemaining True SomeFinalizersRemain
///     "Some content in the namespace has finalizers remaining: foregroundDeletion in 1 resource
///      instances"
/// A condition's lastTransitionTime is `now` when its status changes, else kept.
cleanup_plan plan_namespace_cleanup(const core::v1::Namespace& ns,
                                    const std::vector<kind_contents>& contents,
                                    config::timestamp now);

/// The grace period the API gives a pod on DELETE: 0 when unscheduled or finished, else
/// spec.terminationGracePeriodSeconds (30 when unset).
int64_t pod_deletion_grace(const core::v1::Pod& pod);

/// Retry delay after `failures` consecutive failures: 100ms doubling, at most 10s.
std::chrono::milliseconds retry_backoff(unsigned failures);

} // namespace troupe::controllers
