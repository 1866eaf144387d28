#include "actors/scheduler/node_affinity.hpp"

#include <algorithm>
#include <charconv>

namespace troupe::scheduler {
namespace {

namespace v1 = troupe::core::v1;

bool parse_int(const std::string& s, int64_t& out) {
  if (s.empty())
    return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

bool contains(const google::protobuf::RepeatedPtrField<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

bool label_requirement(const v1::NodeSelectorRequirement& r, const v1::Node& node) {
  const auto& labels = node.metadata().labels();
  auto it = labels.find(r.key());
  const bool has = it != labels.end();
  const std::string& op = r.operator_();
  if (op == "In")
    return has && contains(r.values(), it->second);
  if (op == "NotIn")
    return !has || !contains(r.values(), it->second);
  if (op == "Exists")
    return has;
  if (op == "DoesNotExist")
    return !has;
  if (op == "Gt" || op == "Lt") {
    int64_t want = 0, got = 0;
    if (!has || r.values_size() != 1 || !parse_int(r.values(0), want) || !parse_int(it->second, got))
      return false;
    return op == "Gt" ? got > want : got < want;
  }
  return false;
}

bool field_requirement(const v1::NodeSelectorRequirement& r, const v1::Node& node) {
  if (r.key() != "metadata.name")
    return false;
  if (r.operator_() == "In")
    return contains(r.values(), node.metadata().name());
  if (r.operator_() == "NotIn")
    return !contains(r.values(), node.metadata().name());
  return false;
}

} // namespace

bool node_matches_term(const v1::NodeSelectorTerm& term, const v1::Node& node) {
  if (term.matchexpressions_size() == 0 && term.matchfields_size() == 0)
    return false;
  for (const auto& r : term.matchexpressions())
    if (!label_requirement(r, node))
      return false;
  for (const auto& r : term.matchfields())
    if (!field_requirement(r, node))
      return false;
  return true;
}

fit node_affinity::filter(const v1::Pod& pod, const plugin_state*,
                          const node_info& info) const {
  const auto& node = info.node;
  for (const auto& [k, v] : pod.spec().nodeselector()) {
    const auto& labels = node.metadata().labels();  // only when there is a selector
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v)
      return fit::no(reason);
  }
  const auto& aff = pod.spec().affinity().nodeaffinity();
  if (!aff.has_requiredduringschedulingignoredduringexecution())
    return fit::ok();
  for (const auto& term : aff.requiredduringschedulingignoredduringexecution().nodeselectorterms())
    if (node_matches_term(term, node))
      return fit::ok();
  return fit::no(reason);
}

int64_t node_affinity::preferred_weight(const v1::Pod& pod, const v1::Node& node) {
  int64_t sum = 0;
  for (const auto& p : pod.spec().affinity().nodeaffinity().preferredduringschedulingignoredduringexecution())
    if (node_matches_term(p.preference(), node))
      sum += p.weight();
  return sum;
}

int64_t node_affinity::score(const v1::Pod& pod, const plugin_state*, const node_info& info) const {
  return preferred_weight(pod, info.node);
}

} // namespace troupe::scheduler
