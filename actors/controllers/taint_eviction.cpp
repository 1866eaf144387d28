#include "actors/controllers/taint_eviction.hpp"

#include "actors/controllers/node_health.hpp"
#include "actors/scheduler/tolerations.hpp"

namespace troupe::controllers {

namespace {

namespace v1 = troupe::core::v1;

const v1::Toleration* first_tolerating(
  const google::protobuf::RepeatedPtrField<v1::Toleration>& tolerations, const v1::Taint& taint) {
  for (const auto& t : tolerations)
    if (scheduler::tolerates(t, taint))
      return &t;
  return nullptr;
}

} // namespace

eviction_decision decide_eviction(const google::protobuf::RepeatedPtrField<v1::Taint>& taints,
                                  const google::protobuf::RepeatedPtrField<v1::Toleration>& tolerations,
                                  config::timestamp now, config::timestamp untimed_since) {
  std::optional<config::timestamp> earliest;
  for (const auto& taint : taints) {
    if (taint.effect() != "NoExecute")
      continue;
    const auto* toleration = first_tolerating(tolerations, taint);
    if (toleration == nullptr)
      return eviction_decision::now();
    if (!toleration->has_tolerationseconds())
      continue;  // tolerated forever
    if (toleration->tolerationseconds() <= 0)
      return eviction_decision::now();
    const config::timestamp since =
      taint.has_timeadded()
        ? config::timestamp{taint.timeadded().seconds(), taint.timeadded().nanos()}
        : untimed_since;
    const auto at = add_duration(since, std::chrono::seconds(toleration->tolerationseconds()));
    if (!earliest || earlier(at, *earliest))
      earliest = at;
  }
  if (!earliest)
    return eviction_decision::keep();
  if (!earlier(now, *earliest))
    return eviction_decision::now();
  return eviction_decision::later(*earliest);
}

bool evictable(const v1::Pod& pod) {
  const auto& phase = pod.status().phase();
  return !pod.spec().nodename().empty() && !pod.metadata().has_deletiontimestamp() &&
         phase != "Succeeded" && phase != "Failed";
}

std::optional<v1::Pod> evicted_pod_status(const v1::Pod& pod, const std::string& node,
                                          bool node_unreachable, config::timestamp now) {
  v1::Pod out = pod;
  bool changed = false;
  auto* status = out.mutable_status();
  v1::PodCondition* target = nullptr;
  for (auto& c : *status->mutable_conditions())
    if (c.type() == "DisruptionTarget")
      target = &c;
  if (target == nullptr) {
    target = status->add_conditions();
    target->set_type("DisruptionTarget");
  }
  if (target->status() != "True" || target->reason() != "DeletionByTaintManager") {
    if (target->status() != "True")
      target->mutable_lasttransitiontime()->set_seconds(now.seconds);
    target->set_status("True");
    target->set_reason("DeletionByTaintManager");
    target->set_message("Taint manager: deleting due to NoExecute taint");
    changed = true;
  }
  if (node_unreachable && status->reason() != "NodeLost") {
    status->set_reason("NodeLost");
    status->set_message("Node " + node + " which was running pod " + pod.metadata().name() +
                        " is unresponsive");
    changed = true;
  }
  if (!changed)
    return std::nullopt;
  return out;
}

} // namespace troupe::controllers
