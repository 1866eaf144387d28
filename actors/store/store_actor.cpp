#include "actors/store/store_actor.hpp"

#include <caf/all.hpp>

#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "actors/apiserver/request_pool.hpp"

namespace troupe::store {

using namespace troupe::protocol;

namespace {

config::timestamp wall_clock() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(now);
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now - secs);
  return {secs.count(), static_cast<int32_t>(nanos.count())};
}

struct subscription {
  caf::actor subscriber;
  const config::kind_info* kind = nullptr;
  std::shared_ptr<watcher> watch;  // stops when dropped
};

struct store_state {
  static inline const char* name = "store";
  store_actor_options opts;
  shared_store db;
  std::unique_ptr<apiserver::request_pool> pool;
  uint64_t next_id = 1;
  std::map<uint64_t, subscription> subs;
  std::map<caf::actor_addr, std::set<uint64_t>> by_subscriber;
};

using self_ptr = store_actor_type::stateful_pointer<store_state>;

// Opens the store; retries a lock held by this process's previous store for a while (it closes as
// soon as its last borrower lets go). Any other failure, or another process's lock, is final.
result<shared_store> open_store(const store_actor_options& o) {
  if (o.memory)
    return shared_store(make_memory_store(o.store));
  auto dir = o.data_dir + "/store";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto deadline = std::chrono::steady_clock::now() + o.lock_wait;
  for (;;) {
    auto opened = open_rocksdb_store(dir, o.store);
    if (opened.ok())
      return shared_store(std::move(*opened));
    // RocksDB says "lock hold by current process" for a lock of this process; another process's
    // lock fails at once.
    const bool ours = opened.status().message().find("current process") != std::string::npos;
    if (!ours || std::chrono::steady_clock::now() >= deadline)
      return opened.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// Runs `work(store)` on the pool and delivers its result through `rp` on the actor's thread.
template <class T, class Work>
caf::typed_response_promise<T> run_blocking(self_ptr self, Work work) {
  auto rp = self->template make_response_promise<T>();
  auto db = self->state.db;
  caf::weak_actor_ptr home = caf::actor_cast<caf::weak_actor_ptr>(self);
  self->state.pool->post([db, rp, home, work = std::move(work)]() mutable {
    auto r = work(*db);
    auto strong = caf::actor_cast<caf::strong_actor_ptr>(home);
    if (!strong)
      return;
    store_completion done;
    done.run = [rp, r = std::move(r)]() mutable {
      if (r.ok())
        rp.deliver(std::move(*r));
      else
        rp.deliver(to_error(r.status()));
    };
    caf::anon_send(caf::actor_cast<store_actor_type>(strong), std::move(done));
  });
  return rp;
}

void drop_subscription(self_ptr self, uint64_t id) {
  auto& st = self->state;
  auto i = st.subs.find(id);
  if (i == st.subs.end())
    return;
  auto addr = i->second.subscriber.address();
  st.subs.erase(i);
  auto j = st.by_subscriber.find(addr);
  if (j != st.by_subscriber.end()) {
    j->second.erase(id);
    if (j->second.empty()) {
      st.by_subscriber.erase(j);
      self->demonitor(addr);
    }
  }
}

void poll(self_ptr self, uint64_t id) {
  auto& st = self->state;
  auto i = st.subs.find(id);
  if (i == st.subs.end())
    return;
  auto& sub = i->second;
  watch_batch batch;
  batch.subscription = id;
  batch.kind = sub.kind;
  batch.events = sub.watch->poll(st.opts.poll_batch);
  batch.closed = sub.watch->closed();
  const bool more = batch.events.size() >= st.opts.poll_batch;
  if (!batch.events.empty() || batch.closed)
    caf::anon_send(sub.subscriber, std::move(batch));  // untyped subscribers: no typed send()
  if (i->second.watch->closed())
    drop_subscription(self, id);
  else if (more)
    self->send(self, poll_atom::value, id);
}

caf::result<uint64_t> subscribe(self_ptr self, store_subscribe req) {
  auto rp = self->make_response_promise<uint64_t>();
  auto& st = self->state;
  const uint64_t id = st.next_id++;
  caf::weak_actor_ptr home = caf::actor_cast<caf::weak_actor_ptr>(self);
  watch_options w;
  w.ns = req.ns;
  w.since = req.since;
  w.bookmarks = req.initial_end;  // bookmarks come only then and on request_bookmark(), never used
  // From a writer's thread: only a message to this actor, which polls.
  w.notify = [home, id] {
    if (auto strong = caf::actor_cast<caf::strong_actor_ptr>(home))
      caf::anon_send(caf::actor_cast<store_actor_type>(strong), poll_atom::value, id);
  };
  auto db = st.db;
  st.pool->post([self, db, rp, home, id, w, req]() mutable {
    auto opened = db->watch(*req.kind, w);
    auto strong = caf::actor_cast<caf::strong_actor_ptr>(home);
    if (!strong)
      return;
    auto watch = opened.ok() ? std::shared_ptr<watcher>(std::move(*opened)) : nullptr;
    auto failure = opened.status();
    store_completion done;
    // Runs on the actor's thread, so `self` is alive then.
    done.run = [self, rp, id, watch, failure, req]() mutable {
      if (!watch) {
        rp.deliver(to_error(failure));
        return;
      }
      subscription sub;
      sub.subscriber = req.subscriber;
      sub.kind = req.kind;
      sub.watch = std::move(watch);
      auto& st = self->state;
      if (st.by_subscriber[req.subscriber.address()].empty())
        self->monitor(req.subscriber);
      st.by_subscriber[req.subscriber.address()].insert(id);
      st.subs.emplace(id, std::move(sub));
      rp.deliver(id);
      poll(self, id);  // the initial events, and whatever came meanwhile
    };
    caf::anon_send(caf::actor_cast<store_actor_type>(strong), std::move(done));
  });
  return rp;
}

store_actor_type::behavior_type behavior(self_ptr self) {
  auto clock = self->state.opts.clock;
  return {
    [=](store_get& r) -> caf::result<stored_object> {
      return run_blocking<stored_object>(self, [r](object_store& db) { return db.get(*r.kind, r.ns, r.name); });
    },
    [=](store_list& r) -> caf::result<list_result> {
      return run_blocking<list_result>(self, [r](object_store& db) { return db.list(*r.kind, r.options); });
    },
    [=](store_create& r) -> caf::result<write_result> {
      return run_blocking<write_result>(
        self, [r, clock](object_store& db) { return db.create(*r.kind, *r.object, clock()); });
    },
    [=](store_update& r) -> caf::result<write_result> {
      return run_blocking<write_result>(self, [r](object_store& db) { return db.update(*r.kind, *r.object); });
    },
    [=](store_remove& r) -> caf::result<write_result> {
      return run_blocking<write_result>(self, [r, clock](object_store& db) {
        return db.remove(*r.kind, r.ns, r.name, r.options, clock());
      });
    },
    [=](store_remove_collection& r) -> caf::result<write_results> {
      return run_blocking<write_results>(self, [r, clock](object_store& db) {
        return db.remove_collection(*r.kind, r.selection, r.options, clock());
      });
    },
    [=](store_write_many& r) -> caf::result<batch_results> {
      auto rp = self->make_response_promise<batch_results>();
      auto db = self->state.db;
      caf::weak_actor_ptr home = caf::actor_cast<caf::weak_actor_ptr>(self);
      self->state.pool->post([db, rp, home, r = std::move(r), clock]() mutable {
        auto results = db->write_many(r.writes, clock());
        auto strong = caf::actor_cast<caf::strong_actor_ptr>(home);
        if (!strong)
          return;
        store_completion done;
        done.run = [rp, results = std::move(results)]() mutable { rp.deliver(std::move(results)); };
        caf::anon_send(caf::actor_cast<store_actor_type>(strong), std::move(done));
      });
      return rp;
    },
    [=](store_subscribe& r) -> caf::result<uint64_t> { return subscribe(self, std::move(r)); },
    [=](unsubscribe_atom, uint64_t id) { drop_subscription(self, id); },
    [=](borrow_atom) -> shared_store { return self->state.db; },
    [=](poll_atom, uint64_t id) { poll(self, id); },
    [=](store_completion& c) { c.run(); },
  };
}

store_actor_type::behavior_type store_actor(self_ptr self, store_actor_options opts) {
  auto opened = open_store(opts);
  if (!opened.ok()) {
    std::cerr << "troupe-server: the store did not open: " << opened.status().message() << "\n";
    self->quit(to_error(opened.status()));
    return behavior(self);  // never runs: the actor has quit
  }
  auto& st = self->state;
  st.db = std::move(*opened);
  st.pool = std::make_unique<apiserver::request_pool>(opts.threads);
  if (!opts.clock)
    opts.clock = wall_clock;
  st.opts = std::move(opts);
  // Pool threads finish their jobs before the store goes (the state's members go in reverse order:
  // the pool first; its destructor drains and joins).
  self->set_down_handler([=](caf::down_msg& dm) {
    auto i = self->state.by_subscriber.find(dm.source);
    if (i == self->state.by_subscriber.end())
      return;
    auto ids = i->second;
    for (auto id : ids)
      drop_subscription(self, id);
  });
  return behavior(self);
}

} // namespace

store_actor_type spawn_store_actor(caf::actor_system& sys, store_actor_options options) {
  // Detached: opening RocksDB blocks, and the actor then only hands work to its pool and polls.
  return sys.spawn<caf::detached>(store_actor, std::move(options));
}

} // namespace troupe::store
