#pragma once
// The scheduler (ARCHITECTURE §3 "scheduler"; child "scheduler" of the root supervisor): places
// unbound pods on nodes. A thin shell (CONVENTIONS 1) over the pure parts in this folder:
// scheduling_queue (what to try next), scheduler_cache (the nodes and what their pods take),
// schedule_one with the plugin chain (where a pod goes), pod_binding and scheduler_events (what
// to write), watch_feed (what a watch event means for the cache and the queue).
//
// - Watches pods (every namespace), nodes and namespaces through the store actor, one
//   subscription each (since 0 with the initial-events-end bookmark). Bound pods feed the cache;
//   pods the default scheduler must place (cluster_changes.hpp: needs_scheduling) feed the queue;
//   changes that may help pending pods (node added or changed, a bound pod deleted or finished, a
//   namespace relabelled) move them out of the unschedulable set. A closed watch subscribes again
//   and, once the re-list is complete, forgets the objects it no longer lists. Nothing is
//   scheduled before all three initial lists are in.
// - Schedules in slices (at most max_pods_per_slice pods or slice_time per turn, then a message to
//   itself) so watch events and replies are served in between.
// - Binds with ONE conditional store update per pod (nodeName + PodScheduled=True, the pod's
//   resourceVersion as precondition); many binds are in flight at once (up to
//   max_binds_in_flight), sent writes_per_request at a time in one store_write_many, so the
//   store group-commits them and a pod costs no message of its own (Events and conditions are
//   batched the same way). The pod counts on its node (assumed) from the decision on. The
//   outcome of a bind, each on its own (CONVENTIONS 6, decided in bound()):
//     done       → Event Scheduled "Successfully assigned ns/pod to node";
//     NotFound   → permanent: the pod is gone, dropped (its deletion also arrives by watch);
//     Conflict   → transient: the pod changed since it was read; forgotten from the node and
//                  retried after its backoff with the newer pod;
//     other      → transient (timeout, store unavailable): the same; a bind that did land after
//                  all arrives by watch and removes the pod from the queue.
// - A pod that fits no node: Event FailedScheduling with the summary ("0/3 nodes are available:
//   ..."; a repeat counts on the same Event) and the condition PodScheduled=False reason
//   Unschedulable with that message (written only when it changes); it waits in the queue.
// - Metrics: scheduler_metrics.hpp (when options.metrics is set).

#include <caf/fwd.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "actors/protocol/server_protocol.hpp"
#include "actors/scheduler/framework.hpp"
#include "actors/scheduler/scheduler_metrics.hpp"
#include "actors/scheduler/scheduling_queue.hpp"

namespace troupe::scheduler {

using schedule_atom = caf::atom_constant<caf::atom("schedule")>;
using wakeup_atom = caf::atom_constant<caf::atom("wakeup")>;
using resubscribe_atom = caf::atom_constant<caf::atom("resub")>;

using scheduler_actor_type = caf::typed_actor<
  caf::reacts_to<protocol::watch_batch>,
  caf::reacts_to<schedule_atom>,           // internal: the next slice
  caf::reacts_to<wakeup_atom>,             // internal: a backoff or the unschedulable timeout ended
  caf::reacts_to<resubscribe_atom, int>>;  // internal: watch again (0 pods, 1 nodes, 2 namespaces)

struct scheduler_options {
  protocol::store_actor_type store;
  std::function<queue_time()> clock;  // empty = the system clock
  schedule_options schedule;          // percentageOfNodesToScore
  uint64_t seed = 0;                  // tie-break randomness (0: schedule_cursor's default)
  std::chrono::milliseconds request_timeout{10000};
  size_t max_binds_in_flight = 512;
  size_t max_writes_in_flight = 128;  // Events and PodScheduled conditions, each
  size_t writes_per_request = 64;     // writes sent together in one store_write_many
  size_t max_pods_per_slice = 256;
  std::chrono::microseconds slice_time{5000};
  queue_options queue;                // backoff 1 s → 10 s, 5 min unschedulable
  std::shared_ptr<scheduler_metrics> metrics;  // null: none
  std::string instance;               // Events' reportingInstance; "" = default-scheduler-<host>
  std::function<plugin_chain()> chain;  // empty = default_chain()
};

scheduler_actor_type spawn_scheduler(caf::actor_system& sys, scheduler_options options);

} // namespace troupe::scheduler
