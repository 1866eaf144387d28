#pragma once
// The pod garbage collector (child "pod_gc" of the controllers supervisor): every `period` it
// runs plan_pod_gc (pod_gc.hpp: terminated pods beyond the threshold, terminating pods on
// out-of-service nodes, pods of deleted nodes after their quarantine, terminating pods on no node)
// over its watch-fed view of pods and nodes, and force-deletes what the plan names: a pod not yet
// Succeeded or Failed is first written Failed (mark_failed_by_pod_gc), then removed with grace
// period 0 and its uid as a precondition. Before deleting the pods of a missing node it reads the
// node from the store, so a lagging watch never orphans a node's pods.
//
// Level-triggered: a failed deletion is simply planned again next pass; a pod in flight is not
// planned twice. Nothing runs until both watches delivered their initial events; a closed watch
// (gone) starts that view over. pod_gc_pass_atom runs a pass now and answers the number of pods
// it deleted, or -1 before the initial events (no pass then); for tests, with a fake clock.

#include <caf/atom.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>

#include "actors/controllers/pod_gc.hpp"
#include "actors/protocol/server_protocol.hpp"

namespace prometheus {
class Registry;
}

namespace troupe::controllers {

using pod_gc_pass_atom = caf::atom_constant<caf::atom("podgc_pass")>;

/// pod_gc_collector_force_delete_pods_total{namespace,reason} and
/// pod_gc_collector_force_delete_pod_errors_total{namespace,reason}, as kube-controller-manager
/// names them. Made once per process (root_children.cpp); a restarted actor keeps the series.
class pod_gc_metrics;
std::shared_ptr<pod_gc_metrics> make_pod_gc_metrics(prometheus::Registry& registry);

struct pod_gc_actor_options {
  protocol::store_actor_type store;
  pod_gc_options gc;
  std::function<config::timestamp()> clock;  // empty = the wall clock
  std::chrono::seconds request_timeout{30};
  std::shared_ptr<pod_gc_metrics> metrics;  // may be null
};

caf::actor spawn_pod_gc(caf::actor_system& sys, pod_gc_actor_options options);

} // namespace troupe::controllers
