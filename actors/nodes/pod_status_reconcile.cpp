#include "actors/nodes/pod_status_reconcile.hpp"

#include <google/protobuf/util/message_differencer.h>

#include <map>

namespace troupe::nodes {

namespace {

namespace v1 = troupe::core::v1;

bool owned_by_agent(const std::string& type) {
  return type == "PodScheduled" || type == "Initialized" || type == "ContainersReady" ||
         type == "Ready" || type == "PodReadyToStartContainers";
}

std::map<std::string, const v1::PodCondition*> agent_conditions(const v1::PodStatus& s) {
  std::map<std::string, const v1::PodCondition*> out;
  for (const auto& c : s.conditions())
    if (owned_by_agent(c.type()))
      out[c.type()] = &c;
  return out;
}

} // namespace

bool pod_status_equal_by_agent(const v1::PodStatus& a, const v1::PodStatus& b) {
  const auto ca = agent_conditions(a);
  const auto cb = agent_conditions(b);
  if (ca.size() != cb.size())
    return false;
  for (const auto& [type, x] : ca) {
    auto y = cb.find(type);
    if (y == cb.end() || x->status() != y->second->status() ||
        x->reason() != y->second->reason() || x->message() != y->second->message())
      return false;
  }
  v1::PodStatus rest_a = a;
  v1::PodStatus rest_b = b;
  rest_a.clear_conditions();
  rest_b.clear_conditions();
  return google::protobuf::util::MessageDifferencer::Equals(rest_a, rest_b);
}

bool pod_status_drifted(const v1::Pod& stored, const v1::Pod& reported, const std::string& node) {
  if (reported.metadata().uid().empty() || stored.metadata().uid() != reported.metadata().uid() ||
      stored.spec().nodename() != node || stored.metadata().has_deletiontimestamp())
    return false;
  return !pod_status_equal_by_agent(stored.status(), reported.status());
}

} // namespace troupe::nodes
