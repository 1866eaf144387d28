#include "actors/scheduler/scheduler_cache.hpp"

#include "actors/scheduler/resource_requests.hpp"

#include <algorithm>

namespace troupe::scheduler {

namespace v1 = troupe::core::v1;

namespace {

bool counts_on_node(const v1::Pod& pod) {
  const auto& phase = pod.status().phase();
  return !pod.spec().nodename().empty() && phase != "Succeeded" && phase != "Failed";
}

} // namespace

scheduler_cache::scheduler_cache() = default;
scheduler_cache::~scheduler_cache() = default;

void scheduler_cache::count(const pod_entry& p, int sign) {
  auto it = nodes_.find(p.node);
  if (it == nodes_.end())
    return;  // counted when the node arrives (upsert_node)
  auto& info = *it->second.info;
  if (sign > 0) {
    info.requested += p.requests;
    info.non_zero_requested += p.non_zero;
    ++info.pods;
  } else {
    info.requested -= p.requests;
    info.non_zero_requested -= p.non_zero;
    --info.pods;
  }
}

void scheduler_cache::upsert_node(std::shared_ptr<const v1::Node> node) {
  const std::string& name = node->metadata().name();
  auto it = nodes_.find(name);
  auto info = std::make_unique<node_info>(*node);
  if (it != nodes_.end()) {
    // Same node, new object: carry what its pods take over.
    info->requested = it->second.info->requested;
    info->non_zero_requested = it->second.info->non_zero_requested;
    info->pods = it->second.info->pods;
    if (!order_stale_) {
      // Keep the name order; swap the pointer in place (heartbeats update every node often).
      auto pos = std::lower_bound(order_.begin(), order_.end(), name,
                                  [](const node_info* a, const std::string& n) {
                                    return a->node.metadata().name() < n;
                                  });
      if (pos != order_.end() && *pos == it->second.info.get())
        *pos = info.get();
      else
        order_stale_ = true;
    }
    it->second.node = std::move(node);
    it->second.info = std::move(info);
    topology_.set_node(*it->second.node);
    return;
  } else {
    auto& entry = nodes_[name];
    entry.node = std::move(node);
    entry.info = std::move(info);
    // Pods that arrived before their node.
    auto waiting = waiting_.equal_range(name);
    for (auto w = waiting.first; w != waiting.second; ++w)
      if (auto p = pods_.find(w->second); p != pods_.end() && p->second.node == name)
        count(p->second, +1);
    waiting_.erase(waiting.first, waiting.second);
  }
  topology_.set_node(*nodes_[name].node);
  order_stale_ = true;
}

void scheduler_cache::remove_node(std::string_view name) {
  auto it = nodes_.find(name);
  if (it == nodes_.end())
    return;
  // Its pods stay (they may be deleted next) and wait for a node of that name again.
  for (const auto& [uid, p] : pods_)
    if (p.node == name)
      waiting_.emplace(p.node, uid);
  nodes_.erase(it);
  topology_.remove_node(name);
  order_stale_ = true;
}

const v1::Node* scheduler_cache::node(std::string_view name) const {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : it->second.node.get();
}

const node_info* scheduler_cache::info(std::string_view name) const {
  auto it = nodes_.find(name);
  return it == nodes_.end() ? nullptr : it->second.info.get();
}

void scheduler_cache::upsert_namespace(const v1::Namespace& ns) {
  topology_.set_namespace(ns);
}

void scheduler_cache::remove_namespace(std::string_view name) {
  topology_.remove_namespace(name);
}

void scheduler_cache::add_entry(std::shared_ptr<const v1::Pod> pod, const std::string& node,
                                bool assumed) {
  const std::string uid = pod->metadata().uid();
  pod_entry e;
  e.node = node;
  e.requests = pod_requests(*pod);
  e.non_zero = pod_non_zero_requests(*pod);
  e.assumed = assumed;
  if (pod->spec().nodename() != node) {
    // An assumed pod: the index must see it on the node it is about to be bound to.
    auto bound = std::make_shared<v1::Pod>(*pod);
    bound->mutable_spec()->set_nodename(node);
    pod = std::move(bound);
  }
  e.pod = pod;
  if (nodes_.count(node))
    count(e, +1);
  else
    waiting_.emplace(node, uid);
  topology_.add_pod(std::move(pod));
  pods_[uid] = std::move(e);
}

void scheduler_cache::upsert_pod(std::shared_ptr<const v1::Pod> pod) {
  const std::string& uid = pod->metadata().uid();
  remove_pod(uid);
  if (!counts_on_node(*pod))
    return;
  std::string node = pod->spec().nodename();
  add_entry(std::move(pod), node, false);
}

void scheduler_cache::remove_pod(std::string_view uid) {
  auto it = pods_.find(std::string(uid));
  if (it == pods_.end())
    return;
  if (nodes_.count(it->second.node)) {
    count(it->second, -1);
  } else {
    auto waiting = waiting_.equal_range(it->second.node);
    for (auto w = waiting.first; w != waiting.second; ++w)
      if (w->second == it->first) {
        waiting_.erase(w);
        break;
      }
  }
  topology_.remove_pod(uid);
  pods_.erase(it);
}

void scheduler_cache::assume(std::shared_ptr<const v1::Pod> pod, const std::string& node) {
  remove_pod(pod->metadata().uid());
  add_entry(std::move(pod), node, true);
}

void scheduler_cache::forget(std::string_view uid) {
  auto it = pods_.find(std::string(uid));
  if (it != pods_.end() && it->second.assumed)
    remove_pod(uid);
}

bool scheduler_cache::assumed(std::string_view uid) const {
  auto it = pods_.find(std::string(uid));
  return it != pods_.end() && it->second.assumed;
}

void scheduler_cache::rebuild_order() const {
  order_.clear();
  order_.reserve(nodes_.size());
  for (const auto& [name, entry] : nodes_)
    order_.push_back(entry.info.get());
  order_stale_ = false;
}

cluster_view scheduler_cache::view() const {
  if (order_stale_)
    rebuild_order();
  cluster_view v;
  v.nodes = &order_;
  v.topology = &topology_;
  return v;
}

} // namespace troupe::scheduler
