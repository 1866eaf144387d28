#include "actors/controllers/ownership_graph.hpp"

#include <algorithm>

namespace troupe::controllers {

bool graph_node::has_finalizer(const std::string& f) const {
  return std::find(finalizers.begin(), finalizers.end(), f) != finalizers.end();
}

std::vector<owner_ref> owner_refs_of(const meta::ObjectMeta& meta) {
  std::vector<owner_ref> out;
  for (const auto& r : meta.ownerreferences())
    out.push_back({r.uid(), r.apiversion(), r.kind(), r.name(), r.blockownerdeletion()});
  return out;
}

const std::vector<const config::kind_info*>& collected_kinds() {
  static const std::vector<const config::kind_info*> kinds = [] {
    std::vector<const config::kind_info*> out;
    for (const auto& k : config::all_kinds())
      if (!k.resource.empty() && k.is_storage_version() && k.group != "metrics.k8s.io" && k.kind != "Binding")
        out.push_back(&k);
    return out;
  }();
  return kinds;
}

void ownership_graph::link(const std::string& dependent, const std::vector<owner_ref>& owners) {
  for (const auto& o : owners)
    dependents_[o.uid].insert(dependent);
}

void ownership_graph::unlink(const std::string& dependent, const std::vector<owner_ref>& owners) {
  for (const auto& o : owners) {
    auto i = dependents_.find(o.uid);
    if (i == dependents_.end())
      continue;
    i->second.erase(dependent);
    if (i->second.empty())
      dependents_.erase(i);
  }
}

std::set<std::string> ownership_graph::upsert(const config::kind_info& kind, const meta::ObjectMeta& meta) {
  std::set<std::string> dirty;
  const auto& uid = meta.uid();
  if (uid.empty())
    return dirty;
  auto& n = nodes_[uid];
  const auto old_owners = n.owners;
  const bool was_foreground = n.deleting_foreground();
  n.uid = uid;
  n.kind = &kind;
  n.ns = meta.namespace_();
  n.name = meta.name();
  n.being_deleted = meta.has_deletiontimestamp();
  n.finalizers.assign(meta.finalizers().begin(), meta.finalizers().end());
  n.owners = owner_refs_of(meta);
  unlink(uid, old_owners);
  link(uid, n.owners);

  if (!n.owners.empty() || n.deleting_foreground() || n.deleting_orphan())
    dirty.insert(uid);
  if (n.deleting_foreground() && !was_foreground)  // its dependents must go now
    if (auto d = dependents_.find(uid); d != dependents_.end())
      dirty.insert(d->second.begin(), d->second.end());
  // Owners it no longer names, or no longer blocks: a Foreground owner may be done.
  for (const auto& o : old_owners) {
    auto same = [&](const owner_ref& x) { return x.uid == o.uid && x.block_owner_deletion == o.block_owner_deletion; };
    if (std::none_of(n.owners.begin(), n.owners.end(), same))
      dirty.insert(o.uid);
  }
  // A dependent being deleted matters to a Foreground owner waiting for it.
  if (n.being_deleted)
    for (const auto& o : n.owners)
      dirty.insert(o.uid);
  return dirty;
}

std::set<std::string> ownership_graph::remove(const std::string& uid) {
  std::set<std::string> dirty;
  auto i = nodes_.find(uid);
  if (i == nodes_.end())
    return dirty;
  auto owners = i->second.owners;
  nodes_.erase(i);
  unlink(uid, owners);
  for (const auto& o : owners)
    dirty.insert(o.uid);
  if (auto d = dependents_.find(uid); d != dependents_.end())
    dirty.insert(d->second.begin(), d->second.end());
  return dirty;
}

const graph_node* ownership_graph::find(const std::string& uid) const {
  auto i = nodes_.find(uid);
  return i == nodes_.end() ? nullptr : &i->second;
}

std::vector<std::string> ownership_graph::uids_of(const config::kind_info& kind) const {
  std::vector<std::string> out;
  for (const auto& [uid, n] : nodes_)
    if (n.kind == &kind)
      out.push_back(uid);
  return out;
}

std::vector<const graph_node*> ownership_graph::dependents_of(const std::string& uid) const {
  std::vector<const graph_node*> out;
  auto d = dependents_.find(uid);
  if (d == dependents_.end())
    return out;
  for (const auto& dep : d->second)
    if (auto n = find(dep))
      out.push_back(n);
  return out;
}

} // namespace troupe::controllers
