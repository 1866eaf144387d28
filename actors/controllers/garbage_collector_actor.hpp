#pragma once
// The garbage collector (child "garbage_collector" of the controllers supervisor): deletes objects
// whose owners are gone, and carries out the Foreground and Orphan deletion policies (finalizers
// foregroundDeletion / orphan that DELETE adds).
//
// A thin shell over ownership_graph (who owns whom, from watch events of every storage kind) and
// gc_plan (the decisions). Level-triggered (CONVENTIONS 4): an event only marks uids dirty; a
// dirty uid is re-evaluated from the graph, and an owner missing from the graph is looked up live
// in the store (by name, compared by uid) before anything is deleted for it, since the watches of
// different kinds are not ordered with each other. Nothing is decided before every kind's initial
// events have arrived. A failed evaluation is retried with retry_backoff(); at most
// `max_in_flight` uids are evaluated at once. A closed watch (gone) subscribes to that kind anew.

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>

#include "actors/protocol/server_protocol.hpp"

namespace troupe::controllers {

struct garbage_collector_options {
  protocol::store_actor_type store;
  size_t max_in_flight = 16;
  std::chrono::seconds request_timeout{30};
};

caf::actor spawn_garbage_collector(caf::actor_system& sys, garbage_collector_options options);

} // namespace troupe::controllers
