#include "actors/scheduler/affinity_term.hpp"

#include <algorithm>

namespace troupe::scheduler {
namespace {

namespace v1 = troupe::core::v1;

// Fills `out` from `term`; false (and `error` set) when a selector is invalid.
bool make_term(const v1::Pod& pod, const v1::PodAffinityTerm& term, int32_t weight,
               const std::string& path, affinity_term& out, std::string& error) {
  auto selector = config::label_selector_from_proto(
    term.has_labelselector() ? &term.labelselector() : nullptr, config::field_path(path + ".labelSelector"));
  if (!selector) {
    error = config::to_string(selector.errors);
    return false;
  }
  out.selector = std::move(*selector.value);
  out.has_namespace_selector = term.has_namespaceselector();
  if (out.has_namespace_selector) {
    auto ns = config::label_selector_from_proto(&term.namespaceselector(),
                                                config::field_path(path + ".namespaceSelector"));
    if (!ns) {
      error = config::to_string(ns.errors);
      return false;
    }
    out.namespace_selector = std::move(*ns.value);
  }
  if (term.namespaces_size() == 0 && !out.has_namespace_selector)
    out.namespaces.push_back(pod.metadata().namespace_());
  else
    out.namespaces.assign(term.namespaces().begin(), term.namespaces().end());
  std::sort(out.namespaces.begin(), out.namespaces.end());
  out.namespaces.erase(std::unique(out.namespaces.begin(), out.namespaces.end()), out.namespaces.end());
  out.topology_key = term.topologykey();
  out.weight = weight;
  return true;
}

void add_required(const v1::Pod& pod, const google::protobuf::RepeatedPtrField<v1::PodAffinityTerm>& terms,
                  const std::string& path, std::vector<affinity_term>& out, std::string& error) {
  for (int i = 0; i < terms.size(); ++i) {
    affinity_term t;
    if (make_term(pod, terms[i], 1, path + "[" + std::to_string(i) + "]", t, error))
      out.push_back(std::move(t));
  }
}

void add_preferred(const v1::Pod& pod,
                   const google::protobuf::RepeatedPtrField<v1::WeightedPodAffinityTerm>& terms,
                   const std::string& path, std::vector<affinity_term>& out, std::string& error) {
  for (int i = 0; i < terms.size(); ++i) {
    affinity_term t;
    if (make_term(pod, terms[i].podaffinityterm(), terms[i].weight(),
                  path + "[" + std::to_string(i) + "].podAffinityTerm", t, error))
      out.push_back(std::move(t));
  }
}

} // namespace

bool affinity_term::matches(const std::string& ns, const label_map& labels,
                            const label_map* ns_labels) const {
  const bool in_namespace =
    std::binary_search(namespaces.begin(), namespaces.end(), ns) ||
    (has_namespace_selector &&
     (namespace_selector.empty() || (ns_labels && namespace_selector.matches(*ns_labels))));
  return in_namespace && selector.matches(labels);
}

std::string affinity_term::signature() const {
  // '\x1f' separates the parts, '\x01' marks a selector that selects nothing (it prints as "",
  // like the empty selector).
  std::string s = selector.matches_nothing() ? "\x01" : selector.to_string();
  s += '\x1f';
  for (const auto& ns : namespaces) {
    s += ns;
    s += ',';
  }
  s += '\x1f';
  if (has_namespace_selector)
    s += namespace_selector.matches_nothing() ? "\x01" : "=" + namespace_selector.to_string();
  s += '\x1f';
  s += topology_key;
  return s;
}

bool has_pod_affinity(const v1::Pod& pod) {
  if (!pod.spec().has_affinity())
    return false;
  const auto& a = pod.spec().affinity();
  return (a.has_podaffinity() &&
          (a.podaffinity().requiredduringschedulingignoredduringexecution_size() > 0 ||
           a.podaffinity().preferredduringschedulingignoredduringexecution_size() > 0)) ||
         (a.has_podantiaffinity() &&
          (a.podantiaffinity().requiredduringschedulingignoredduringexecution_size() > 0 ||
           a.podantiaffinity().preferredduringschedulingignoredduringexecution_size() > 0));
}

pod_affinity_terms parse_affinity_terms(const v1::Pod& pod, bool required_only) {
  pod_affinity_terms out;
  if (!has_pod_affinity(pod))
    return out;
  const auto& a = pod.spec().affinity();
  const std::string base = "spec.affinity.";
  add_required(pod, a.podaffinity().requiredduringschedulingignoredduringexecution(),
               base + "podAffinity.requiredDuringSchedulingIgnoredDuringExecution",
               out.required_affinity, out.error);
  add_required(pod, a.podantiaffinity().requiredduringschedulingignoredduringexecution(),
               base + "podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution",
               out.required_anti_affinity, out.error);
  if (required_only)
    return out;
  add_preferred(pod, a.podaffinity().preferredduringschedulingignoredduringexecution(),
                base + "podAffinity.preferredDuringSchedulingIgnoredDuringExecution",
                out.preferred_affinity, out.error);
  add_preferred(pod, a.podantiaffinity().preferredduringschedulingignoredduringexecution(),
                base + "podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution",
                out.preferred_anti_affinity, out.error);
  return out;
}

} // namespace troupe::scheduler
