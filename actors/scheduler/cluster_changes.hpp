#pragma once
// What the scheduler reads from its watches, pure (CAF-free): which pods it must place, and which
// changes of nodes, bound pods and namespaces may help pods that did not fit (the queue's
// cluster_event bits, scheduling_queue.hpp). The scheduler actor feeds every watch event through
// these and hands the result to the queue; they compare the object it knew with the new one
// (null: not known before / deleted).

#include "actors/scheduler/scheduling_queue.hpp"

namespace troupe::scheduler {

/// The profile Troupe runs; pods naming another scheduler are left alone.
constexpr const char* default_scheduler_name = "default-scheduler";

/// The default scheduler must place `pod`: spec.nodeName empty, no deletionTimestamp, phase not
/// Succeeded/Failed, spec.schedulerName empty or "default-scheduler".
bool needs_scheduling(const troupe::core::v1::Pod& pod);

/// The pod takes room on its node: spec.nodeName set and phase not Succeeded/Failed (a pod being
/// deleted still runs until its grace period ends, so it counts).
bool counts_on_node(const troupe::core::v1::Pod& pod);

/// node_added; labels, taints, spec.unschedulable, allocatable (or capacity) changed. A node
/// deleted helps no pending pod: 0.
cluster_events node_changes(const troupe::core::v1::Node* before, const troupe::core::v1::Node* after);

/// For pods that count on a node (counts_on_node) before or after: assigned_pod_added when it
/// starts counting or its labels change while counting; assigned_pod_removed when it stops
/// (deleted, finished). Pending pods change nothing here.
cluster_events pod_changes(const troupe::core::v1::Pod* before, const troupe::core::v1::Pod* after);

/// namespace_labels_changed when a namespace appears or its labels change.
cluster_events namespace_changes(const troupe::core::v1::Namespace* before,
                                 const troupe::core::v1::Namespace* after);

} // namespace troupe::scheduler
