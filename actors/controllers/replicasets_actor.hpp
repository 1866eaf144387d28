#pragma once
// The ReplicaSet controller (child "replicasets" of the controllers supervisor; ARCHITECTURE §3
// replicasets -> replicaset[ns/name]), Kubernetes' ReplicaSetController. It watches ReplicaSets
// and Pods (every namespace) through the store actor and keeps one replicaset actor per
// ReplicaSet (replicaset_actor.hpp; linked: a crash takes the controller down and its supervisor
// restarts it, which rebuilds everything from the store — nothing else carries over).
//
// Routing (as the ReplicaSetController's pod event handlers): a pod goes to the ReplicaSet its
// controller ownerReference names (by uid); an orphan that is not terminating goes to every
// ReplicaSet of its namespace whose selector matches its labels; a ReplicaSet that a pod concerned
// before and no longer does gets it as gone. A new ReplicaSet, or one whose selector changed,
// gets the full list of the pods that concern it. No ReplicaSet actor starts before both watches
// have delivered their initial events. A deleted ReplicaSet's actor stops (the garbage collector
// deletes its pods by their ownerReferences).
//
// A closed watch (gone) subscribes anew from scratch; what the new initial events do not bring
// back by their end (the initial-events-end bookmark) was deleted meanwhile.

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>

#include "actors/protocol/server_protocol.hpp"
#include "config/admission.hpp"
#include "config/time_format.hpp"

namespace troupe::controllers {

struct replicasets_options {
  protocol::store_actor_type store;
  std::function<config::timestamp()> clock;  // empty = the wall clock
  config::admission_options admission;       // as the API server's (default tolerations)
  std::chrono::milliseconds request_timeout{10000};
  std::chrono::seconds expectations_ttl{300};
  uint64_t seed = 0;  // pod name suffixes; 0 = random
};

using replicasets_resubscribe_atom = caf::atom_constant<caf::atom("rsresub")>;

using replicasets_actor_type = caf::typed_actor<
  caf::reacts_to<protocol::watch_batch>,
  caf::reacts_to<replicasets_resubscribe_atom, bool>>;  // internal: true = replicasets

replicasets_actor_type spawn_replicasets(caf::actor_system& sys, replicasets_options options);

} // namespace troupe::controllers
