#pragma once
// NodeResourcesFit (Kubernetes 1.32's noderesources.Fit with the default LeastAllocated strategy).
//
// Filter (fitsRequest): the pod's requests (resource_requests.hpp: pod_requests) plus what the
// node's pods already request, against the node's allocatable, and one more pod against its
// allowed pods. Every shortfall is a reason, in this order and with Kubernetes' words:
// "Too many pods", "Insufficient cpu", "Insufficient memory"; the code is always
// fit_code::unschedulable (a pod leaving may make room; 1.32 does not yet tell an
// unresolvable "bigger than the whole node" apart). A resource the pod requests 0 of is never
// short, so a pod that requests nothing fits any node with room for one more pod — even a node
// with no allocatable cpu or memory, but not one with no allowed pods.
//
// Score (LeastAllocated): per resource (cpu, memory, weight 1 each)
//   (allocatable - used) * 100 / allocatable, integer division, used = the node's
//   non_zero_requested + the pod's non-zero request (pod_non_zero_requests), 0 when used >
//   allocatable; the weighted mean over the resources the node has (allocatable 0: the resource
//   is left out, not scored 0), integer division; 0 when the node has neither.
// Worked examples: allocatable 4000m / 8Gi, non-zero requested 1000m / 2Gi, pod 1000m / 2Gi →
//   cpu (4000-2000)*100/4000 = 50, memory (8-4)*100/8 = 50 → (50+50)/2 = 50.
//   Allocatable 0 cpu / 8Gi, pod 2Gi → only memory counts: (8-2)*100/8 = 75 → 75.
#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

class node_resources_fit final : public filter_plugin, public score_plugin {
public:
  std::string_view name() const override { return "NodeResourcesFit"; }
  int64_t default_weight() const override { return 1; }
  /// Computes the pod's requests once (never rejects).
  fit pre_filter(const troupe::core::v1::Pod& pod, const cluster_view& view,
                 std::unique_ptr<plugin_state>& state) const override;
  /// Without pre_filter's state (null) computes the requests on the spot.
  fit filter(const troupe::core::v1::Pod& pod, const plugin_state* state,
             const node_info& info) const override;
  /// Computes the pod's non-zero requests once.
  void pre_score(const troupe::core::v1::Pod& pod, const cluster_view& view,
                 const std::vector<const node_info*>& feasible,
                 std::unique_ptr<plugin_state>& state) const override;
  /// 0..100 already (no normalize); without pre_score's state computes the requests on the spot.
  int64_t score(const troupe::core::v1::Pod& pod, const plugin_state* state,
                const node_info& info) const override;

  /// The filter on given requests: the reasons as above, none when the pod fits.
  static fit fits_request(const resources& pod_request, const node_info& info);
  /// Kubernetes' leastRequestedScore for one resource: (capacity - requested) * 100 / capacity,
  /// 0 when capacity is 0 or requested exceeds it.
  static int64_t least_requested_score(int64_t requested, int64_t capacity);
  /// The score on a given pod non-zero request.
  static int64_t least_allocated(const resources& pod_non_zero, const node_info& info);
};

} // namespace troupe::scheduler
