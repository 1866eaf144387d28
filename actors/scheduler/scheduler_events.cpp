#include "actors/scheduler/scheduler_events.hpp"


#include "actors/scheduler/cluster_changes.hpp"

namespace troupe::scheduler {

namespace v1 = troupe::core::v1;

namespace {

void set_time(troupe::meta::Time* out, queue_time t) {
  out->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

} // namespace

std::string scheduled_message(const v1::Pod& pod, const std::string& node) {
  return "Successfully assigned " + pod.metadata().namespace_() + "/" + pod.metadata().name() +
         " to " + node;
}

scheduler_event_recorder::scheduler_event_recorder(std::string instance)
  : instance_(std::move(instance)) {}

recorded_event scheduler_event_recorder::scheduled(const v1::Pod& pod, const std::string& node,
                                                   queue_time now) {
  return record(pod, "Normal", "Scheduled", "Binding", scheduled_message(pod, node), now);
}

recorded_event scheduler_event_recorder::failed_scheduling(const v1::Pod& pod,
                                                           const std::string& message,
                                                           queue_time now) {
  return record(pod, "Warning", "FailedScheduling", "Scheduling", message, now);
}

recorded_event scheduler_event_recorder::record(const v1::Pod& pod, const std::string& type,
                                                const std::string& reason,
                                                const std::string& action,
                                                const std::string& message, queue_time now) {
  auto& seen = by_pod_[pod.metadata().uid()];
  for (auto& e : seen) {
    if (e.type() == type && e.reason() == reason && e.message() == message) {
      e.set_count(e.count() + 1);
      set_time(e.mutable_lasttimestamp(), now);
      return {e, true};
    }
  }
  v1::Event e;
  const int64_t ns =
    std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  e.mutable_metadata()->set_name(names_.next(pod.metadata().name(), ns));
  e.mutable_metadata()->set_namespace_(pod.metadata().namespace_());
  auto* obj = e.mutable_involvedobject();
  obj->set_kind("Pod");
  obj->set_apiversion("v1");
  obj->set_namespace_(pod.metadata().namespace_());
  obj->set_name(pod.metadata().name());
  obj->set_uid(pod.metadata().uid());
  e.set_type(type);
  e.set_reason(reason);
  e.set_action(action);
  e.set_message(message);
  e.mutable_source()->set_component(default_scheduler_name);
  e.set_reportingcomponent(default_scheduler_name);
  e.set_reportinginstance(instance_);
  set_time(e.mutable_firsttimestamp(), now);
  set_time(e.mutable_lasttimestamp(), now);
  e.set_count(1);
  seen.push_back(e);
  return {std::move(e), false};
}

void scheduler_event_recorder::forget(const std::string& uid) { by_pod_.erase(uid); }

} // namespace troupe::scheduler
