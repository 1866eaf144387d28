#pragma once
// One ReplicaSet's controller (ARCHITECTURE §3 replicasets -> replicaset[ns/name]): spawned linked
// by the replicasets manager (replicasets_actor.hpp), which feeds it the ReplicaSet's watch events
// and those of the pods that concern it (controlled by it, or orphans its selector matches). A
// thin shell over replicaset_plan.hpp: each sync claims (adopts/releases), creates or deletes
// pods, and writes the status, as Kubernetes' syncReplicaSet.
//
// - Level-triggered: every event updates the view and asks for a sync; events arriving during a
//   sync make one more sync when it ends. One sync at a time.
// - Expectations (replica_expectations.hpp) are set before creates/deletes are sent, lowered by
//   the pods' watch events (or by hand when a write failed or a batch was skipped).
// - Creates: slow-start batches (1, 2, 4, ...), a batch only after the previous one is in, none
//   after a failure. A generated name that is taken (AlreadyExists) is tried again with another
//   suffix (up to 5 times). Each outcome records SuccessfulCreate / FailedCreate.
// - Deletes: graceful (the pod's terminationGracePeriodSeconds; at once when not on a node), with
//   a uid precondition; SuccessfulDelete / FailedDelete.
// - Adoption/release: read-modify-write of the pod (resourceVersion precondition) after checking
//   again that it is still an orphan / still controlled by this ReplicaSet.
// - The status is written (status only; the store does not bump generation for it) when
//   calculate_status differs; a Conflict makes another sync at once (a newer ReplicaSet is on its
//   way).
// - A failed sync (a create or delete failed, a write failed) is retried with retry_backoff();
//   a timer wakes it when a ready pod becomes available (minReadySeconds) or expectations expire.
// Nothing carries over a restart: a new actor starts from the manager's view of the store.

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/controllers/replicaset_pods.hpp"
#include "actors/protocol/server_protocol.hpp"
#include "config/admission.hpp"
#include "config/time_format.hpp"
#include "proto/apps_v1.pb.h"

namespace troupe::controllers {

struct replicaset_options {
  protocol::store_actor_type store;
  std::function<config::timestamp()> clock;  // required (the manager fills it)
  config::admission_options admission;       // what the API server admits pods with
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::seconds expectations_ttl{300};
  uint64_t seed = 0;  // name suffixes; 0 = random
};

/// The ReplicaSet's latest state; `pods`, when set, replaces the whole pod view (first message,
/// and after the selector changed).
struct replicaset_seen {
  std::shared_ptr<const apps::v1::ReplicaSet> rs;
  std::optional<std::vector<pod_ptr>> pods;
};

/// A pod that concerns the ReplicaSet: its latest state, or null when it was deleted or no longer
/// concerns it.
struct replicaset_pod_seen {
  std::string uid;
  pod_ptr pod;
};

using rs_sync_atom = caf::atom_constant<caf::atom("rssync")>;   // internal: sync now
using rs_wake_atom = caf::atom_constant<caf::atom("rswake")>;   // internal: a timer
using rs_drop_atom = caf::atom_constant<caf::atom("rsdrop")>;   // the ReplicaSet is gone

using replicaset_actor_type = caf::typed_actor<
  caf::reacts_to<replicaset_seen>,
  caf::reacts_to<replicaset_pod_seen>,
  caf::reacts_to<rs_sync_atom>,
  caf::reacts_to<rs_wake_atom, uint64_t>,
  caf::reacts_to<rs_drop_atom>>;

replicaset_actor_type spawn_linked_replicaset(caf::local_actor* parent, replicaset_options options,
                                              std::string key);

} // namespace troupe::controllers

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::controllers::replicaset_seen)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::controllers::replicaset_pod_seen)
