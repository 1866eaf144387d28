#include "actors/scheduler/framework.hpp"

#include <algorithm>

#include "actors/scheduler/balanced_allocation.hpp"
#include "actors/scheduler/inter_pod_affinity.hpp"
#include "actors/scheduler/node_affinity.hpp"
#include "actors/scheduler/node_name.hpp"
#include "actors/scheduler/node_resources_fit.hpp"
#include "actors/scheduler/node_unschedulable.hpp"
#include "actors/scheduler/taint_toleration.hpp"

namespace troupe::scheduler {

namespace v1 = troupe::core::v1;

plugin_chain default_chain() {
  // Filters, cheapest and most often decisive first (Kubernetes' default order, minus the
  // plugins for volumes, ports and topology spread that Troupe does not have yet):
  //   1. NodeUnschedulable  a flag and, when cordoned, the pod's tolerations
  //   2. NodeName           one string compare
  //   3. TaintToleration    the node's taints (usually none) against the tolerations
  //   4. NodeAffinity       nodeSelector and required terms against the node's labels
  //   5. NodeResourcesFit   integer compares against the node's parsed allocatable
  //   6. InterPodAffinity   hash lookups in the per-domain counts pre_filter built
  // Scores, with Kubernetes' default weights: TaintToleration 3, NodeAffinity 2,
  // InterPodAffinity 2, NodeResourcesFit (LeastAllocated) 1, NodeResourcesBalancedAllocation 1.
  auto taints = std::make_shared<taint_toleration>();
  auto affinity = std::make_shared<node_affinity>();
  auto fit = std::make_shared<node_resources_fit>();
  auto pods = std::make_shared<inter_pod_affinity>();
  auto balanced = std::make_shared<balanced_allocation>();
  plugin_chain chain;
  chain.filters = {std::make_shared<node_unschedulable>(), std::make_shared<node_name>(), taints,
                   affinity, fit, pods};
  for (std::shared_ptr<const score_plugin> s :
       std::initializer_list<std::shared_ptr<const score_plugin>>{taints, affinity, pods, fit, balanced})
    chain.scores.push_back({s, s->default_weight()});
  return chain;
}

size_t feasible_nodes_to_find(size_t nodes, const schedule_options& options) {
  if (nodes < options.min_feasible_nodes || options.percentage_of_nodes_to_score >= 100)
    return nodes;
  int64_t percentage = options.percentage_of_nodes_to_score;
  if (percentage <= 0) {
    percentage = 50 - static_cast<int64_t>(nodes) / 125;
    if (percentage < 5)
      percentage = 5;
  }
  size_t n = nodes * static_cast<size_t>(percentage) / 100;
  return std::max(n, options.min_feasible_nodes);
}

namespace {

uint64_t next_random(uint64_t& state) {  // splitmix64: small, seeded, replayable
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Counts the reasons of rejected nodes without copying strings per node: fixed reasons by
// pointer (a handful of distinct ones per pod), built ones by text.
struct reason_tally {
  std::vector<std::pair<const char*, size_t>> fixed;
  std::map<std::string, size_t> built;
  bool resolvable = false;

  void add(fit&& f, size_t nodes = 1) {
    if (f.code == fit_code::unschedulable)
      resolvable = true;
    for (const char* r : f.fixed) {
      if (!r)
        break;
      auto it = std::find_if(fixed.begin(), fixed.end(), [r](const auto& e) { return e.first == r; });
      if (it == fixed.end())
        fixed.emplace_back(r, nodes);
      else
        it->second += nodes;
    }
    for (auto& r : f.built)
      built[std::move(r)] += nodes;
  }

  void into(schedule_result& out) {
    out.resolvable = resolvable;
    out.reasons = std::move(built);
    for (const auto& [r, n] : fixed)
      out.reasons[r] += n;
  }
};

} // namespace

schedule_result schedule_one(const v1::Pod& pod, const cluster_view& view,
                             const plugin_chain& chain, const schedule_options& options,
                             schedule_cursor& cursor) {
  schedule_result out;
  const size_t n = view.size();
  if (n == 0)
    return out;  // "0/0 nodes are available."
  const auto& nodes = *view.nodes;

  // PreFilter: a non-fit rejects every node with its reasons.
  std::vector<std::unique_ptr<plugin_state>> filter_states(chain.filters.size());
  for (size_t i = 0; i < chain.filters.size(); ++i) {
    fit f = chain.filters[i]->pre_filter(pod, view, filter_states[i]);
    if (!f.fits()) {
      out.rejected_by[chain.filters[i]->name()] += n;
      reason_tally tally;
      tally.add(std::move(f), n);
      tally.into(out);
      out.nodes_evaluated = n;
      return out;
    }
  }

  // Filter from where the last search stopped until enough nodes fit.
  const size_t wanted = feasible_nodes_to_find(n, options);
  std::vector<const node_info*> feasible;
  feasible.reserve(std::min(wanted, n));
  size_t start = cursor.next_start % n;
  size_t processed = 0;
  reason_tally tally;
  std::vector<size_t> rejected(chain.filters.size(), 0);
  for (; processed < n && feasible.size() < wanted; ++processed) {
    const node_info* info = nodes[(start + processed) % n];
    bool fits = true;
    for (size_t i = 0; i < chain.filters.size(); ++i) {
      fit f = chain.filters[i]->filter(pod, filter_states[i].get(), *info);
      if (!f.fits()) {
        ++rejected[i];
        tally.add(std::move(f));
        fits = false;
        break;
      }
    }
    if (fits)
      feasible.push_back(info);
  }
  for (size_t i = 0; i < rejected.size(); ++i)
    if (rejected[i])
      out.rejected_by[chain.filters[i]->name()] += rejected[i];
  cursor.next_start = (start + processed) % n;
  out.nodes_evaluated = processed;
  out.feasible = feasible.size();
  if (feasible.empty()) {
    tally.into(out);
    return out;
  }
  if (feasible.size() == 1) {
    out.node = feasible.front()->node.metadata().name();
    return out;
  }

  // Score: every plugin over the feasible nodes, normalized, weighted, summed.
  std::vector<int64_t> total(feasible.size(), 0);
  std::vector<int64_t> scores(feasible.size());
  for (const auto& ws : chain.scores) {
    std::unique_ptr<plugin_state> state;
    ws.plugin->pre_score(pod, view, feasible, state);
    for (size_t k = 0; k < feasible.size(); ++k)
      scores[k] = ws.plugin->score(pod, state.get(), *feasible[k]);
    ws.plugin->normalize(scores);
    for (size_t k = 0; k < feasible.size(); ++k)
      total[k] += scores[k] * ws.weight;
  }

  // The best total; ties by reservoir sampling with the seeded generator (as selectHost).
  size_t best = 0;
  uint64_t ties = 1;
  for (size_t k = 1; k < feasible.size(); ++k) {
    if (total[k] > total[best]) {
      best = k;
      ties = 1;
    } else if (total[k] == total[best]) {
      ++ties;
      if (next_random(cursor.random) % ties == 0)
        best = k;
    }
  }
  out.node = feasible[best]->node.metadata().name();
  return out;
}

} // namespace troupe::scheduler
