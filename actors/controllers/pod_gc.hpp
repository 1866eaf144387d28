#pragma once
// The pod garbage collector's decisions (kube-controller-manager's PodGC, Kubernetes 1.32
// pkg/controller/podgc), as pure functions; pod_gc_actor applies them every `period`.
//
// In Kubernetes' order, each pod at most once (the first rule that takes it):
//   1. terminated: when more than `terminated_pod_threshold` pods are Succeeded or Failed
//      (--terminated-pod-gc-threshold, 12,500; 0 turns it off), the excess goes, evicted pods
//      (status.reason "Evicted") first, then the oldest by creationTimestamp;
//   2. terminating_out_of_service: a pod being deleted on a Node that is not Ready and carries the
//      node.kubernetes.io/out-of-service taint (the administrator's "this node is gone" signal);
//   3. orphaned: a pod bound to a Node that does not exist. A missing node is quarantined first:
//      its pods go only once it has been missing for `quarantine` (40 s), and the actor checks
//      the store once more before it acts (the watch of nodes may lag behind the pods'). These
//      pods get the DisruptionTarget condition (reason DeletionByPodGC, "PodGC: node no longer
//      exists");
//   4. unscheduled_terminating: a pod being deleted that no node has (nodeName empty).
// Every such pod is force-deleted (grace period 0); one not yet Succeeded or Failed is first
// marked Failed (with the condition, if any), so that a Job counts it and nothing shows it
// Running forever: no agent is left to say otherwise.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/time_format.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::controllers {

constexpr const char* taint_out_of_service = "node.kubernetes.io/out-of-service";

struct pod_gc_options {
  size_t terminated_pod_threshold = 12500;  // --terminated-pod-gc-threshold; 0 = off
  std::chrono::seconds quarantine{40};
  std::chrono::seconds period{20};          // gcCheckPeriod
};

enum class pod_gc_reason { terminated, terminating_out_of_service, orphaned, unscheduled_terminating };

/// The label Kubernetes' pod_gc_collector_force_delete_pods_total uses for `r`.
const char* to_string(pod_gc_reason r);

/// What PodGC needs of a Node.
struct pod_gc_node {
  bool ready = false;           // Ready condition True
  bool out_of_service = false;  // has the out-of-service taint
};
pod_gc_node pod_gc_node_of(const core::v1::Node& node);

struct pod_gc_action {
  std::string ns;
  std::string name;
  std::string uid;
  pod_gc_reason reason = pod_gc_reason::terminated;
  bool mark_failed = false;  // not Succeeded or Failed yet: mark it Failed before deleting
};

using pod_gc_pods = std::vector<std::shared_ptr<const core::v1::Pod>>;

/// The pass at `now`. `missing_since` carries the quarantine between passes: a node name some pod
/// is bound to but `nodes` lacks is added with `now`; names that exist again or that no pod
/// refers to any more are dropped. Orphaned actions are for nodes missing for at least
/// `options.quarantine`.
std::vector<pod_gc_action> plan_pod_gc(const pod_gc_pods& pods,
                                       const std::map<std::string, pod_gc_node>& nodes,
                                       std::map<std::string, config::timestamp>& missing_since,
                                       config::timestamp now, const pod_gc_options& options);

/// `pod` marked Failed before a forced deletion: phase Failed and, for an orphaned pod, the
/// DisruptionTarget condition (True, DeletionByPodGC, "PodGC: node no longer exists", transition
/// `now`; an existing DisruptionTarget condition is replaced). metadata.resourceVersion is kept
/// (a conditional write).
core::v1::Pod mark_failed_by_pod_gc(const core::v1::Pod& pod, pod_gc_reason reason,
                                    config::timestamp now);

} // namespace troupe::controllers
