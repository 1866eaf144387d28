#pragma once
// One scheduling decision, pure (CONVENTIONS 1, 7-9): the plugin chain run over the cluster view
// for one pod gives the node to bind it to, or the reasons why no node fits. The scheduler actor
// only applies the result (bind, or record FailedScheduling and requeue). CAF-free.
//
// As kube-scheduler: filters run in chain order on each node and stop at the first non-fit; the
// search starts where the previous one stopped (nodes in name order, wrapping) and stops once
// enough nodes fit (percentageOfNodesToScore, below); the feasible nodes are scored by every score
// plugin, normalized, weighted and summed; the best total wins, ties broken by a seeded random
// choice (replayable, CONVENTIONS 9). One feasible node is taken without scoring.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

struct weighted_score {
  std::shared_ptr<const score_plugin> plugin;
  int64_t weight = 1;
};

/// The filters in the order they run and the weighted scores.
struct plugin_chain {
  std::vector<std::shared_ptr<const filter_plugin>> filters;
  std::vector<weighted_score> scores;
};

/// Kubernetes' default chain and weights; the order is documented in framework.cpp.
plugin_chain default_chain();

struct schedule_options {
  /// Kubernetes' percentageOfNodesToScore: 0 = adaptive (50 - nodes/125 percent, at least 5);
  /// 100 = every node. At least min_feasible_nodes are searched for either way.
  int percentage_of_nodes_to_score = 0;
  size_t min_feasible_nodes = 100;
};

/// How many feasible nodes to find among `nodes` before scoring (Kubernetes'
/// numFeasibleNodesToFind). Worked example: 5,000 nodes, adaptive → 50 - 40 = 10% → 500.
size_t feasible_nodes_to_find(size_t nodes, const schedule_options& options);

/// State carried from one decision to the next: where the next search starts (Kubernetes'
/// nextStartNodeIndex) and the tie-break random state (seed it for a replayable run).
struct schedule_cursor {
  size_t next_start = 0;
  uint64_t random = 0x9e3779b97f4a7c15ull;
};

struct schedule_result {
  std::string node;  // empty: no node fits
  /// When no node fits: how many nodes gave each reason (fit_summary's input), and whether some
  /// rejection might go away when other pods change (fit_code::unschedulable).
  std::map<std::string, size_t> reasons;
  bool resolvable = false;
  /// Rejections per filter plugin name (metrics), also when the pod was placed. The names are
  /// the plugins' name() (string literals).
  std::map<std::string_view, size_t> rejected_by;
  size_t nodes_evaluated = 0;
  size_t feasible = 0;

  bool scheduled() const { return !node.empty(); }
  /// The FailedScheduling message for `nodes` nodes ("0/N nodes are available: ...").
  std::string message(size_t nodes) const { return fit_summary_counted(nodes, reasons); }
};

schedule_result schedule_one(const troupe::core::v1::Pod& pod, const cluster_view& view,
                             const plugin_chain& chain, const schedule_options& options,
                             schedule_cursor& cursor);

} // namespace troupe::scheduler
