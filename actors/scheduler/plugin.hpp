#pragma once
// The scheduler's plugin chain, pure (CONVENTIONS 7-9): a filter says whether a pod fits a node;
// a node that does not fit is an outcome with a named reason (the text Kubernetes counts in its
// FailedScheduling summary), not an error. Plugins are small, one per file, each with a table test;
// the chain's order is documented where it is built (cheap filters first). CAF-free.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/core_v1.pb.h"

namespace troupe::scheduler {

/// Kubernetes' framework status codes that matter to a filter.
enum class fit_code {
  fits,
  unschedulable,                  // might fit after a change elsewhere (e.g. a pod leaves)
  unschedulable_and_unresolvable  // no change of other pods helps (labels, taints, nodeName)
};

struct fit {
  fit_code code = fit_code::fits;
  std::string reason;  // Kubernetes' text, e.g. "node(s) had untolerated taint {k: v}"
  bool fits() const { return code == fit_code::fits; }
  static fit ok() { return {}; }
  static fit no(std::string why, fit_code c = fit_code::unschedulable_and_unresolvable) {
    return {c, std::move(why)};
  }
};

/// Resource amounts the scheduler adds and compares (Kubernetes' framework.Resource, the part we use).
struct resources {
  int64_t milli_cpu = 0;
  int64_t memory = 0;  // bytes
};

/// A node as the filters see it (Kubernetes' NodeInfo): the Node and what its pods already take.
/// The scheduler's cache keeps these up to date as pods are bound and leave; filters only read.
struct node_info {
  const troupe::core::v1::Node& node;
  resources requested;  // sum of the requests of the pods bound to the node
  int64_t pods = 0;     // pods bound to the node
  explicit node_info(const troupe::core::v1::Node& n) : node(n) {}
};

class filter_plugin {
public:
  virtual ~filter_plugin() = default;
  /// The plugin's name in Kubernetes' configuration ("TaintToleration").
  virtual std::string_view name() const = 0;
  virtual fit filter(const troupe::core::v1::Pod& pod, const node_info& node) const = 0;
};

/// Kubernetes' FailedScheduling message: "0/2 nodes are available: 1 node(s) didn't match Pod's
/// node affinity/selector, 1 node(s) had untolerated taint {k: v}." — one reason per rejected
/// node, counted, "N reason" entries sorted as strings and joined with ", ".
std::string fit_summary(size_t nodes, const std::vector<std::string>& reasons);

} // namespace troupe::scheduler
