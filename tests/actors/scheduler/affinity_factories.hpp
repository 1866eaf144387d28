#pragma once
// Factories for the InterPodAffinity and pod_topology_index tests: nodes with topology labels,
// bound pods with labels, pod (anti-)affinity terms, namespaces with labels.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "proto/core_v1.pb.h"

namespace troupe::scheduler::affinity_testing {

namespace v1 = troupe::core::v1;
using labels = std::map<std::string, std::string>;

inline v1::Node make_node(const std::string& name, const labels& l) {
  v1::Node n;
  n.mutable_metadata()->set_name(name);
  for (const auto& [k, v] : l)
    (*n.mutable_metadata()->mutable_labels())[k] = v;
  return n;
}

inline v1::Namespace make_namespace(const std::string& name, const labels& l) {
  v1::Namespace ns;
  ns.mutable_metadata()->set_name(name);
  for (const auto& [k, v] : l)
    (*ns.mutable_metadata()->mutable_labels())[k] = v;
  return ns;
}

/// A pod (uid "<ns>/<name>") with labels, bound to `node` when given.
inline v1::Pod make_pod(const std::string& name, const labels& l, const std::string& node = "",
                        const std::string& ns = "default") {
  v1::Pod p;
  p.mutable_metadata()->set_name(name);
  p.mutable_metadata()->set_namespace_(ns);
  p.mutable_metadata()->set_uid(ns + "/" + name);
  for (const auto& [k, v] : l)
    (*p.mutable_metadata()->mutable_labels())[k] = v;
  if (!node.empty())
    p.mutable_spec()->set_nodename(node);
  return p;
}

struct term_spec {
  std::optional<labels> selector = labels{};  // nullopt: no labelSelector (selects nothing)
  std::string topology_key = "kubernetes.io/hostname";
  std::vector<std::string> namespaces = {};
  std::optional<labels> namespace_selector = std::nullopt;  // {}: every namespace
  std::vector<std::string> not_in = {};  // a matchExpression "app NotIn (...)" (validity tests)
};

inline v1::PodAffinityTerm make_term(const term_spec& s) {
  v1::PodAffinityTerm t;
  if (s.selector) {
    auto* sel = t.mutable_labelselector();
    for (const auto& [k, v] : *s.selector)
      (*sel->mutable_matchlabels())[k] = v;
    if (!s.not_in.empty()) {
      auto* e = sel->add_matchexpressions();
      e->set_key("app");
      e->set_operator_("NotIn");
      for (const auto& v : s.not_in)
        e->add_values(v);
    }
  }
  t.set_topologykey(s.topology_key);
  for (const auto& ns : s.namespaces)
    t.add_namespaces(ns);
  if (s.namespace_selector) {
    auto* sel = t.mutable_namespaceselector();
    for (const auto& [k, v] : *s.namespace_selector)
      (*sel->mutable_matchlabels())[k] = v;
  }
  return t;
}

enum class kind { affinity, anti_affinity, preferred_affinity, preferred_anti_affinity };

/// Adds a term of `k` to the pod (weight for the preferred kinds).
inline v1::Pod with_term(v1::Pod p, kind k, const term_spec& s, int32_t weight = 1) {
  auto* a = p.mutable_spec()->mutable_affinity();
  switch (k) {
    case kind::affinity:
      *a->mutable_podaffinity()->add_requiredduringschedulingignoredduringexecution() = make_term(s);
      break;
    case kind::anti_affinity:
      *a->mutable_podantiaffinity()->add_requiredduringschedulingignoredduringexecution() =
        make_term(s);
      break;
    case kind::preferred_affinity: {
      auto* w = a->mutable_podaffinity()->add_preferredduringschedulingignoredduringexecution();
      w->set_weight(weight);
      *w->mutable_podaffinityterm() = make_term(s);
      break;
    }
    case kind::preferred_anti_affinity: {
      auto* w = a->mutable_podantiaffinity()->add_preferredduringschedulingignoredduringexecution();
      w->set_weight(weight);
      *w->mutable_podaffinityterm() = make_term(s);
      break;
    }
  }
  return p;
}

inline std::shared_ptr<const v1::Pod> shared(v1::Pod p) {
  return std::make_shared<const v1::Pod>(std::move(p));
}

} // namespace troupe::scheduler::affinity_testing
