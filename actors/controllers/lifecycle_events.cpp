#include "actors/controllers/lifecycle_events.hpp"

#include "actors/nodes/node_registration.hpp"

namespace troupe::controllers {

namespace v1 = troupe::core::v1;

v1::Event controller_event(v1::ObjectReference involved, const char* component, const char* type,
                           const std::string& reason, const std::string& message,
                           config::timestamp now) {
  v1::Event e;
  *e.mutable_involvedobject() = std::move(involved);
  e.set_type(type);
  e.set_reason(reason);
  e.set_message(message);
  e.mutable_source()->set_component(component);
  e.set_reportingcomponent(component);
  e.mutable_firsttimestamp()->set_seconds(now.seconds);
  e.mutable_lasttimestamp()->set_seconds(now.seconds);
  e.set_count(1);
  return nodes::prepare_event(std::move(e), now);
}

namespace {

v1::ObjectReference pod_ref(const v1::Pod& pod) {
  v1::ObjectReference ref;
  ref.set_apiversion("v1");
  ref.set_kind("Pod");
  ref.set_namespace_(pod.metadata().namespace_());
  ref.set_name(pod.metadata().name());
  ref.set_uid(pod.metadata().uid());
  return ref;
}

} // namespace

v1::Event node_status_event(const v1::Node& node, const std::string& new_status,
                            config::timestamp now) {
  v1::ObjectReference ref;
  ref.set_apiversion("v1");
  ref.set_kind("Node");
  ref.set_name(node.metadata().name());
  ref.set_uid(node.metadata().uid());
  return controller_event(std::move(ref), node_controller_component, "Normal", new_status,
                          "Node " + node.metadata().name() + " status is now: " + new_status, now);
}

v1::Event pod_not_ready_event(const v1::Pod& pod, config::timestamp now) {
  return controller_event(pod_ref(pod), node_controller_component, "Warning", "NodeNotReady",
                          "Node is not ready", now);
}

v1::Event eviction_event(const v1::Pod& pod, bool cancelled, config::timestamp now) {
  const std::string name = pod.metadata().namespace_() + "/" + pod.metadata().name();
  return controller_event(pod_ref(pod), taint_eviction_component, "Normal", "TaintManagerEviction",
                          (cancelled ? "Cancelling deletion of Pod " : "Marking for deletion Pod ") + name,
                          now);
}

config::timestamp unique_event_time(config::timestamp now, int64_t& last_ns) {
  int64_t ns = now.seconds * 1000000000LL + now.nanos;
  if (ns <= last_ns)
    ns = last_ns + 1;
  last_ns = ns;
  return {ns / 1000000000LL, static_cast<int32_t>(ns % 1000000000LL)};
}

} // namespace troupe::controllers
