#pragma once
// The store actor (ARCHITECTURE.md §3): opens and owns troupe-server's object store, serves it to
// actors as asynchronous messages (protocol::store_actor_type) and fans watch events out to
// subscriber actors.
//
// Contract:
// - Opening: RocksDB at <data_dir>/store (created if missing), or a memory store. A failed open
//   prints "troupe-server: the store did not open: <why>" and ends the actor with that error, so
//   its supervisor decides. A database still locked by this process's previous store actor (it
//   closes when the last borrower lets go) is retried for up to `lock_wait`; a lock held by
//   another process fails at once.
// - Writes (create/update/remove/write_many) are handed to the store's commit thread
//   (object_store::write_async) as they arrive: no thread waits for a sync, so writes from any
//   number of actors share group commits. The object of a create/update is taken over from the
//   message (the store copies it only when the sender still holds a reference). The store's
//   completion callbacks only queue the outcome; the actor is sent one wake-up when that queue
//   goes from empty to non-empty and answers everything queued then.
// - Reads (get/list), remove_collection and subscribe run on a small dedicated thread pool,
//   never on CAF workers.
// - Every reply is delivered from the actor's own thread through a response promise: the value,
//   or a caf::error in the "store" category (protocol::to_status); write_many answers one outcome
//   per write, in order. Writes are queued in the order the actor receives them, but reads run
//   concurrently with them: a caller that needs an order waits for each reply. A write whose
//   actor is gone when the store finishes it is still durable; nobody is answered.
// - subscribe: one store watcher per subscription. Its notify callback only sends the actor a
//   poll message; the actor polls (never blocks) and sends the subscriber watch_batch messages.
//   A subscriber that goes down is unsubscribed (monitored). A watcher closed with an ERROR event
//   (e.g. gone: it fell behind) delivers that event in a batch marked closed, then is dropped.
// - borrow: the API server gets the object store itself (shared), since it runs its own pool.
//
// How siblings find it: the supervisor's child factories run on the supervisor's thread, in start
// order. The "store" factory writes the new handle into a store_slot; factories of children started
// after it (api_server, controllers) read the slot. Under rest_for_one a store restart restarts
// every later child, so a child always gets the handle of the store that is running now. A request
// to a store that died fails at once (the child then waits for the restart that is coming).

#include <caf/actor_cast.hpp>
#include <caf/actor_control_block.hpp>
#include <caf/fwd.hpp>
#include <caf/weak_intrusive_ptr.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "actors/protocol/server_protocol.hpp"
#include "config/time_format.hpp"
#include "store/object_store.hpp"

namespace troupe::store {

struct store_actor_options {
  std::string data_dir;  // RocksDB in <data_dir>/store
  bool memory = false;   // a memory store instead (tests, hollow clusters)
  store_options store;
  std::function<config::timestamp()> clock;  // empty = the wall clock
  unsigned threads = 4;  // the pool for reads, remove_collection and subscribe (not for writes)
  size_t poll_batch = 1000;  // most events per watch_batch
  std::chrono::milliseconds lock_wait{3000};
};

protocol::store_actor_type spawn_store_actor(caf::actor_system& sys, store_actor_options options);

/// The handle of the running store actor, shared by the factories of the root supervisor's
/// children (see above). Holds it weakly, so the slot never keeps a stopped store actor alive;
/// get() gives an invalid handle once that actor is gone (requests to it fail at once).
/// Thread-safe.
class store_slot {
public:
  void set(const protocol::store_actor_type& h) {
    std::lock_guard<std::mutex> g(mu_);
    current_ = caf::actor_cast<caf::weak_actor_ptr>(h);
  }
  protocol::store_actor_type get() const {
    std::lock_guard<std::mutex> g(mu_);
    return caf::actor_cast<protocol::store_actor_type>(caf::actor_cast<caf::strong_actor_ptr>(current_));
  }

private:
  mutable std::mutex mu_;
  caf::weak_actor_ptr current_;
};

} // namespace troupe::store
