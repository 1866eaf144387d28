#pragma once
// InterPodAffinity, as Kubernetes 1.32 (plugins/interpodaffinity), over pod_topology_index's
// per-domain counts (no scan of all pods per decision). Terms, namespaces and namespaceSelector:
// affinity_term.hpp (matchLabelKeys/mismatchLabelKeys are not read).
// Filter (pre_filter looks the counts up once per pod; filter() is hash lookups on the node's
// labels; a pod without pod (anti-)affinity while no existing pod has required anti-affinity
// skips the plugin: no state, every node fits):
//  - the incoming pod's required affinity terms: the node must have every term's topologyKey,
//    and in the node's domain for each term there must be a pod matching ALL the terms.
//    Exception: when no pod anywhere matches them all and the pod matches its own terms, any
//    node with the topology keys fits (the first pod of a group).
//    → "node(s) didn't match pod affinity rules" (unschedulable_and_unresolvable)
//  - the incoming pod's required anti-affinity terms: no pod matching the term in the node's
//    domain for its topologyKey (a node without the key fits).
//    → "node(s) didn't match pod anti-affinity rules" (unschedulable)
//  - existing pods' required anti-affinity terms that select the incoming pod: the node must not
//    be in a domain of a pod that holds such a term.
//    → "node(s) didn't satisfy existing pods anti-affinity rules" (unschedulable)
//  - a term with an invalid selector: pre_filter refuses every node with "parsing pod: <error>".
// Score (weight 2): for each preferred term of the incoming pod, ± weight per matching pod in the
// node's domain (affinity +, anti-affinity −), plus existing pods' preferred terms matching the
// incoming pod (± their weight) and their required affinity terms (weight 1, Kubernetes'
// hardPodAffinityWeight); min-max normalized to 0..100 (all 0 when every node scores the same).
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
