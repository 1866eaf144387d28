#include "actors/scheduler/inter_pod_affinity.hpp"

#include <algorithm>
#include <limits>

#include "actors/scheduler/pod_topology_index.hpp"

namespace troupe::scheduler {
namespace {

namespace v1 = troupe::core::v1;

struct filter_state final : plugin_state {
  // The pod's required affinity terms together (a pod counts when it matches all of them).
  std::shared_ptr<const term_matches> affinity;
  std::vector<domain_ref> affinity_domains;  // per term
  bool matches_own_affinity = false;         // for the first pod of a group
  // Per required anti-affinity term (owners of the counts in `avoid`).
  std::vector<std::shared_ptr<const term_matches>> anti;
  // The domains to avoid, grouped by topology key so that a node's label is looked up once per
  // key (a Deployment whose pods repel each other checks its own term and the existing pods'
  // identical term on one hostname lookup).
  struct avoid_key {
    const std::string* key;
    std::vector<const domain_counts*> anti;      // the pod's own anti-affinity terms
    std::vector<const domain_counts*> existing;  // existing pods' terms that select the pod
  };
  std::vector<avoid_key> avoid;

  avoid_key& for_key(const std::string& key) {
    for (auto& a : avoid)
      if (*a.key == key)
        return a;
    return avoid.emplace_back(avoid_key{&key, {}, {}});
  }
};

struct score_state final : plugin_state {
  std::vector<std::shared_ptr<const term_matches>> keep;  // owners of `domains`
  std::vector<std::pair<int64_t, domain_ref>> domains;    // multiplier, counts
};

const pod_topology_index& index_of(const cluster_view& view) {
  static const pod_topology_index empty;
  return view.topology ? *view.topology : empty;
}

// Kubernetes' GetNamespaceLabelsSnapshot: an unknown namespace has no labels. Only existing pods'
// terms are matched against these; the pod's own terms see an unknown namespace as unknown.
const label_map& labels_or_empty(const label_map* labels) {
  static const label_map none;
  return labels ? *labels : none;
}

bool matches_all(const std::vector<affinity_term>& terms, const v1::Pod& pod, const label_map* ns_labels) {
  return !terms.empty() && std::all_of(terms.begin(), terms.end(), [&](const affinity_term& t) {
    return t.matches(pod, ns_labels);
  });
}

} // namespace

fit inter_pod_affinity::pre_filter(const v1::Pod& pod, const cluster_view& view,
                                   std::unique_ptr<plugin_state>& state) const {
  const pod_topology_index& index = index_of(view);
  const bool own = has_pod_affinity(pod);
  if (!own && !index.any_required_anti_affinity())
    return fit::ok();  // Kubernetes' Skip: filter() sees no state
  auto s = std::make_unique<filter_state>();
  const label_map* ns_labels = index.namespace_labels(pod.metadata().namespace_());
  std::vector<domain_ref> existing;
  index.existing_anti_affinity(pod, &labels_or_empty(ns_labels), existing);
  for (const auto& d : existing)
    s->for_key(*d.key).existing.push_back(d.counts);
  if (own) {
    auto terms = parse_affinity_terms(pod, /*required_only=*/true);
    if (!terms.error.empty())
      return fit::no("parsing pod: " + terms.error, fit_code::unschedulable_and_unresolvable);
    if (!terms.required_affinity.empty()) {
      s->affinity = index.match(terms.required_affinity);
      for (size_t i = 0; i < terms.required_affinity.size(); ++i)
        s->affinity_domains.push_back(s->affinity->domains(i));
      s->matches_own_affinity = matches_all(terms.required_affinity, pod, ns_labels);
    }
    for (auto& t : terms.required_anti_affinity) {
      s->anti.push_back(index.match({std::move(t)}));
      const domain_ref d = s->anti.back()->domains(0);
      s->for_key(*d.key).anti.push_back(d.counts);
    }
  }
  if (s->avoid.empty() && !s->affinity)
    return fit::ok();
  state = std::move(s);
  return fit::ok();
}

fit inter_pod_affinity::filter(const v1::Pod&, const plugin_state* state,
                               const node_info& info) const {
  const auto* s = static_cast<const filter_state*>(state);
  if (!s)
    return fit::ok();
  const label_map& labels = info.node.metadata().labels();
  if (s->affinity) {
    bool pods_exist = true;
    for (const auto& d : s->affinity_domains) {
      auto label = labels.find(*d.key);
      if (label == labels.end())
        return fit::no(affinity_reason, fit_code::unschedulable_and_unresolvable);
      auto it = d.counts->find(label->second);
      if (it == d.counts->end() || it->second <= 0)
        pods_exist = false;
    }
    // The first pod of a group that has affinity to itself: no pod matches anywhere yet.
    if (!pods_exist && !(s->affinity->empty() && s->matches_own_affinity))
      return fit::no(affinity_reason, fit_code::unschedulable_and_unresolvable);
  }
  // The pod's own anti-affinity is reported before the existing pods'.
  bool existing_rejects = false;
  for (const auto& a : s->avoid) {
    auto label = labels.find(*a.key);
    if (label == labels.end())
      continue;
    for (const domain_counts* c : a.anti)
      if (c->count(label->second))
        return fit::no(anti_affinity_reason, fit_code::unschedulable);
    if (!existing_rejects)
      for (const domain_counts* c : a.existing)
        if (c->count(label->second)) {
          existing_rejects = true;
          break;
        }
  }
  if (existing_rejects)
    return fit::no(existing_anti_affinity_reason, fit_code::unschedulable);
  return fit::ok();
}

void inter_pod_affinity::pre_score(const v1::Pod& pod, const cluster_view& view,
                                   const std::vector<const node_info*>& feasible,
                                   std::unique_ptr<plugin_state>& state) const {
  const pod_topology_index& index = index_of(view);
  if (feasible.empty() || (!has_pod_affinity(pod) && !index.any_scoring_terms()))
    return;  // Kubernetes' Skip: every node scores 0
  auto s = std::make_unique<score_state>();
  auto add = [&](const affinity_term& t, int64_t sign) {
    s->keep.push_back(index.match({t}));
    s->domains.emplace_back(sign * t.weight, s->keep.back()->domains(0));
  };
  auto terms = parse_affinity_terms(pod);  // invalid terms: pre_filter already refused the pod
  for (const auto& t : terms.preferred_affinity)
    add(t, +1);
  for (const auto& t : terms.preferred_anti_affinity)
    add(t, -1);
  std::vector<domain_ref> existing;
  const label_map* ns_labels = index.namespace_labels(pod.metadata().namespace_());
  index.existing_scoring_terms(pod, &labels_or_empty(ns_labels), existing);
  for (const auto& d : existing)
    s->domains.emplace_back(1, d);
  if (!s->domains.empty())
    state = std::move(s);
}

int64_t inter_pod_affinity::score(const v1::Pod&, const plugin_state* state,
                                  const node_info& info) const {
  const auto* s = static_cast<const score_state*>(state);
  if (!s)
    return 0;
  const label_map& labels = info.node.metadata().labels();
  int64_t sum = 0;
  for (const auto& [multiplier, d] : s->domains)
    sum += multiplier * d.at(labels);
  return sum;
}

void inter_pod_affinity::normalize(std::vector<int64_t>& scores) const {
  // Kubernetes' min-max: 100 * (score - min) / (max - min), truncated; all 0 when equal.
  if (scores.empty())
    return;
  const auto [lo, hi] = std::minmax_element(scores.begin(), scores.end());
  const int64_t min = *lo, diff = *hi - *lo;
  for (auto& v : scores)
    v = diff > 0 ? static_cast<int64_t>(static_cast<double>(max_node_score) *
                                        (static_cast<double>(v - min) / static_cast<double>(diff)))
                 : 0;
}

} // namespace troupe::scheduler
