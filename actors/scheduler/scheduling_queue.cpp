#include "actors/scheduler/scheduling_queue.hpp"

#include <google/protobuf/util/message_differencer.h>

namespace troupe::scheduler {

namespace v1 = troupe::core::v1;

cluster_events events_for_plugin(std::string_view plugin) {
  // Kubernetes' EventsToRegister of each plugin (the parts Troupe has).
  if (plugin == "NodeUnschedulable")
    return node_added | node_unschedulable_changed | node_taints_changed;
  if (plugin == "NodeName")
    return node_added;
  if (plugin == "TaintToleration")
    return node_added | node_taints_changed;
  if (plugin == "NodeAffinity")
    return node_added | node_labels_changed;
  if (plugin == "NodeResourcesFit")
    return node_added | node_allocatable_changed | assigned_pod_removed;
  if (plugin == "InterPodAffinity")
    return node_added | node_labels_changed | assigned_pod_added | assigned_pod_removed |
           namespace_labels_changed;
  return all_cluster_events;
}

bool pod_updated(const v1::Pod& before, const v1::Pod& after) {
  auto strip = [](const v1::Pod& p) {
    v1::Pod s = p;
    s.clear_status();
    auto* m = s.mutable_metadata();
    m->clear_resourceversion();
    m->clear_generation();
    m->clear_managedfields();
    m->clear_finalizers();
    return s;
  };
  return !google::protobuf::util::MessageDifferencer::Equals(strip(before), strip(after));
}

scheduling_queue::scheduling_queue(queue_options options) : options_(options) {}

std::chrono::milliseconds scheduling_queue::backoff_for(int attempts) const {
  auto d = options_.initial_backoff;
  for (int i = 1; i < attempts; ++i) {
    d *= 2;
    if (d >= options_.max_backoff)
      return options_.max_backoff;
  }
  return std::min(d, options_.max_backoff);
}

void scheduling_queue::count_interest(cluster_events wake_on, int sign) {
  for (size_t b = 0; b < event_bits; ++b)
    if (wake_on & (1u << b))
      interested_[b] += sign;
}

void scheduling_queue::unlink(entry& e) {
  switch (e.where) {
    case place::active: active_.erase({-int64_t{e.priority}, e.seq}); break;
    case place::backoff: backoff_.erase({e.backoff_until, e.seq}); break;
    case place::unschedulable:
      timeouts_.erase({e.unschedulable_until, e.seq});
      count_interest(e.wake_on, -1);
      break;
    case place::in_flight: --in_flight_; break;
  }
}

void scheduling_queue::to_active(entry& e) {
  e.where = place::active;
  e.seq = next_seq_++;
  active_.emplace(active_key{-int64_t{e.priority}, e.seq}, e.pod->metadata().uid());
}

void scheduling_queue::to_backoff(entry& e, queue_time now) {
  if (e.backoff_until <= now) {
    to_active(e);
    return;
  }
  e.where = place::backoff;
  e.seq = next_seq_++;
  backoff_.emplace(time_key{e.backoff_until, e.seq}, e.pod->metadata().uid());
}

void scheduling_queue::to_unschedulable(entry& e, cluster_events wake_on, queue_time now) {
  e.where = place::unschedulable;
  e.seq = next_seq_++;
  e.wake_on = wake_on;
  e.unschedulable_until = now + options_.max_in_unschedulable;
  timeouts_.emplace(time_key{e.unschedulable_until, e.seq}, e.pod->metadata().uid());
  count_interest(wake_on, +1);
}

void scheduling_queue::leave_unschedulable(entry& e, queue_time now) {
  unlink(e);
  to_backoff(e, now);  // active when the backoff is over
}

void scheduling_queue::add(pod_ptr pod, queue_time now) {
  const std::string& uid = pod->metadata().uid();
  auto it = pods_.find(uid);
  if (it == pods_.end()) {
    entry e;
    e.priority = pod->spec().priority();
    e.first_queued = now;
    e.pod = std::move(pod);
    to_active(pods_.emplace(e.pod->metadata().uid(), std::move(e)).first->second);
    return;
  }
  entry& e = it->second;
  pod_ptr before = std::move(e.pod);
  e.pod = std::move(pod);
  const int32_t priority = e.pod->spec().priority();
  switch (e.where) {
    case place::active:
      if (priority != e.priority) {  // same seq, new rank
        active_.erase({-int64_t{e.priority}, e.seq});
        e.priority = priority;
        active_.emplace(active_key{-int64_t{e.priority}, e.seq}, e.pod->metadata().uid());
      }
      break;
    case place::backoff:
      e.priority = priority;
      break;
    case place::unschedulable:
      e.priority = priority;
      if (pod_updated(*before, *e.pod))
        leave_unschedulable(e, now);
      break;
    case place::in_flight:
      e.priority = priority;
      if (pod_updated(*before, *e.pod))
        e.updated_in_flight = true;
      break;
  }
}

void scheduling_queue::remove(std::string_view uid) {
  auto it = pods_.find(std::string(uid));
  if (it == pods_.end())
    return;
  unlink(it->second);
  pods_.erase(it);
}

void scheduling_queue::flush(queue_time now) {
  while (!backoff_.empty() && std::get<0>(backoff_.begin()->first) <= now) {
    entry& e = pods_.at(backoff_.begin()->second);
    backoff_.erase(backoff_.begin());
    to_active(e);
  }
  while (!timeouts_.empty() && std::get<0>(timeouts_.begin()->first) <= now)
    leave_unschedulable(pods_.at(timeouts_.begin()->second), now);
}

std::optional<queued_pod> scheduling_queue::pop(queue_time now) {
  flush(now);
  if (active_.empty())
    return std::nullopt;
  entry& e = pods_.at(active_.begin()->second);
  active_.erase(active_.begin());
  e.where = place::in_flight;
  ++in_flight_;
  ++e.attempts;
  e.popped_at = ++pop_count_;
  e.updated_in_flight = false;
  return queued_pod{e.pod, e.attempts, e.first_queued};
}

void scheduling_queue::done(std::string_view uid) {
  auto it = pods_.find(std::string(uid));
  if (it == pods_.end() || it->second.where != place::in_flight)
    return;
  remove(uid);
}

void scheduling_queue::unschedulable_for(std::string_view uid, cluster_events wake_on,
                                         queue_time now) {
  auto it = pods_.find(std::string(uid));
  if (it == pods_.end() || it->second.where != place::in_flight)
    return;
  entry& e = it->second;
  unlink(e);
  e.backoff_until = now + backoff_for(e.attempts);
  // A change it waits for came while it was being scheduled (or the pod itself changed): the
  // decision may be stale, so it only waits out its backoff.
  bool changed = e.updated_in_flight;
  for (size_t b = 0; b < event_bits && !changed; ++b)
    changed = (wake_on & (1u << b)) && last_move_[b] >= e.popped_at;
  if (changed)
    to_backoff(e, now);
  else
    to_unschedulable(e, wake_on, now);
}

void scheduling_queue::retry(std::string_view uid, queue_time now) {
  auto it = pods_.find(std::string(uid));
  if (it == pods_.end() || it->second.where != place::in_flight)
    return;
  entry& e = it->second;
  unlink(e);
  e.backoff_until = now + backoff_for(e.attempts);
  to_backoff(e, now);
}

void scheduling_queue::move(cluster_events what, queue_time now) {
  bool anyone = false;
  for (size_t b = 0; b < event_bits; ++b) {
    if (!(what & (1u << b)))
      continue;
    last_move_[b] = pop_count_;
    anyone |= interested_[b] > 0;
  }
  if (!anyone)
    return;
  for (auto it = timeouts_.begin(); it != timeouts_.end();) {
    entry& e = pods_.at((it++)->second);  // advance first: leaving erases the current key
    if (e.wake_on & what)
      leave_unschedulable(e, now);
  }
}

std::optional<queue_time> scheduling_queue::next_wakeup() const {
  std::optional<queue_time> t;
  if (!backoff_.empty())
    t = std::get<0>(backoff_.begin()->first);
  if (!timeouts_.empty() && (!t || std::get<0>(timeouts_.begin()->first) < *t))
    t = std::get<0>(timeouts_.begin()->first);
  return t;
}

pod_ptr scheduling_queue::find(std::string_view uid) const {
  auto it = pods_.find(std::string(uid));
  return it == pods_.end() ? nullptr : it->second.pod;
}

} // namespace troupe::scheduler
