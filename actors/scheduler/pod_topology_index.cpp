// The index's mutators: pods, nodes and namespaces come and change; every count that depends on
// them (term groups, cached queries) follows at once. Queries: pod_topology_query.cpp.
#include "actors/scheduler/pod_topology_data.hpp"

namespace troupe::scheduler {
namespace {

namespace v1 = troupe::core::v1;

template <class A, class B>
bool same_labels(const A& a, const B& b) {
  if (a.size() != static_cast<size_t>(b.size()))
    return false;
  for (const auto& [k, v] : b) {
    auto it = a.find(k);
    if (it == a.end() || it->second != v)
      return false;
  }
  return true;
}

void hold(group_map& groups, affinity_term term, int64_t weight, std::vector<held_term>& out) {
  std::string sig = term.signature();
  auto [it, inserted] = groups.try_emplace(sig);
  if (inserted) {
    it->second.signature = std::move(sig);
    it->second.term = std::move(term);
  }
  ++it->second.holders;
  out.push_back({&it->second, weight});
}

void release(group_map& groups, std::vector<held_term>& held) {
  for (auto& h : held)
    if (--h.group->holders == 0)
      groups.erase(h.group->signature);
  held.clear();
}

void index_labels(pod_rec& p) {
  for (const auto& [k, v] : p.pod->metadata().labels())
    p.ns->by_label[k][v].insert(&p);
}

void unindex_labels(pod_rec& p) {
  auto& by_label = p.ns->by_label;
  for (const auto& [k, v] : p.pod->metadata().labels()) {
    auto key = by_label.find(k);
    if (key == by_label.end())
      continue;
    auto value = key->second.find(v);
    if (value == key->second.end())
      continue;
    value->second.erase(&p);
    if (value->second.empty()) {
      key->second.erase(value);
      if (key->second.empty())
        by_label.erase(key);
    }
  }
}

// A status-only update of a bound pod (the common case: phase, conditions) changes nothing the
// index keeps. A pod with pod (anti-)affinity is re-added to be safe (its spec is immutable in
// Kubernetes, but comparing the terms is not worth it).
bool same_placement(const v1::Pod& a, const v1::Pod& b) {
  return a.spec().nodename() == b.spec().nodename() &&
         a.metadata().namespace_() == b.metadata().namespace_() &&
         same_labels(a.metadata().labels(), b.metadata().labels()) && !has_pod_affinity(a) &&
         !has_pod_affinity(b);
}

} // namespace

void pod_topology_index::impl::count(const pod_rec& p, int64_t sign) {
  const node_rec& n = *p.node;
  for (const auto* held : {&p.anti, &p.scoring})
    for (const auto& h : *held)
      if (const std::string* v = node_label(n, h.group->term.topology_key))
        bump(h.group->domains, *v, sign * h.weight);
  for (auto& [sig, q] : queries)
    if (selects(*q, p))
      count_in(*q, p, sign);
}

pod_topology_index::pod_topology_index() : impl_(std::make_unique<impl>()) {}
pod_topology_index::~pod_topology_index() = default;

void pod_topology_index::set_node(const v1::Node& node) {
  node_rec& n = impl_->nodes[node.metadata().name()];
  if (n.present && same_labels(n.labels, node.metadata().labels()))
    return;
  if (n.present)
    for (const pod_rec* p : n.pods)
      impl_->count(*p, -1);
  n.labels.clear();
  for (const auto& [k, v] : node.metadata().labels())
    n.labels.emplace(k, v);
  n.present = true;
  for (const pod_rec* p : n.pods)
    impl_->count(*p, +1);
}

void pod_topology_index::remove_node(std::string_view name) {
  auto it = impl_->nodes.find(std::string(name));
  if (it == impl_->nodes.end() || !it->second.present)
    return;
  for (const pod_rec* p : it->second.pods)
    impl_->count(*p, -1);
  if (it->second.pods.empty()) {
    impl_->nodes.erase(it);
    return;
  }
  it->second.present = false;
  it->second.labels.clear();
}

void pod_topology_index::set_namespace(const v1::Namespace& ns) {
  ns_rec& r = impl_->namespaces[ns.metadata().name()];
  if (r.known && same_labels(r.labels, ns.metadata().labels()))
    return;
  r.known = true;
  r.labels = ns.metadata().labels();
  impl_->forget_namespace_queries();
}

void pod_topology_index::remove_namespace(std::string_view name) {
  auto it = impl_->namespaces.find(std::string(name));
  if (it == impl_->namespaces.end() || !it->second.known)
    return;
  impl_->forget_namespace_queries();
  if (it->second.pods.empty()) {
    impl_->namespaces.erase(it);
    return;
  }
  it->second.known = false;
  it->second.labels.clear();
}

void pod_topology_index::add_pod(std::shared_ptr<const v1::Pod> pod) {
  const std::string& uid = pod->metadata().uid();
  if (auto it = impl_->pods.find(uid); it != impl_->pods.end()) {
    if (same_placement(*it->second.pod, *pod)) {
      it->second.pod = std::move(pod);
      return;
    }
    remove_pod(uid);
  }
  if (pod->spec().nodename().empty())
    return;
  pod_rec& p = impl_->pods[uid];
  p.pod = std::move(pod);
  p.ns = &impl_->namespaces[p.pod->metadata().namespace_()];
  p.ns->pods.insert(&p);
  index_labels(p);
  p.node = &impl_->nodes[p.pod->spec().nodename()];
  p.node->pods.insert(&p);
  if (has_pod_affinity(*p.pod)) {
    // Invalid terms are left out (admission rejects them; Kubernetes logs and skips the pod's
    // terms the same way).
    auto terms = parse_affinity_terms(*p.pod);
    for (auto& t : terms.required_anti_affinity)
      hold(impl_->anti_groups, std::move(t), 1, p.anti);
    for (auto& t : terms.required_affinity)  // Kubernetes' hardPodAffinityWeight (default 1)
      hold(impl_->scoring_groups, std::move(t), 1, p.scoring);
    for (auto& t : terms.preferred_affinity) {
      const int64_t w = t.weight;
      hold(impl_->scoring_groups, std::move(t), w, p.scoring);
    }
    for (auto& t : terms.preferred_anti_affinity) {
      const int64_t w = t.weight;
      hold(impl_->scoring_groups, std::move(t), -w, p.scoring);
    }
  }
  if (p.node->present)
    impl_->count(p, +1);
}

void pod_topology_index::remove_pod(std::string_view uid) {
  auto it = impl_->pods.find(std::string(uid));
  if (it == impl_->pods.end())
    return;
  pod_rec& p = it->second;
  if (p.node->present)
    impl_->count(p, -1);
  release(impl_->anti_groups, p.anti);
  release(impl_->scoring_groups, p.scoring);
  unindex_labels(p);
  p.ns->pods.erase(&p);
  p.node->pods.erase(&p);
  const std::string ns = p.pod->metadata().namespace_();
  const std::string node = p.pod->spec().nodename();
  impl_->pods.erase(it);
  if (auto n = impl_->namespaces.find(ns); n->second.pods.empty() && !n->second.known)
    impl_->namespaces.erase(n);
  if (auto n = impl_->nodes.find(node); n->second.pods.empty() && !n->second.present)
    impl_->nodes.erase(n);
}

size_t pod_topology_index::pods() const {
  return impl_->pods.size();
}

} // namespace troupe::scheduler
