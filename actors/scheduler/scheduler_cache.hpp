#pragma once
// The scheduler's view of the cluster (Kubernetes' scheduler cache + snapshot), pure and
// single-threaded (the scheduler actor owns it): nodes with their node_info kept current as pods
// are bound, assumed and removed, the pod_topology_index for InterPodAffinity, and the
// cluster_view the framework reads. CAF-free.
//
// - Bound pods (spec.nodeName set, not finished) count on their node: requests, non-zero
//   requests, pod count, topology index. Unbound pods are the queue's business and ignored here;
//   finished pods (phase Succeeded/Failed) free their resources.
// - assume(pod, node): the scheduler decided and the binding write is in flight; the pod counts
//   on the node at once so the next decision sees it. A watch event for the bound pod confirms
//   it (upsert_pod); forget(uid) undoes an assumption whose binding failed.
// - A pod on a node the cache does not know (yet) is remembered and counted once the node comes.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "actors/scheduler/plugin.hpp"
#include "actors/scheduler/pod_topology_index.hpp"

namespace troupe::scheduler {

class scheduler_cache {
public:
  scheduler_cache();
  ~scheduler_cache();
  scheduler_cache(const scheduler_cache&) = delete;
  scheduler_cache& operator=(const scheduler_cache&) = delete;

  /// Adds or replaces a node (labels, taints, allocatable may have changed).
  void upsert_node(std::shared_ptr<const troupe::core::v1::Node> node);
  void remove_node(std::string_view name);
  const troupe::core::v1::Node* node(std::string_view name) const;

  void upsert_namespace(const troupe::core::v1::Namespace& ns);
  void remove_namespace(std::string_view name);

  /// A pod as the store has it now: counted on its node when bound and not finished, else not
  /// counted (an unbound or finished pod replaces any assumed or bound entry of the same uid).
  void upsert_pod(std::shared_ptr<const troupe::core::v1::Pod> pod);
  void remove_pod(std::string_view uid);

  /// Counts `pod` on `node` until upsert_pod confirms it or forget() drops it.
  void assume(std::shared_ptr<const troupe::core::v1::Pod> pod, const std::string& node);
  void forget(std::string_view uid);
  bool assumed(std::string_view uid) const;

  /// The view for one decision; valid until the cache changes.
  cluster_view view() const;

  size_t node_count() const { return nodes_.size(); }
  size_t pod_count() const { return pods_.size(); }
  /// The node_info of a node (tests, metrics); null when unknown.
  const node_info* info(std::string_view name) const;

private:
  struct node_entry {
    std::shared_ptr<const troupe::core::v1::Node> node;
    std::unique_ptr<node_info> info;
  };
  struct pod_entry {
    std::shared_ptr<const troupe::core::v1::Pod> pod;
    std::string node;
    resources requests;
    resources non_zero;
    bool assumed = false;
  };
  void count(const pod_entry& p, int sign);
  void add_entry(std::shared_ptr<const troupe::core::v1::Pod> pod, const std::string& node,
                 bool assumed);
  void rebuild_order() const;

  std::map<std::string, node_entry, std::less<>> nodes_;
  std::unordered_map<std::string, pod_entry> pods_;  // by uid; only pods counted on a node
  std::unordered_multimap<std::string, std::string> waiting_;  // node → uids of pods on a
                                                               // node the cache lacks
  mutable std::vector<const node_info*> order_;              // nodes_ in name order
  mutable bool order_stale_ = false;  // view() rebuilds order_ lazily
  pod_topology_index topology_;
};

} // namespace troupe::scheduler
