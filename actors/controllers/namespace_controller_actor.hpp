#pragma once
// The namespace controller (child "namespaces" of the controllers supervisor): finishes the
// deletion of namespaces. DELETE on a namespace only marks it (deletionTimestamp, phase
// Terminating); this actor then deletes everything in it, waits until nothing is left and removes
// the namespace for good, so `kubectl delete ns x` returns.
//
// A thin shell over plan_namespace_cleanup() (namespace_cleanup.hpp). Level-triggered
// (CONVENTIONS 4): a namespace event only queues its name; each pass re-reads the namespace and
// lists its contents. One pass per namespace at a time; an event during a pass queues another.
// While content remains (objects waiting on grace periods or finalizers) it checks again every
// `recheck`; a failed pass is retried with retry_backoff(). A closed watch (gone) subscribes anew
// from scratch, which replays every namespace as ADDED.

#include <caf/fwd.hpp>

#include <chrono>
#include <functional>

#include "actors/protocol/server_protocol.hpp"
#include "config/time_format.hpp"

namespace troupe::controllers {

struct namespace_controller_options {
  protocol::store_actor_type store;
  std::function<config::timestamp()> clock;  // empty = the wall clock
  std::chrono::milliseconds recheck{500};     // while content remains
  size_t max_deletions_per_pass = 256;        // bounds the requests in flight
  std::chrono::seconds request_timeout{30};
};

caf::actor spawn_namespace_controller(caf::actor_system& sys, namespace_controller_options options);

/// "system time now" as config::timestamp.
config::timestamp wall_clock_now();

} // namespace troupe::controllers
