#include "actors/scheduler/cluster_changes.hpp"

#include <google/protobuf/util/message_differencer.h>

namespace troupe::scheduler {

namespace v1 = troupe::core::v1;
using google::protobuf::util::MessageDifferencer;

namespace {

bool finished(const v1::Pod& pod) {
  const auto& phase = pod.status().phase();
  return phase == "Succeeded" || phase == "Failed";
}

template <class Map>
bool same_map(const Map& a, const Map& b) {
  if (a.size() != b.size())
    return false;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end() || it->second != v)
      return false;
  }
  return true;
}

template <class QuantityMap>
bool same_quantities(const QuantityMap& a, const QuantityMap& b) {
  if (a.size() != b.size())
    return false;
  for (const auto& [k, v] : a) {
    auto it = b.find(k);
    if (it == b.end() || !MessageDifferencer::Equals(it->second, v))
      return false;
  }
  return true;
}

bool same_taints(const v1::Node& a, const v1::Node& b) {
  const auto& x = a.spec().taints();
  const auto& y = b.spec().taints();
  if (x.size() != y.size())
    return false;
  for (int i = 0; i < x.size(); ++i)
    if (!MessageDifferencer::Equals(x[i], y[i]))
      return false;
  return true;
}

} // namespace

bool needs_scheduling(const v1::Pod& pod) {
  const auto& name = pod.spec().schedulername();
  return pod.spec().nodename().empty() && !pod.metadata().has_deletiontimestamp() &&
         !finished(pod) && (name.empty() || name == default_scheduler_name);
}

bool counts_on_node(const v1::Pod& pod) {
  return !pod.spec().nodename().empty() && !finished(pod);
}

cluster_events node_changes(const v1::Node* before, const v1::Node* after) {
  if (!after)
    return 0;
  if (!before)
    return node_added;
  cluster_events out = 0;
  if (!same_map(before->metadata().labels(), after->metadata().labels()))
    out |= node_labels_changed;
  if (!same_taints(*before, *after))
    out |= node_taints_changed;
  if (before->spec().unschedulable() != after->spec().unschedulable())
    out |= node_unschedulable_changed;
  if (!same_quantities(before->status().allocatable(), after->status().allocatable()) ||
      !same_quantities(before->status().capacity(), after->status().capacity()))
    out |= node_allocatable_changed;
  return out;
}

cluster_events pod_changes(const v1::Pod* before, const v1::Pod* after) {
  const bool was = before && counts_on_node(*before);
  const bool is = after && counts_on_node(*after);
  if (was && !is)
    return assigned_pod_removed;
  if (!was && is)
    return assigned_pod_added;
  if (was && is) {
    if (before->spec().nodename() != after->spec().nodename())
      return assigned_pod_added | assigned_pod_removed;
    if (!same_map(before->metadata().labels(), after->metadata().labels()))
      return assigned_pod_added;
  }
  return 0;
}

cluster_events namespace_changes(const v1::Namespace* before, const v1::Namespace* after) {
  if (!after)
    return 0;
  if (!before || !same_map(before->metadata().labels(), after->metadata().labels()))
    return namespace_labels_changed;
  return 0;
}

} // namespace troupe::scheduler
