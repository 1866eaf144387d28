#pragma once
// The scheduler's plugin chain, pure (CONVENTIONS 7-9): a filter says whether a pod fits a node;
// a node that does not fit is an outcome with named reasons (the texts Kubernetes counts in its
// FailedScheduling summary), not an error. A score plugin ranks the nodes that fit. Plugins are
// small, one per file, each with a table test; the chain's order is documented where it is built
// (framework.cpp: cheap filters first). CAF-free.
//
// A scheduling cycle for one pod (Kubernetes' framework, the parts we use):
//   pre_filter (once per pod, may read the cluster view) → filter (per node, until enough nodes
//   fit) → pre_score (once) → score (per feasible node) → normalize (per plugin) → weighted sum.
// What a plugin computes once per pod lives in its plugin_state (Kubernetes' CycleState entry).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "proto/core_v1.pb.h"

namespace troupe::scheduler {

class pod_topology_index;  // pod_topology_index.hpp (InterPodAffinity's per-domain counts)

/// Kubernetes' framework status codes that matter to a filter.
enum class fit_code {
  fits,
  unschedulable,                  // might fit after a change elsewhere (e.g. a pod leaves)
  unschedulable_and_unresolvable  // no change of other pods helps (labels, taints, nodeName)
};

struct fit {
  fit_code code = fit_code::fits;
  /// Kubernetes' texts, e.g. "node(s) didn't match Pod's node affinity/selector"; usually one,
  /// several when a plugin finds several problems on one node ("Insufficient cpu", "Insufficient
  /// memory"). Texts fixed at compile time are kept as pointers (`fixed`, no allocation: a filter
  /// rejects thousands of nodes per pod), texts built at run time in `built` (a taint's key and
  /// value). reasons() gives them all, fixed ones first.
  static constexpr size_t max_fixed = 3;
  const char* fixed[max_fixed] = {};
  std::vector<std::string> built;

  bool fits() const { return code == fit_code::fits; }
  std::vector<std::string> reasons() const;
  /// The first reason ("" when it fits).
  std::string reason() const;

  static fit ok() { return {}; }
  /// `why` must outlive the result (a string literal or a static constant).
  static fit no(const char* why, fit_code c = fit_code::unschedulable_and_unresolvable) {
    fit f;
    f.code = c;
    f.fixed[0] = why;
    return f;
  }
  static fit no(std::string why, fit_code c = fit_code::unschedulable_and_unresolvable) {
    fit f;
    f.code = c;
    f.built.push_back(std::move(why));
    return f;
  }
  /// Adds a fixed reason to a non-fit (at most max_fixed; more are dropped).
  fit& and_no(const char* why) {
    for (auto& slot : fixed)
      if (!slot) {
        slot = why;
        break;
      }
    return *this;
  }
};

/// Resource amounts the scheduler adds and compares (Kubernetes' framework.Resource, the part we use).
struct resources {
  int64_t milli_cpu = 0;
  int64_t memory = 0;  // bytes
  resources& operator+=(const resources& o) {
    milli_cpu += o.milli_cpu;
    memory += o.memory;
    return *this;
  }
  resources& operator-=(const resources& o) {
    milli_cpu -= o.milli_cpu;
    memory -= o.memory;
    return *this;
  }
  friend bool operator==(const resources& a, const resources& b) {
    return a.milli_cpu == b.milli_cpu && a.memory == b.memory;
  }
};

/// A node as the plugins see it (Kubernetes' NodeInfo): the Node, what it offers (parsed once when
/// the node changes) and what its pods already take. The scheduler's cache keeps these up to date
/// as pods are bound and leave; plugins only read.
struct node_info {
  const troupe::core::v1::Node& node;
  resources allocatable;          // status.allocatable (capacity when allocatable is absent)
  int64_t allowed_pods = 0;       // status.allocatable["pods"] (0 when absent: no pod fits)
  resources requested;            // sum of the requests of the pods bound to the node
  resources non_zero_requested;   // the same with Kubernetes' defaults for containers that
                                  // request nothing (100m cpu, 200Mi memory): LeastAllocated
                                  // compares it (BalancedAllocation uses `requested`)
  int64_t pods = 0;               // pods bound to the node
  // Read from the Node once, so filters can pass a node without touching its object (5,000
  // Node objects do not stay in cache: each first touch per decision is a cache miss).
  bool unschedulable = false;     // spec.unschedulable
  int taints = 0;                 // spec.taints count
  /// Parses the node's allocatable (resource_requests.hpp: node_allocatable); nothing requested.
  explicit node_info(const troupe::core::v1::Node& n);
};

/// What the scheduler knows of the cluster during one pod's cycle (Kubernetes' Snapshot). The
/// nodes are in a stable order (by name) so a seeded run replays.
struct cluster_view {
  const std::vector<const node_info*>* nodes = nullptr;
  const pod_topology_index* topology = nullptr;  // bound pods by labels and topology domain
  size_t size() const { return nodes ? nodes->size() : 0; }
};

/// What a plugin computes once per pod and reads on every node (Kubernetes' CycleState entry).
struct plugin_state {
  virtual ~plugin_state() = default;
};

class filter_plugin {
public:
  virtual ~filter_plugin() = default;
  /// The plugin's name in Kubernetes' configuration ("TaintToleration").
  virtual std::string_view name() const = 0;
  /// Once per pod before any filter() (Kubernetes' PreFilter). A non-fit here rejects every node
  /// with its reasons (e.g. a pod whose required affinity matches no pod and not itself).
  virtual fit pre_filter(const troupe::core::v1::Pod& /*pod*/, const cluster_view& /*view*/,
                         std::unique_ptr<plugin_state>& /*state*/) const {
    return fit::ok();
  }
  /// `state` is what pre_filter left (may be null).
  virtual fit filter(const troupe::core::v1::Pod& pod, const plugin_state* state,
                     const node_info& node) const = 0;
};

/// Kubernetes' MaxNodeScore: normalized scores are 0..100.
constexpr int64_t max_node_score = 100;

class score_plugin {
public:
  virtual ~score_plugin() = default;
  virtual std::string_view name() const = 0;
  /// Kubernetes' default weight for the plugin (TaintToleration 3, NodeAffinity 2,
  /// InterPodAffinity 2, NodeResourcesFit 1, NodeResourcesBalancedAllocation 1).
  virtual int64_t default_weight() const = 0;
  /// Once per pod before score() (Kubernetes' PreScore); `feasible` are the nodes that fit.
  virtual void pre_score(const troupe::core::v1::Pod& /*pod*/, const cluster_view& /*view*/,
                         const std::vector<const node_info*>& /*feasible*/,
                         std::unique_ptr<plugin_state>& /*state*/) const {}
  virtual int64_t score(const troupe::core::v1::Pod& pod, const plugin_state* state,
                        const node_info& node) const = 0;
  /// Maps the raw scores of the feasible nodes to 0..max_node_score in place (Kubernetes'
  /// NormalizeScore); plugins that already score 0..100 keep the default (nothing).
  virtual void normalize(std::vector<int64_t>& /*scores*/) const {}
};

/// Kubernetes' DefaultNormalizeScore: score * 100 / max (reverse: 100 - that); all zero when the
/// maximum is 0 (reverse: all 100).
void default_normalize(std::vector<int64_t>& scores, bool reverse);

/// Kubernetes' FailedScheduling message: "0/2 nodes are available: 1 node(s) didn't match Pod's
/// node affinity/selector, 1 node(s) had untolerated taint {k: v}." — every reason of every
/// rejected node, counted, "N reason" entries sorted as strings and joined with ", ".
std::string fit_summary(size_t nodes, const std::vector<std::string>& reasons);
/// The same from reasons already counted (reason → nodes).
std::string fit_summary_counted(size_t nodes, const std::map<std::string, size_t>& counts);

} // namespace troupe::scheduler
