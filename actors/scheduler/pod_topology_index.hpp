#pragma once
// The bound pods indexed for InterPodAffinity, so that one scheduling decision never scans every
// pod (issue 6). Kept up to date by the scheduler cache (scheduler_cache.hpp) as pods are bound
// (or assumed) and leave, nodes are relabelled and namespaces change; read by
// inter_pod_affinity.hpp. CAF-free, single-threaded (the scheduler actor owns it; the query cache
// below is filled by const calls).
//
// A topology domain is a (topologyKey, value) pair: the value of the label topologyKey on the
// node a pod is bound to. A pod on a node without that label, or on a node the index does not
// know (yet, or any more), is in no domain for that key.
//
// What it keeps, all updated incrementally (a node relabel uncounts and recounts its pods):
//  - existing pods' terms grouped by identical term (affinity_term::signature): for each group
//    the domains of the pods that hold it — required anti-affinity terms with a pod count
//    (the filter), required affinity (weight 1, Kubernetes' hardPodAffinityWeight) and preferred
//    terms (±weight) summed (the score). "Which existing pods' anti-affinity rejects this pod" is
//    one selector match per distinct term, not per pod.
//  - pods by namespace and label (namespace, key, value), to find the pods a new term selects.
//  - a cache of the incoming pods' term queries ("pods matching all these terms, per domain"),
//    built once from the label index and then kept current on every pod or node change, so the
//    pods of one Deployment with anti-affinity to each other cost a hash lookup each. At most
//    max_cached_queries are kept (least recently used go); a namespace relabel clears it.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "actors/scheduler/affinity_term.hpp"
#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

/// Label value of a topology key → count of pods (or sum of weights) in that domain. Entries at
/// 0 are removed.
using domain_counts = std::unordered_map<std::string, int64_t>;

/// The counts for one topology key, read during one scheduling cycle.
struct domain_ref {
  const std::string* key = nullptr;
  const domain_counts* counts = nullptr;
  /// counts[value of `key` on `node`], 0 when the node lacks the key or the domain is empty.
  int64_t at(const label_map& node_labels) const;
};

/// The pods that match every term of a conjunction (one term for anti-affinity and preferred
/// terms; all required affinity terms of a pod together, as Kubernetes counts them), counted in
/// the domain of each term's topology key.
struct term_matches {
  /// The counts for the topology key of terms[i].
  domain_ref domains(size_t i) const;
  /// No matching pod is in any domain (Kubernetes: len(affinityCounts) == 0).
  bool empty() const;

  // Written by pod_topology_index only (readers get a const term_matches).
  std::vector<affinity_term> terms;
  std::vector<std::pair<std::string, domain_counts>> by_key;  // distinct topology keys
  std::vector<size_t> key_of_term;                            // terms[i] → by_key index
  uint64_t last_used = 0;
};

class pod_topology_index {
public:
  static constexpr size_t max_cached_queries = 64;

  pod_topology_index();
  ~pod_topology_index();
  pod_topology_index(const pod_topology_index&) = delete;
  pod_topology_index& operator=(const pod_topology_index&) = delete;

  /// A node was added or its labels changed: the domains of its pods follow. Same labels: no-op.
  void set_node(const troupe::core::v1::Node& node);
  /// The node is gone; its pods stay indexed (in no domain) until they are removed.
  void remove_node(std::string_view name);

  /// A namespace's labels, for terms with a namespaceSelector.
  void set_namespace(const troupe::core::v1::Namespace& ns);
  void remove_namespace(std::string_view name);

  /// A pod bound to spec.nodeName (or assumed there); replaces the entry with the same uid.
  /// A pod without nodeName removes the entry with its uid.
  void add_pod(std::shared_ptr<const troupe::core::v1::Pod> pod);
  void remove_pod(std::string_view uid);

  size_t pods() const;

  // ---- queries (InterPodAffinity) ----

  /// Labels of a namespace the index knows (null: unknown).
  const label_map* namespace_labels(std::string_view name) const;
  /// The pods matching all `terms` (not empty), per domain; valid after later changes too, but
  /// kept current only while it stays in the cache.
  std::shared_ptr<const term_matches> match(const std::vector<affinity_term>& terms) const;
  /// Whether any existing pod has a required anti-affinity term (else a pod without affinity
  /// skips InterPodAffinity's filter).
  bool any_required_anti_affinity() const;
  /// Existing pods' required anti-affinity terms that select `pod` (its namespace labels
  /// `ns_labels`) and have pods in some domain: the domains of the pods that hold them.
  void existing_anti_affinity(const troupe::core::v1::Pod& pod, const label_map* ns_labels,
                              std::vector<domain_ref>& out) const;
  /// Whether any existing pod has a required affinity term or a preferred term.
  bool any_scoring_terms() const;
  /// Existing pods' required affinity terms (weight 1) and preferred terms (+weight affinity,
  /// −weight anti-affinity) that select `pod`: per term, the weights summed per domain.
  void existing_scoring_terms(const troupe::core::v1::Pod& pod, const label_map* ns_labels,
                              std::vector<domain_ref>& out) const;

  size_t cached_queries() const;

private:
  struct impl;  // pod_topology_data.hpp
  std::unique_ptr<impl> impl_;
};

} // namespace troupe::scheduler
