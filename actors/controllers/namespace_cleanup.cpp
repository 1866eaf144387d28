#include "actors/controllers/namespace_cleanup.hpp"

#include <algorithm>

#include "store/object_meta.hpp"

namespace troupe::controllers {

namespace {

using condition = core::v1::NamespaceCondition;

// "pods." for the core group, "deployments.apps" otherwise (GroupResource.String() plus the dot
// Kubernetes prints for the core group).
std::string group_resource(const config::kind_info& k) {
  return k.resource + "." + k.group;
}

condition make_condition(const std::string& type, bool status, const std::string& reason,
                         const std::string& message) {
  condition c;
  c.set_type(type);
  c.set_status(status ? "True" : "False");
  c.set_reason(reason);
  c.set_message(message);
  return c;
}

// Kubernetes' ordering of the deletion conditions.
std::vector<condition> deletion_conditions(const std::vector<kind_contents>& contents) {
  std::vector<std::string> remaining;
  std::map<std::string, size_t> finalizers;
  for (const auto& kc : contents) {
    if (!kc.items.empty())
      remaining.push_back(group_resource(*kc.kind) + " has " + std::to_string(kc.items.size()) +
                          " resource instances");
    for (const auto& item : kc.items)
      for (const auto& f : store::object_meta(*item.object).finalizers())
        ++finalizers[f];
  }
  std::sort(remaining.begin(), remaining.end());
  std::vector<condition> out;
  out.push_back(make_condition("NamespaceDeletionDiscoveryFailure", false, "ResourcesDiscovered",
                               "All resources successfully discovered"));
  out.push_back(make_condition("NamespaceDeletionGroupVersionParsingFailure", false,
                               "ParsedGroupVersions", "All legacy kube types successfully parsed"));
  out.push_back(make_condition("NamespaceDeletionContentFailure", false, "ContentDeleted",
                               "All content successfully deleted, may be waiting on finalization"));
  if (remaining.empty()) {
    out.push_back(make_condition("NamespaceContentRemaining", false, "ContentRemoved",
                                 "All content successfully removed"));
  } else {
    std::string msg = "Some resources are remaining: ";
    for (size_t i = 0; i < remaining.size(); ++i)
      msg += (i ? ", " : "") + remaining[i];
    out.push_back(make_condition("NamespaceContentRemaining", true, "SomeResourcesRemain", msg));
  }
  if (finalizers.empty()) {
    out.push_back(make_condition("NamespaceFinalizersRemaining", false, "ContentHasNoFinalizers",
                                 "All content-preserving finalizers finished"));
  } else {
    std::string msg = "Some content in the namespace has finalizers remaining: ";
    bool first = true;
    for (const auto& [f, n] : finalizers) {  // std::map: sorted by finalizer
      msg += (first ? "" : ", ") + f + " in " + std::to_string(n) + " resource instances";
      first = false;
    }
    out.push_back(make_condition("NamespaceFinalizersRemaining", true, "SomeFinalizersRemain", msg));
  }
  return out;
}

// The new status: phase Terminating, the conditions above; a condition keeps its
// lastTransitionTime while its status stays.
core::v1::NamespaceStatus next_status(const core::v1::NamespaceStatus& current,
                                      const std::vector<condition>& wanted, config::timestamp now) {
  core::v1::NamespaceStatus next;
  next.set_phase("Terminating");
  for (const auto& c : current.conditions()) {
    auto same_type = [&](const condition& w) { return w.type() == c.type(); };
    if (std::none_of(wanted.begin(), wanted.end(), same_type))
      *next.add_conditions() = c;  // conditions someone else set stay
  }
  for (const auto& w : wanted) {
    auto* c = next.add_conditions();
    *c = w;
    auto old = std::find_if(current.conditions().begin(), current.conditions().end(),
                            [&](const condition& x) { return x.type() == w.type(); });
    if (old != current.conditions().end() && old->status() == w.status() && old->has_lasttransitiontime())
      *c->mutable_lasttransitiontime() = old->lasttransitiontime();
    else {
      c->mutable_lasttransitiontime()->set_seconds(now.seconds);
    }
  }
  return next;
}

bool same_status(const core::v1::NamespaceStatus& a, const core::v1::NamespaceStatus& b) {
  return a.SerializeAsString() == b.SerializeAsString();
}

} // namespace

const std::vector<const config::kind_info*>& namespaced_storage_kinds() {
  static const std::vector<const config::kind_info*> kinds = [] {
    std::vector<const config::kind_info*> out;
    for (const auto& k : config::all_kinds())
      if (k.namespaced && !k.resource.empty() && k.is_storage_version() && k.group != "metrics.k8s.io" &&
          k.kind != "Binding")
        out.push_back(&k);
    return out;
  }();
  return kinds;
}

int64_t pod_deletion_grace(const core::v1::Pod& pod) {
  if (pod.spec().nodename().empty())
    return 0;
  const auto& phase = pod.status().phase();
  if (phase == "Succeeded" || phase == "Failed")
    return 0;
  return pod.spec().has_terminationgraceperiodseconds() ? pod.spec().terminationgraceperiodseconds() : 30;
}

cleanup_plan plan_namespace_cleanup(const core::v1::Namespace& ns,
                                    const std::vector<kind_contents>& contents,
                                    config::timestamp now) {
  cleanup_plan plan;
  if (!ns.metadata().has_deletiontimestamp())
    return plan;
  plan.deleting = true;
  auto status = next_status(ns.status(), deletion_conditions(contents), now);
  if (!same_status(status, ns.status()))
    plan.status = std::move(status);
  for (const auto& kc : contents) {
    plan.remaining += kc.items.size();
    for (const auto& item : kc.items) {
      const auto& meta = store::object_meta(*item.object);
      if (meta.has_deletiontimestamp())
        continue;  // already going: wait for it
      object_deletion d;
      d.kind = kc.kind;
      d.name = meta.name();
      d.options.uid = meta.uid();
      if (item.object->GetDescriptor() == core::v1::Pod::descriptor())
        d.options.grace_period_seconds =
          pod_deletion_grace(static_cast<const core::v1::Pod&>(*item.object));
      plan.deletions.push_back(std::move(d));
    }
  }
  plan.remove_namespace = plan.remaining == 0;
  return plan;
}

std::chrono::milliseconds retry_backoff(unsigned failures) {
  if (failures == 0)
    return std::chrono::milliseconds(0);
  auto ms = 100LL << std::min(failures - 1, 7u);
  return std::chrono::milliseconds(std::min<long long>(ms, 10000));
}

} // namespace troupe::controllers
