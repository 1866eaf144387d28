#pragma once
// A pod (anti-)affinity term as the scheduler evaluates it (Kubernetes' framework.AffinityTerm,
// built once per pod): which pods it selects (labelSelector in some namespaces) and the topology
// key that makes a domain of them. CAF-free.
//
// Namespaces, as Kubernetes 1.32 (getNamespacesFromPodAffinityTerm + the namespaceSelector):
//  - no namespaces and no namespaceSelector: the namespace of the pod that holds the term;
//  - otherwise the listed namespaces, ORed with the namespaces whose labels match the
//    namespaceSelector; an empty namespaceSelector ({}) selects every namespace, a namespace the
//    scheduler does not know has no labels to match (only {} selects it).
//  - a missing labelSelector selects no pod; an empty one ({}) every pod (LabelSelectorAsSelector).
// matchLabelKeys / mismatchLabelKeys are not read here: the API server merges them into the
// labelSelector when the pod is created (Kubernetes 1.31+; config::merge_match_label_keys, from
// apiserver::prepare_for_create), so the scheduler never needs them.

#include <cstdint>
#include <string>
#include <vector>

#include <google/protobuf/map.h>

#include "config/label_selector.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::scheduler {

using label_map = google::protobuf::Map<std::string, std::string>;

struct affinity_term {
  config::label_selector selector = config::label_selector::nothing();
  std::vector<std::string> namespaces;  // sorted, unique
  bool has_namespace_selector = false;
  config::label_selector namespace_selector = config::label_selector::nothing();
  std::string topology_key;
  int32_t weight = 1;  // preferred terms: their weight (1..100); required terms: 1

  /// Whether the term selects a pod in namespace `ns` with `labels`. `ns_labels` are the labels
  /// of the Namespace object `ns` (null: unknown to the scheduler).
  bool matches(const std::string& ns, const label_map& labels, const label_map* ns_labels) const;
  bool matches(const troupe::core::v1::Pod& pod, const label_map* ns_labels) const {
    return matches(pod.metadata().namespace_(), pod.metadata().labels(), ns_labels);
  }
  /// Equal for terms that select the same pods in the same domains (weight excluded): the key
  /// that groups identical terms of many pods.
  std::string signature() const;
};

/// The four kinds of pod (anti-)affinity terms of one pod.
struct pod_affinity_terms {
  std::vector<affinity_term> required_affinity;
  std::vector<affinity_term> required_anti_affinity;
  std::vector<affinity_term> preferred_affinity;
  std::vector<affinity_term> preferred_anti_affinity;
  /// An invalid selector: "<path>: Invalid value: ..." (its term is left out).
  std::string error;

  bool empty() const {
    return required_affinity.empty() && required_anti_affinity.empty() &&
           preferred_affinity.empty() && preferred_anti_affinity.empty();
  }
};

/// Whether the pod has spec.affinity.podAffinity or podAntiAffinity with any term.
bool has_pod_affinity(const troupe::core::v1::Pod& pod);

/// The pod's terms (Kubernetes' NewPodInfo). `required_only` skips the preferred ones.
pod_affinity_terms parse_affinity_terms(const troupe::core::v1::Pod& pod, bool required_only = false);

} // namespace troupe::scheduler
