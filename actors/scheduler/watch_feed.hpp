#pragma once
// What the scheduler's three watches (pods, nodes, namespaces) mean for its cache and queue, pure
// (CAF-free): the scheduler actor hands every watch event here. Keeps the last state of every
// object by key (pod uid, node name, namespace name) to tell what changed.
//
// - Pods the default scheduler must place (cluster_changes.hpp: needs_scheduling) go to the
//   queue (an update replaces the queued pod); every other pod leaves the queue and, when bound,
//   counts in the cache. An unbound pod never touches the cache, so a pod assumed by the
//   scheduler keeps its assumption until its bind answers.
// - Nodes and namespaces go to the cache; a node update that changes nothing a plugin reads (a
//   heartbeat) is not applied.
// - Changes that may help pending pods (cluster_changes.hpp) are collected in the result; the
//   caller moves the queue with them once per batch.
// - Re-listing (a watch closed and subscribed anew, since 0): list_started(), the ADDED events,
//   then list_complete() forgets, as deleted, what the new list did not contain.
// - settled: pods that stopped being pending (bound, finished, deleted, another scheduler's)
//   whose Events and PodScheduled writes the caller can forget; pending: pods (re)seen pending.

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/scheduler/scheduler_cache.hpp"
#include "actors/scheduler/scheduling_queue.hpp"
#include "store/object_store.hpp"

namespace troupe::scheduler {

enum class watched { pods = 0, nodes = 1, namespaces = 2 };

struct feed_result {
  cluster_events changes = 0;
  std::vector<std::string> settled;  // pod uids
  std::vector<std::string> pending;  // pod uids
};

class watch_feed {
public:
  watch_feed(scheduler_cache& cache, scheduling_queue& queue);

  void list_started(watched w);
  /// One watch event (ADDED, MODIFIED, DELETED; others are ignored).
  void apply(watched w, store::watch_event_type type,
             const std::shared_ptr<const google::protobuf::Message>& object, queue_time now,
             feed_result& out);
  void list_complete(watched w, queue_time now, feed_result& out);

  /// The pod as last seen; null when unknown or deleted.
  const troupe::core::v1::Pod* pod(const std::string& uid) const;
  size_t pods() const { return pods_.size(); }
  size_t nodes() const { return nodes_.size(); }

private:
  void on_pod(store::watch_event_type type, std::shared_ptr<const troupe::core::v1::Pod> pod,
              queue_time now, feed_result& out);
  void on_node(store::watch_event_type type, std::shared_ptr<const troupe::core::v1::Node> node,
               feed_result& out);
  void on_namespace(store::watch_event_type type,
                    std::shared_ptr<const troupe::core::v1::Namespace> ns, feed_result& out);

  scheduler_cache& cache_;
  scheduling_queue& queue_;
  std::unordered_map<std::string, std::shared_ptr<const troupe::core::v1::Pod>> pods_;
  std::unordered_map<std::string, std::shared_ptr<const troupe::core::v1::Node>> nodes_;
  std::unordered_map<std::string, std::shared_ptr<const troupe::core::v1::Namespace>> namespaces_;
  bool listing_[3] = {false, false, false};
  std::unordered_set<std::string> listed_[3];  // keys seen during a re-list
};

} // namespace troupe::scheduler
