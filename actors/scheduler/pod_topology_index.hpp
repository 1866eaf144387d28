#pragma once
// The bound pods indexed for InterPodAffinity, so that one scheduling decision never scans every
// pod (issue 6): pods by namespace and label, each with its node's topology labels, and the
// required anti-affinity terms of existing pods grouped by identical term with per-domain counts.
// Kept up to date by the scheduler cache (scheduler_cache.hpp) as pods are bound (or assumed) and
// leave, nodes are relabelled and namespaces change; read by inter_pod_affinity.hpp. CAF-free.
//
// A topology domain is a (topologyKey, value) pair: the value of the label topologyKey on the
// node a pod is bound to. A pod on a node without that label is in no domain for that key.

#include <memory>
#include <string>
#include <string_view>

#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

class pod_topology_index {
public:
  pod_topology_index();
  ~pod_topology_index();
  pod_topology_index(const pod_topology_index&) = delete;
  pod_topology_index& operator=(const pod_topology_index&) = delete;

  /// A node was added or its labels changed: the domains of its pods follow.
  void set_node(const troupe::core::v1::Node& node);
  /// The node is gone; its pods stay indexed (in no domain) until they are removed.
  void remove_node(std::string_view name);

  /// A namespace's labels, for terms with a namespaceSelector.
  void set_namespace(const troupe::core::v1::Namespace& ns);
  void remove_namespace(std::string_view name);

  /// A pod bound to spec.nodeName (or assumed there); replaces the entry with the same uid.
  /// Pods without nodeName are ignored.
  void add_pod(std::shared_ptr<const troupe::core::v1::Pod> pod);
  void remove_pod(std::string_view uid);

  size_t pods() const;

  struct impl;  // defined in pod_topology_index.cpp; inter_pod_affinity.cpp reads it
  const impl& data() const { return *impl_; }

private:
  std::unique_ptr<impl> impl_;
};

} // namespace troupe::scheduler
