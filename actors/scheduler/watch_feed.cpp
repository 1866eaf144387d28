#include "actors/scheduler/watch_feed.hpp"

#include "actors/scheduler/cluster_changes.hpp"
#include "store/object_meta.hpp"

namespace troupe::scheduler {

namespace v1 = troupe::core::v1;
using store::watch_event_type;

watch_feed::watch_feed(scheduler_cache& cache, scheduling_queue& queue)
  : cache_(cache), queue_(queue) {}

const v1::Pod* watch_feed::pod(const std::string& uid) const {
  auto it = pods_.find(uid);
  return it == pods_.end() ? nullptr : it->second.get();
}

void watch_feed::list_started(watched w) {
  listing_[static_cast<int>(w)] = true;
  listed_[static_cast<int>(w)].clear();
}

void watch_feed::apply(watched w, watch_event_type type,
                       const std::shared_ptr<const google::protobuf::Message>& object,
                       queue_time now, feed_result& out) {
  if (!object || (type != watch_event_type::added && type != watch_event_type::modified &&
                  type != watch_event_type::deleted))
    return;
  const int i = static_cast<int>(w);
  if (listing_[i] && type != watch_event_type::deleted) {
    const auto& meta = store::object_meta(*object);
    listed_[i].insert(w == watched::pods ? meta.uid() : meta.name());
  }
  switch (w) {
    case watched::pods: on_pod(type, std::static_pointer_cast<const v1::Pod>(object), now, out); break;
    case watched::nodes: on_node(type, std::static_pointer_cast<const v1::Node>(object), out); break;
    case watched::namespaces:
      on_namespace(type, std::static_pointer_cast<const v1::Namespace>(object), out);
      break;
  }
}

void watch_feed::list_complete(watched w, queue_time now, feed_result& out) {
  const int i = static_cast<int>(w);
  if (!listing_[i])
    return;
  listing_[i] = false;
  auto forget = [&](const auto& known) {
    std::vector<std::shared_ptr<const google::protobuf::Message>> gone;
    for (const auto& [key, obj] : known)
      if (!listed_[i].count(key))
        gone.push_back(obj);
    for (const auto& obj : gone)
      apply(w, watch_event_type::deleted, obj, now, out);
  };
  if (w == watched::pods)
    forget(pods_);
  else if (w == watched::nodes)
    forget(nodes_);
  else
    forget(namespaces_);
  listed_[i].clear();
}

void watch_feed::on_pod(watch_event_type type, std::shared_ptr<const v1::Pod> pod, queue_time now,
                        feed_result& out) {
  const std::string uid = pod->metadata().uid();
  auto it = pods_.find(uid);
  if (type == watch_event_type::deleted) {
    out.changes |= pod_changes(it != pods_.end() ? it->second.get() : pod.get(), nullptr);
    if (it != pods_.end())
      pods_.erase(it);
    cache_.remove_pod(uid);
    queue_.remove(uid);
    out.settled.push_back(uid);
    return;
  }
  out.changes |= pod_changes(it != pods_.end() ? it->second.get() : nullptr, pod.get());
  // Only a pod that was pending (or not seen yet) has Events or writes to settle.
  const bool was_pending = it == pods_.end() || needs_scheduling(*it->second);
  if (it != pods_.end())
    it->second = pod;
  else
    pods_.emplace(uid, pod);
  if (needs_scheduling(*pod)) {
    queue_.add(std::move(pod), now);
    out.pending.push_back(uid);
    return;
  }
  if (was_pending) {
    queue_.remove(uid);
    out.settled.push_back(uid);
  }
  if (!pod->spec().nodename().empty())
    cache_.upsert_pod(std::move(pod));
}

void watch_feed::on_node(watch_event_type type, std::shared_ptr<const v1::Node> node,
                         feed_result& out) {
  const std::string name = node->metadata().name();
  auto it = nodes_.find(name);
  if (type == watch_event_type::deleted) {
    if (it != nodes_.end())
      nodes_.erase(it);
    cache_.remove_node(name);
    return;
  }
  auto c = node_changes(it == nodes_.end() ? nullptr : it->second.get(), node.get());
  if (it != nodes_.end() && c == 0)
    return;  // a heartbeat: nothing a plugin reads changed
  out.changes |= c;
  nodes_[name] = node;
  cache_.upsert_node(std::move(node));
}

void watch_feed::on_namespace(watch_event_type type, std::shared_ptr<const v1::Namespace> ns,
                              feed_result& out) {
  const std::string name = ns->metadata().name();
  auto it = namespaces_.find(name);
  if (type == watch_event_type::deleted) {
    if (it != namespaces_.end())
      namespaces_.erase(it);
    cache_.remove_namespace(name);
    return;
  }
  out.changes |= namespace_changes(it == namespaces_.end() ? nullptr : it->second.get(), ns.get());
  namespaces_[name] = ns;
  cache_.upsert_namespace(*ns);
}

} // namespace troupe::scheduler
