#include "actors/scheduler/pod_binding.hpp"

namespace troupe::scheduler {

namespace v1 = troupe::core::v1;

namespace {

v1::PodCondition* find_condition(v1::Pod& pod, const std::string& type) {
  for (auto& c : *pod.mutable_status()->mutable_conditions())
    if (c.type() == type)
      return &c;
  return nullptr;
}

// Kubernetes' UpdatePodCondition: the transition time moves only with the status.
void set_condition(v1::Pod& pod, const std::string& status, const std::string& reason,
                   const std::string& message, queue_time now) {
  v1::PodCondition* c = find_condition(pod, pod_scheduled_condition);
  if (!c) {
    c = pod.mutable_status()->add_conditions();
    c->set_type(pod_scheduled_condition);
  }
  if (c->status() != status || !c->has_lasttransitiontime()) {
    auto secs = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
    c->mutable_lasttransitiontime()->set_seconds(secs.count());
    c->mutable_lasttransitiontime()->set_nanos(0);
  }
  c->set_status(status);
  if (reason.empty())
    c->clear_reason();
  else
    c->set_reason(reason);
  if (message.empty())
    c->clear_message();
  else
    c->set_message(message);
}

} // namespace

v1::Pod bound_pod(const v1::Pod& pod, const std::string& node, queue_time now) {
  v1::Pod out = pod;
  out.mutable_spec()->set_nodename(node);
  set_condition(out, "True", "", "", now);
  return out;
}

std::optional<v1::Pod> unschedulable_pod(const v1::Pod& pod, const std::string& message,
                                         queue_time now) {
  for (const auto& c : pod.status().conditions())
    if (c.type() == pod_scheduled_condition && c.status() == "False" &&
        c.reason() == unschedulable_reason && c.message() == message)
      return std::nullopt;
  v1::Pod out = pod;
  set_condition(out, "False", unschedulable_reason, message, now);
  return out;
}

} // namespace troupe::scheduler
