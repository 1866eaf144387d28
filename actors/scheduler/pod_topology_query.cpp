// pod_topology_index's queries: the cached per-domain counts of the pods that incoming pods'
// terms select, and the existing pods' term groups that select an incoming pod.
#include "actors/scheduler/pod_topology_data.hpp"

#include <algorithm>

namespace troupe::scheduler {
namespace {

namespace v1 = troupe::core::v1;
using config::selector_op;

bool selects_namespace(const affinity_term& t, const std::string& name, const ns_rec& ns) {
  return std::binary_search(t.namespaces.begin(), t.namespaces.end(), name) ||
         (t.has_namespace_selector &&
          (t.namespace_selector.empty() || (ns.known && t.namespace_selector.matches(ns.labels))));
}

// The pods of `ns` that can match `selector`: the smallest union of posting lists one of its
// requirements needs (key=value, key in (...), key exists), else every pod of the namespace.
std::vector<const pod_set*> candidates(const config::label_selector& selector, const ns_rec& ns) {
  std::vector<const pod_set*> best{&ns.pods};
  size_t best_size = ns.pods.size();
  for (const auto& r : selector.requirements()) {
    const bool by_value = r.op == selector_op::equals || r.op == selector_op::double_equals ||
                          r.op == selector_op::in;
    if (!by_value && r.op != selector_op::exists)
      continue;
    std::vector<const pod_set*> sets;
    size_t size = 0;
    auto key = ns.by_label.find(r.key);
    if (key != ns.by_label.end()) {
      if (by_value) {
        for (const auto& v : r.values)
          if (auto it = key->second.find(v); it != key->second.end()) {
            sets.push_back(&it->second);
            size += it->second.size();
          }
      } else {
        for (const auto& [v, pods] : key->second) {
          sets.push_back(&pods);
          size += pods.size();
        }
      }
    }
    if (size < best_size) {
      best = std::move(sets);
      best_size = size;
    }
  }
  return best;
}

bool depends_on_namespace_labels(const term_matches& q) {
  return std::any_of(q.terms.begin(), q.terms.end(), [](const affinity_term& t) {
    return t.has_namespace_selector && !t.namespace_selector.empty() &&
           !t.namespace_selector.matches_nothing();
  });
}

void collect(const group_map& groups, const v1::Pod& pod, const label_map* ns_labels,
             std::vector<domain_ref>& out) {
  for (const auto& [sig, g] : groups)
    if (!g.domains.empty() && g.term.matches(pod, ns_labels))
      out.push_back({&g.term.topology_key, &g.domains});
}

} // namespace

int64_t domain_ref::at(const label_map& node_labels) const {
  auto label = node_labels.find(*key);
  if (label == node_labels.end())
    return 0;
  auto it = counts->find(label->second);
  return it == counts->end() ? 0 : it->second;
}

domain_ref term_matches::domains(size_t i) const {
  const auto& [key, counts] = by_key[key_of_term[i]];
  return {&key, &counts};
}

bool term_matches::empty() const {
  return std::all_of(by_key.begin(), by_key.end(), [](const auto& e) { return e.second.empty(); });
}

bool pod_topology_index::impl::selects(const term_matches& q, const pod_rec& p) const {
  const label_map* ns_labels = p.ns->known ? &p.ns->labels : nullptr;
  for (const auto& t : q.terms)
    if (!t.matches(*p.pod, ns_labels))
      return false;
  return true;
}

void pod_topology_index::impl::count_in(term_matches& q, const pod_rec& p, int64_t sign) const {
  // Once per term, as Kubernetes (two terms with one topology key count a pod twice there).
  for (size_t i = 0; i < q.terms.size(); ++i)
    if (const std::string* v = node_label(*p.node, q.terms[i].topology_key))
      bump(q.by_key[q.key_of_term[i]].second, *v, sign);
}

std::shared_ptr<term_matches> pod_topology_index::impl::build(
  const std::vector<affinity_term>& terms) const {
  auto q = std::make_shared<term_matches>();
  q->terms = terms;
  for (const auto& t : terms) {
    auto it = std::find_if(q->by_key.begin(), q->by_key.end(),
                           [&](const auto& e) { return e.first == t.topology_key; });
    if (it == q->by_key.end()) {
      q->by_key.emplace_back(t.topology_key, domain_counts{});
      it = q->by_key.end() - 1;
    }
    q->key_of_term.push_back(static_cast<size_t>(it - q->by_key.begin()));
  }
  const affinity_term& first = terms.front();
  if (first.selector.matches_nothing())
    return q;
  for (const auto& [name, ns] : namespaces) {
    if (!selects_namespace(first, name, ns))
      continue;
    for (const pod_set* set : candidates(first.selector, ns))
      for (const pod_rec* p : *set)
        if (p->node->present && selects(*q, *p))
          count_in(*q, *p, +1);
  }
  return q;
}

void pod_topology_index::impl::forget_namespace_queries() {
  for (auto it = queries.begin(); it != queries.end();)
    it = depends_on_namespace_labels(*it->second) ? queries.erase(it) : std::next(it);
}

const label_map* pod_topology_index::namespace_labels(std::string_view name) const {
  auto it = impl_->namespaces.find(std::string(name));
  return it == impl_->namespaces.end() || !it->second.known ? nullptr : &it->second.labels;
}

std::shared_ptr<const term_matches> pod_topology_index::match(
  const std::vector<affinity_term>& terms) const {
  if (terms.empty())
    return std::make_shared<term_matches>();
  std::string sig;
  for (const auto& t : terms) {
    sig += t.signature();
    sig += '\x1e';
  }
  auto& queries = impl_->queries;
  if (auto it = queries.find(sig); it != queries.end()) {
    it->second->last_used = ++impl_->clock;
    return it->second;
  }
  auto q = impl_->build(terms);
  q->last_used = ++impl_->clock;
  if (queries.size() >= max_cached_queries) {
    auto lru = std::min_element(queries.begin(), queries.end(), [](const auto& a, const auto& b) {
      return a.second->last_used < b.second->last_used;
    });
    queries.erase(lru);
  }
  queries.emplace(std::move(sig), q);
  return q;
}

size_t pod_topology_index::cached_queries() const {
  return impl_->queries.size();
}

bool pod_topology_index::any_required_anti_affinity() const {
  return !impl_->anti_groups.empty();
}

void pod_topology_index::existing_anti_affinity(const v1::Pod& pod, const label_map* ns_labels,
                                                std::vector<domain_ref>& out) const {
  collect(impl_->anti_groups, pod, ns_labels, out);
}

bool pod_topology_index::any_scoring_terms() const {
  return !impl_->scoring_groups.empty();
}

void pod_topology_index::existing_scoring_terms(const v1::Pod& pod, const label_map* ns_labels,
                                                std::vector<domain_ref>& out) const {
  collect(impl_->scoring_groups, pod, ns_labels, out);
}

} // namespace troupe::scheduler
