#pragma once
// Filter NodeAffinity: spec.nodeSelector (every pair must be a label of the node) and the required
// node affinity terms (ORed; within a term every expression and field requirement must hold; a term
// with none matches nothing). Operators In, NotIn, Exists, DoesNotExist, Gt, Lt (one integer value;
// a label that is not an integer does not match); matchFields supports metadata.name with In/NotIn.
// Reason: "node(s) didn't match Pod's node affinity/selector". The score input is the sum of the
// weights of the preferred terms the node matches (empty terms skipped), as Kubernetes.
#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

/// One term as Kubernetes evaluates it against a node (labels and metadata.name).
bool node_matches_term(const troupe::core::v1::NodeSelectorTerm& term,
                       const troupe::core::v1::Node& node);

class node_affinity final : public filter_plugin, public score_plugin {
public:
  static constexpr const char* reason = "node(s) didn't match Pod's node affinity/selector";
  std::string_view name() const override { return "NodeAffinity"; }
  int64_t default_weight() const override { return 2; }
  /// Score: preferred_weight(); normalized to the best node's sum (→ 100).
  int64_t score(const troupe::core::v1::Pod& pod, const plugin_state* state,
                const node_info& info) const override;
  void normalize(std::vector<int64_t>& scores) const override { default_normalize(scores, false); }
  fit filter(const troupe::core::v1::Pod& pod, const plugin_state* state,
             const node_info& info) const override;

  static int64_t preferred_weight(const troupe::core::v1::Pod& pod,
                                  const troupe::core::v1::Node& node);
};

} // namespace troupe::scheduler
