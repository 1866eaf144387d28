#pragma once
// The scheduler's queue of pending pods, Kubernetes' PriorityQueue in small (pkg/scheduler/
// internal/queue). Pure and single-threaded (the scheduler actor owns it); time is an argument
// (CONVENTIONS 2). CAF-free.
//
// A pod known to the queue is in exactly one place:
//  - active: ready to be tried, ordered by spec.priority (higher first), then by the order in
//    which pods entered the active queue (first seen first; a total order, CONVENTIONS 9);
//  - backoff: waiting out its backoff after a failed attempt; back to active once it ends;
//  - unschedulable: did not fit; waits for a cluster change that may help (move()), but at most
//    max_in_unschedulable (Kubernetes' podMaxInUnschedulablePodsDuration, 5 min); a pod leaving
//    the unschedulable set still honours its backoff (to backoff, or active when it is over);
//  - in flight: popped; the scheduler decides and binds it, then reports done(), unschedulable()
//    or retry().
//
// Backoff (Kubernetes' podInitialBackoffSeconds / podMaxBackoffSeconds): after the n-th failed
// attempt a pod waits initial * 2^(n-1), at most max, counted from the failure. Worked example
// with 1 s / 10 s: attempts 1, 2, 3, 4, 5 → 1 s, 2 s, 4 s, 8 s, 10 s.
//
// Which changes may help a pod (cluster_event, below) depends on the plugins that rejected it
// (Kubernetes' EventsToRegister): a pod NodeAffinity rejected waits for a node to be added or
// relabelled, not for a pod to be deleted. A change that happens while a pod is in flight counts
// when the pod comes back unschedulable (it goes to backoff instead of waiting), as Kubernetes'
// moveRequestCycle.
//
// Updates: add() of a pod the queue knows replaces it in place; an unschedulable pod whose spec
// or metadata changed (not just status or resourceVersion: Kubernetes' isPodUpdated) moves as if
// a relevant change happened.

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "proto/core_v1.pb.h"

namespace troupe::scheduler {

using pod_ptr = std::shared_ptr<const troupe::core::v1::Pod>;
using queue_time = std::chrono::system_clock::time_point;

/// Cluster changes that may make an unschedulable pod fit (a bit set).
enum cluster_event : uint32_t {
  node_added = 1u << 0,
  node_labels_changed = 1u << 1,
  node_taints_changed = 1u << 2,
  node_allocatable_changed = 1u << 3,
  node_unschedulable_changed = 1u << 4,  // spec.unschedulable (cordon, uncordon)
  assigned_pod_added = 1u << 5,          // a pod bound to a node appeared, or its labels changed
  assigned_pod_removed = 1u << 6,        // a bound pod was deleted or finished
  namespace_labels_changed = 1u << 7,    // also a namespace added
  all_cluster_events = (1u << 8) - 1,
};
using cluster_events = uint32_t;

/// The changes that may undo a rejection by filter plugin `plugin` (Kubernetes'
/// EventsToRegister); every change for a plugin it does not know.
cluster_events events_for_plugin(std::string_view plugin);

/// Kubernetes' isPodUpdated: anything but status, resourceVersion, generation, managedFields
/// and finalizers differs.
bool pod_updated(const troupe::core::v1::Pod& before, const troupe::core::v1::Pod& after);

struct queue_options {
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{10000};
  std::chrono::milliseconds max_in_unschedulable{5 * 60 * 1000};
};

/// A pod handed out by pop().
struct queued_pod {
  pod_ptr pod;
  int attempts = 0;         // including this one
  queue_time first_queued;  // when the queue first saw it (scheduling latency)
};

class scheduling_queue {
public:
  explicit scheduling_queue(queue_options options = {});

  /// A pending pod (by metadata.uid) seen for the first time (→ active) or again (see Updates).
  void add(pod_ptr pod, queue_time now);
  /// The pod is no longer pending (deleted, bound, finished, another scheduler's): forgotten,
  /// wherever it is, also in flight (its later done/unschedulable/retry are ignored).
  void remove(std::string_view uid);

  /// Moves what is due at `now`: ended backoffs to active, pods unschedulable for too long out.
  /// pop() does it first.
  void flush(queue_time now);
  /// The best active pod, now in flight; nothing when none is ready at `now`.
  std::optional<queued_pod> pop(queue_time now);

  /// In-flight pod bound: forgotten.
  void done(std::string_view uid);
  /// In-flight pod did not fit; `rejected_by` are the filter plugins that rejected a node
  /// (schedule_result::rejected_by's keys; empty = any change may help, e.g. no nodes at all).
  template <class PluginNames>
  void unschedulable(std::string_view uid, const PluginNames& rejected_by, queue_time now) {
    cluster_events wake = 0;
    for (const auto& entry : rejected_by)
      wake |= events_for_plugin(plugin_name(entry));
    unschedulable_for(uid, wake ? wake : all_cluster_events, now);
  }
  void unschedulable_for(std::string_view uid, cluster_events wake_on, queue_time now);
  /// In-flight pod failed for another reason (binding conflict, store unavailable): backoff.
  void retry(std::string_view uid, queue_time now);

  /// Changes happened: unschedulable pods they may help leave the unschedulable set (to backoff
  /// while it lasts, else active); in-flight pods remember them.
  void move(cluster_events what, queue_time now);

  /// When flush() will next have something to move (nothing: no timer needed).
  std::optional<queue_time> next_wakeup() const;

  /// The pod the queue holds for `uid` (any place, also in flight); null when unknown.
  pod_ptr find(std::string_view uid) const;
  /// The backoff after `attempts` failed attempts (see above).
  std::chrono::milliseconds backoff_for(int attempts) const;

  size_t active() const { return active_.size(); }
  size_t backoff() const { return backoff_.size(); }
  size_t unschedulable_count() const { return timeouts_.size(); }
  size_t in_flight() const { return in_flight_; }
  size_t size() const { return pods_.size(); }

private:
  enum class place { active, backoff, unschedulable, in_flight };
  struct entry {
    pod_ptr pod;
    place where = place::active;
    int32_t priority = 0;
    uint64_t seq = 0;            // key in active_ (with priority)
    int attempts = 0;
    queue_time first_queued;
    queue_time backoff_until;    // key in backoff_ (with seq)
    queue_time unschedulable_until;  // key in timeouts_ (with seq)
    cluster_events wake_on = all_cluster_events;
    uint64_t popped_at = 0;      // pop_count_ at its pop
    bool updated_in_flight = false;
  };
  using active_key = std::tuple<int64_t, uint64_t>;  // (-priority, seq)
  using time_key = std::tuple<queue_time, uint64_t>;

  template <class T>
  static std::string_view plugin_name(const T& e) {
    if constexpr (std::is_convertible_v<const T&, std::string_view>)
      return e;
    else
      return e.first;
  }
  void unlink(entry& e);
  void to_active(entry& e);
  void to_backoff(entry& e, queue_time now);
  void to_unschedulable(entry& e, cluster_events wake_on, queue_time now);
  void leave_unschedulable(entry& e, queue_time now);

  void count_interest(cluster_events wake_on, int sign);

  static constexpr size_t event_bits = 8;
  queue_options options_;
  uint64_t next_seq_ = 1;
  uint64_t pop_count_ = 0;
  size_t in_flight_ = 0;
  std::unordered_map<std::string, entry> pods_;  // by uid
  std::map<active_key, std::string> active_;
  std::map<time_key, std::string> backoff_;      // by backoff end
  std::map<time_key, std::string> timeouts_;     // the unschedulable pods, by when they must leave
  // Per cluster_event bit: unschedulable pods that wait for it (a move() nobody waits for scans
  // nothing), and pop_count_ at its last move() (a change while a pod was in flight).
  std::array<size_t, event_bits> interested_{};
  std::array<uint64_t, event_bits> last_move_{};
};

} // namespace troupe::scheduler
