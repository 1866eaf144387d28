#pragma once
// pod_topology_index's data (private to pod_topology_index*.cpp). Records point at each other;
// they live in unordered_maps, whose elements keep their address until erased.

#include <unordered_map>
#include <unordered_set>

#include "actors/scheduler/pod_topology_index.hpp"

namespace troupe::scheduler {

struct pod_rec;
using pod_set = std::unordered_set<pod_rec*>;

/// Identical terms of existing pods, with the domains of the pods that hold them.
struct term_group {
  std::string signature;
  affinity_term term;
  domain_counts domains;  // pods (required anti-affinity) or weights (scoring) per domain
  size_t holders = 0;     // (pod, term) pairs
};

struct held_term {
  term_group* group = nullptr;
  int64_t weight = 1;
};

struct node_rec {
  bool present = false;  // known to the index (else only its pods refer to it)
  std::unordered_map<std::string, std::string> labels;
  pod_set pods;
};

struct ns_rec {
  bool known = false;  // a Namespace object was seen
  label_map labels;
  pod_set pods;
  std::unordered_map<std::string, std::unordered_map<std::string, pod_set>> by_label;
};

struct pod_rec {
  std::shared_ptr<const troupe::core::v1::Pod> pod;
  node_rec* node = nullptr;
  ns_rec* ns = nullptr;
  std::vector<held_term> anti;     // required anti-affinity terms
  std::vector<held_term> scoring;  // required affinity (weight 1) and preferred (±weight) terms
};

using group_map = std::unordered_map<std::string, term_group>;

struct pod_topology_index::impl {
  std::unordered_map<std::string, node_rec> nodes;
  std::unordered_map<std::string, ns_rec> namespaces;
  std::unordered_map<std::string, pod_rec> pods;  // by uid
  group_map anti_groups;
  group_map scoring_groups;
  mutable std::unordered_map<std::string, std::shared_ptr<term_matches>> queries;
  mutable uint64_t clock = 0;

  /// Adds `sign` × the pod to every count its node's domains are in (the node must be present).
  void count(const pod_rec& p, int64_t sign);
  /// Whether every term of `q` selects the pod.
  bool selects(const term_matches& q, const pod_rec& p) const;
  void count_in(term_matches& q, const pod_rec& p, int64_t sign) const;
  /// A new query over the pods indexed now.
  std::shared_ptr<term_matches> build(const std::vector<affinity_term>& terms) const;
  /// Drops the cached queries whose answer depends on namespace labels.
  void forget_namespace_queries();
};

/// The label `key` of a present node, null when absent.
inline const std::string* node_label(const node_rec& n, const std::string& key) {
  auto it = n.labels.find(key);
  return it == n.labels.end() ? nullptr : &it->second;
}

/// m[value] += delta, erasing the entry at 0.
inline void bump(domain_counts& m, const std::string& value, int64_t delta) {
  if (delta == 0)
    return;
  auto it = m.try_emplace(value, 0).first;
  it->second += delta;
  if (it->second == 0)
    m.erase(it);
}

} // namespace troupe::scheduler
