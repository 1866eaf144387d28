#pragma once
// The Events the scheduler records on pods, in kube-scheduler's wording, and their coalescing
// (client-go's EventCorrelator, simplified). Pure, time is an argument; CAF-free.
//
// - Normal "Scheduled" (action Binding): "Successfully assigned <ns>/<pod> to <node>".
// - Warning "FailedScheduling" (action Scheduling): the summary of schedule_result::message(),
//   e.g. "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.".
// Each Event: in the pod's namespace; involvedObject the pod (kind Pod, apiVersion v1,
// namespace, name, uid); source.component and reportingComponent "default-scheduler",
// reportingInstance the scheduler's instance name; first/lastTimestamp now; count 1.
//
// The recorder remembers the Events of each pod until forget(uid): recording the same type,
// reason and message again gives the same Event (same name) with count + 1 and lastTimestamp
// now, marked as a repeat (write it as an update), so kubectl describe shows one line
// "x3 over 20s". A new Event is named as client-go names them: <pod>.<16 hex digits of the time
// in ns> (kept unique within the recorder).

#include "config/event_name.hpp"
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/scheduler/scheduling_queue.hpp"

namespace troupe::scheduler {

/// "Successfully assigned ns/pod to node2".
std::string scheduled_message(const troupe::core::v1::Pod& pod, const std::string& node);

struct recorded_event {
  troupe::core::v1::Event event;
  bool repeat = false;  // an Event of this name was recorded before: update it
};

class scheduler_event_recorder {
public:
  explicit scheduler_event_recorder(std::string instance);

  recorded_event scheduled(const troupe::core::v1::Pod& pod, const std::string& node, queue_time now);
  recorded_event failed_scheduling(const troupe::core::v1::Pod& pod, const std::string& message,
                                   queue_time now);
  recorded_event record(const troupe::core::v1::Pod& pod, const std::string& type,
                        const std::string& reason, const std::string& action,
                        const std::string& message, queue_time now);

  /// The pod is bound or gone: its Events are no longer coalesced.
  void forget(const std::string& uid);
  size_t pods() const { return by_pod_.size(); }

private:
  std::string instance_;
  std::unordered_map<std::string, std::vector<troupe::core::v1::Event>> by_pod_;  // by uid
  config::event_namer names_;
};

} // namespace troupe::scheduler
