#include "config/scheduling_validation.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "config/label_selector.hpp"
#include "config/label_syntax.hpp"
#include "config/validation_values.hpp"

namespace troupe::config {

namespace core = troupe::core::v1;

namespace {

void append(field_errors& out, field_errors more) { out.insert(out.end(), more.begin(), more.end()); }

field_errors validate_weight(int32_t weight, const field_path& path) {
  if (weight >= 1 && weight <= 100) return {};
  return {field_error::invalid(path, std::to_string(weight), "must be in the range 1-100")};
}

field_errors validate_node_selector_term(const core::NodeSelectorTerm& term, const field_path& path) {
  field_errors out;
  for (int i = 0; i < term.matchexpressions_size(); ++i)
    append(out, validate_node_selector_requirement(term.matchexpressions(i), path.child("matchExpressions").index(i)));
  for (int i = 0; i < term.matchfields_size(); ++i) {
    const auto& r = term.matchfields(i);
    auto p = path.child("matchFields").index(i);
    // Only metadata.name can be matched by field, with exactly one value.
    if (r.key() != "metadata.name")
      out.push_back(field_error::invalid(p.child("key"), quote(r.key()), "not a valid field selector key"));
    if ((r.operator_() == "In" || r.operator_() == "NotIn") && r.values_size() != 1)
      out.push_back(field_error::required(p.child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
  }
  return out;
}

// matchLabelKeys / mismatchLabelKeys (Kubernetes 1.32 validateMatchLabelKeysAndMismatchLabelKeys):
// label names, only with a labelSelector, not in both lists, and a matchLabelKeys key not also
// given in the labelSelector by hand. A created pod has its keys merged into the selector already
// (merge_match_label_keys) — one expression per key, which is not a duplicate.
field_errors validate_label_keys(const google::protobuf::RepeatedPtrField<std::string>& keys,
                                 bool has_selector, const field_path& path) {
  if (keys.empty()) return {};
  if (!has_selector) return {field_error::forbidden(path, "must not be specified when labelSelector is not set")};
  field_errors out;
  for (int i = 0; i < keys.size(); ++i) append(out, validate_label_key(keys.Get(i), path.index(i)));
  return out;
}

field_errors validate_match_label_keys(const core::PodAffinityTerm& term, const field_path& path) {
  field_errors out;
  append(out, validate_label_keys(term.matchlabelkeys(), term.has_labelselector(), path.child("matchLabelKeys")));
  append(out, validate_label_keys(term.mismatchlabelkeys(), term.has_labelselector(), path.child("mismatchLabelKeys")));
  if (term.has_labelselector()) {
    std::map<std::string, int> index;
    for (int i = 0; i < term.matchlabelkeys_size(); ++i) index.emplace(term.matchlabelkeys(i), i);
    std::set<std::string> seen;
    for (const auto& [k, v] : term.labelselector().matchlabels()) seen.insert(k);
    for (const auto& e : term.labelselector().matchexpressions()) {
      auto i = index.find(e.key());
      // Kubernetes reports it at the term's path with the key's index appended.
      if (i != index.end() && seen.count(e.key()))
        out.push_back(field_error::invalid(path.index(i->second), quote(e.key()), "exists in both matchLabelKeys and labelSelector"));
      seen.insert(e.key());
    }
  }
  for (int i = 0; i < term.matchlabelkeys_size(); ++i) {
    const auto& k = term.matchlabelkeys(i);
    if (std::find(term.mismatchlabelkeys().begin(), term.mismatchlabelkeys().end(), k) != term.mismatchlabelkeys().end())
      out.push_back(field_error::invalid(path.child("matchLabelKeys").index(i), quote(k), "exists in both matchLabelKeys and mismatchLabelKeys"));
  }
  return out;
}

field_errors validate_pod_affinity_term(const core::PodAffinityTerm& term, const field_path& path) {
  field_errors out;
  if (term.has_labelselector()) append(out, validate_label_selector(term.labelselector(), path.child("labelSelector")));
  append(out, validate_match_label_keys(term, path));
  if (term.has_namespaceselector())
    append(out, validate_label_selector(term.namespaceselector(), path.child("namespaceSelector")));
  if (term.topologykey().empty())
    out.push_back(field_error::required(path.child("topologyKey"), "can not be empty"));
  else
    append(out, validate_label_key(term.topologykey(), path.child("topologyKey")));
  return out;
}

template <class PodAffinityKind>
field_errors validate_pod_affinity(const PodAffinityKind& a, const field_path& path) {
  field_errors out;
  auto required_path = path.child("requiredDuringSchedulingIgnoredDuringExecution");
  for (int i = 0; i < a.requiredduringschedulingignoredduringexecution_size(); ++i)
    append(out, validate_pod_affinity_term(a.requiredduringschedulingignoredduringexecution(i), required_path.index(i)));
  auto preferred_path = path.child("preferredDuringSchedulingIgnoredDuringExecution");
  for (int i = 0; i < a.preferredduringschedulingignoredduringexecution_size(); ++i) {
    const auto& w = a.preferredduringschedulingignoredduringexecution(i);
    append(out, validate_weight(w.weight(), preferred_path.index(i).child("weight")));
    append(out, validate_pod_affinity_term(w.podaffinityterm(), preferred_path.index(i).child("podAffinityTerm")));
  }
  return out;
}

} // namespace

field_errors validate_node_selector_requirement(const core::NodeSelectorRequirement& r, const field_path& path) {
  field_errors out;
  const auto& op = r.operator_();
  if ((op == "In" || op == "NotIn") && r.values().empty())
    out.push_back(field_error::required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
  else if ((op == "Exists" || op == "DoesNotExist") && !r.values().empty())
    out.push_back(field_error::forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
  else if ((op == "Gt" || op == "Lt") && r.values_size() != 1)
    out.push_back(field_error::required(path.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
  append(out, validate_label_key(r.key(), path.child("key")));
  return out;
}

field_errors validate_tolerations(const google::protobuf::RepeatedPtrField<core::Toleration>& tolerations,
                                  const field_path& path) {
  field_errors out;
  for (int i = 0; i < tolerations.size(); ++i) {
    const auto& t = tolerations[i];
    auto p = path.index(i);
    if (!t.key().empty()) append(out, validate_label_key(t.key(), p.child("key")));
    if (t.key().empty() && t.operator_() != "Exists")
      out.push_back(field_error::invalid(p.child("operator"), quote(t.operator_()),
                                         "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    if (t.has_tolerationseconds() && t.effect() != "NoExecute")
      out.push_back(field_error::invalid(p.child("effect"), quote(t.effect()), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    if (t.operator_() == "Exists" && !t.value().empty())
      out.push_back(field_error::invalid(p.child("operator"), go_toleration(t), "value must be empty when `operator` is 'Exists'"));
    if (t.operator_() == "Equal" || t.operator_().empty()) {
      auto problems = label_value_problems(t.value());
      if (!problems.empty()) {
        std::string joined;
        for (const auto& m : problems) joined += (joined.empty() ? "" : ";") + m;
        out.push_back(field_error::invalid(p.child("operator"), quote(t.value()), joined));
      }
    }
  }
  return out;
}

field_errors validate_affinity(const core::Affinity& affinity, const field_path& path) {
  field_errors out;
  if (affinity.has_nodeaffinity()) {
    const auto& na = affinity.nodeaffinity();
    auto p = path.child("nodeAffinity");
    if (na.has_requiredduringschedulingignoredduringexecution()) {
      const auto& terms = na.requiredduringschedulingignoredduringexecution().nodeselectorterms();
      auto tp = p.child("requiredDuringSchedulingIgnoredDuringExecution").child("nodeSelectorTerms");
      if (terms.empty()) out.push_back(field_error::required(tp, "must have at least one node selector term"));
      for (int i = 0; i < terms.size(); ++i) append(out, validate_node_selector_term(terms[i], tp.index(i)));
    }
    auto pp = p.child("preferredDuringSchedulingIgnoredDuringExecution");
    for (int i = 0; i < na.preferredduringschedulingignoredduringexecution_size(); ++i) {
      const auto& term = na.preferredduringschedulingignoredduringexecution(i);
      append(out, validate_weight(term.weight(), pp.index(i).child("weight")));
      append(out, validate_node_selector_term(term.preference(), pp.index(i).child("preference")));
    }
  }
  if (affinity.has_podaffinity()) append(out, validate_pod_affinity(affinity.podaffinity(), path.child("podAffinity")));
  if (affinity.has_podantiaffinity())
    append(out, validate_pod_affinity(affinity.podantiaffinity(), path.child("podAntiAffinity")));
  return out;
}

field_errors validate_topology_spread_constraints(
    const google::protobuf::RepeatedPtrField<core::TopologySpreadConstraint>& constraints, const field_path& path) {
  field_errors out;
  for (int i = 0; i < constraints.size(); ++i) {
    const auto& c = constraints[i];
    auto p = path.index(i);
    if (c.maxskew() <= 0)
      out.push_back(field_error::invalid(p.child("maxSkew"), std::to_string(c.maxskew()), "must be greater than zero"));
    if (c.topologykey().empty())
      out.push_back(field_error::required(p.child("topologyKey"), "can not be empty"));
    else
      append(out, validate_label_key(c.topologykey(), p.child("topologyKey")));
    if (c.has_mindomains()) {
      if (c.mindomains() <= 0)
        out.push_back(field_error::invalid(p.child("minDomains"), std::to_string(c.mindomains()), "must be greater than 0"));
      else if (c.whenunsatisfiable() != "DoNotSchedule")
        out.push_back(field_error::invalid(p.child("minDomains"), std::to_string(c.mindomains()),
                                           "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not " + c.whenunsatisfiable()));
    }
    if (c.has_labelselector()) append(out, validate_label_selector(c.labelselector(), p.child("labelSelector")));
  }
  return out;
}

} // namespace troupe::config
