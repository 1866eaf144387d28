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

// Writes the store has finished, waiting to be answered on the actor's thread. Shared by the
// actor's state and by every write in flight: the store's commit thread pushes (quick, touches no
// actor state), the actor drains. Only the push that finds the queue empty wakes the actor, so a
// group commit of hundreds of writes costs the actor one message, not hundreds.
class write_completions : public std::enable_shared_from_this<write_completions> {
public:
  explicit write_completions(caf::weak_actor_ptr home) : home_(std::move(home)) {}

  // From the store's commit thread (or the actor's, when nothing could be queued).
  void push(std::function<void()> deliver) {
    bool wake = false;
    {
      std::lock_guard<std::mutex> g(mu_);
      wake = ready_.empty();
      ready_.push_back(std::move(deliver));
    }
    if (!wake)
      return;  // a wake-up is on its way; that drain takes this one too
    // The actor may be gone: then nothing is delivered (what is queued goes with the queue).
    auto strong = caf::actor_cast<caf::strong_actor_ptr>(home_);
    if (!strong)
      return;
    store_completion c;
    c.run = [q = shared_from_this()] { q->drain(); };
    caf::anon_send(caf::actor_cast<store_actor_type>(strong), std::move(c));
  }

  // On the actor's thread: answers everything queued. A push after the swap sends a new wake-up.
  void drain() {
    std::vector<std::function<void()>> batch;
    {
      std::lock_guard<std::mutex> g(mu_);
      batch.swap(ready_);
    }
    for (auto& deliver : batch)
      deliver();
  }

private:
  caf::weak_actor_ptr home_;
  std::mutex mu_;
  std::vector<std::function<void()>> ready_;
};

struct store_state {
  static inline const char* name = "store";
  store_actor_options opts;
  shared_store db;
  std::shared_ptr<write_completions> completions;
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

// Hands `writes` to the store's commit thread (no thread waits); their outcomes, in order, go to
// `deliver` on the actor's thread once durable (or rejected).
void write_async(self_ptr self, std::vector<batch_write> writes,
                 std::function<void(batch_results&&)> deliver) {
  auto& st = self->state;
  st.db->write_async(std::move(writes), st.opts.clock(),
                     [q = st.completions, deliver = std::move(deliver)](batch_results results) mutable {
                       // The store's commit thread: only queue the answer.
                       q->push([deliver = std::move(deliver), results = std::move(results)]() mutable {
                         deliver(std::move(results));
                       });
                     });
}

// One write; its outcome answers the request (the value, or the store error as today).
caf::result<write_result> write_one(self_ptr self, batch_write w) {
  auto rp = self->make_response_promise<write_result>();
  std::vector<batch_write> writes;
  writes.push_back(std::move(w));
  write_async(self, std::move(writes), [rp](batch_results&& results) mutable {
    auto& r = results.front();  // one outcome per write
    if (r.ok())
      rp.deliver(std::move(*r));
    else
      rp.deliver(to_error(r.status()));
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
    // Writes go to the store's commit thread; the object is handed over (moved out of the
    // message), so the store copies it only when the sender still holds a reference.
    [=](store_create& r) -> caf::result<write_result> {
      batch_write w;
      w.what = batch_write::op::create;
      w.kind = r.kind;
      w.object = std::move(r.object);
      return write_one(self, std::move(w));
    },
    [=](store_update& r) -> caf::result<write_result> {
      batch_write w;
      w.what = batch_write::op::update;
      w.kind = r.kind;
      w.object = std::move(r.object);
      return write_one(self, std::move(w));
    },
    [=](store_remove& r) -> caf::result<write_result> {
      batch_write w;
      w.what = batch_write::op::remove;
      w.kind = r.kind;
      w.ns = std::move(r.ns);
      w.name = std::move(r.name);
      w.options = std::move(r.options);
      return write_one(self, std::move(w));
    },
    [=](store_remove_collection& r) -> caf::result<write_results> {
      return run_blocking<write_results>(self, [r, clock](object_store& db) {
        return db.remove_collection(*r.kind, r.selection, r.options, clock());
      });
    },
    [=](store_write_many& r) -> caf::result<batch_results> {
      auto rp = self->make_response_promise<batch_results>();
      write_async(self, std::move(r.writes), [rp](batch_results&& results) mutable {
        rp.deliver(std::move(results));
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
  st.completions = std::make_shared<write_completions>(caf::actor_cast<caf::weak_actor_ptr>(self));
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
