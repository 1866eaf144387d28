#pragma once
// InterPodAffinity, as Kubernetes (plugins/interpodaffinity), over pod_topology_index's
// per-domain counts (no scan of all pods per decision).
// Filter (pre_filter computes the counts once per pod; filter() is lookups):
//  - the incoming pod's required affinity terms: every term needs, in the node's domain for its
//    topologyKey, a pod matching its selector in the term's namespaces (the pod's own namespace
//    when none are given; namespaceSelector ORed with namespaces; {} selects every namespace).
//    Exception: when no pod anywhere matches a term and the pod matches its own terms, it may
//    go anywhere the node has the topology key (the first pod of a group).
//    → "node(s) didn't match pod affinity rules" (unschedulable_and_unresolvable when no pod
//      matches at all, else unschedulable)
//  - the incoming pod's required anti-affinity terms: no matching pod in the node's domain.
//    → "node(s) didn't match pod anti-affinity rules" (unschedulable)
//  - existing pods' required anti-affinity terms that match the incoming pod: the node must not
//    be in a domain of such a pod. → "node(s) didn't satisfy existing pods anti-affinity rules"
// Score (weight 2): for each preferred term of the incoming pod, ± weight per matching pod in the
// node's domain (affinity +, anti-affinity −), plus existing pods' preferred terms matching the
// incoming pod (and their required affinity terms, weight 1 as Kubernetes'
// hardPodAffinityWeight); min-max normalized to 0..100.
#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

class inter_pod_affinity final : public filter_plugin, public score_plugin {
public:
  static constexpr const char* affinity_reason = "node(s) didn't match pod affinity rules";
  static constexpr const char* anti_affinity_reason = "node(s) didn't match pod anti-affinity rules";
  static constexpr const char* existing_anti_affinity_reason =
    "node(s) didn't satisfy existing pods anti-affinity rules";

  std::string_view name() const override { return "InterPodAffinity"; }
  int64_t default_weight() const override { return 2; }
  fit pre_filter(const troupe::core::v1::Pod& pod, const cluster_view& view,
                 std::unique_ptr<plugin_state>& state) const override;
  fit filter(const troupe::core::v1::Pod& pod, const plugin_state* state,
             const node_info& info) const override;
  void pre_score(const troupe::core::v1::Pod& pod, const cluster_view& view,
                 const std::vector<const node_info*>& feasible,
                 std::unique_ptr<plugin_state>& state) const override;
  int64_t score(const troupe::core::v1::Pod& pod, const plugin_state* state,
                const node_info& info) const override;
  void normalize(std::vector<int64_t>& scores) const override;
};

} // namespace troupe::scheduler
