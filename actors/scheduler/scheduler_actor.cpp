// Over 400 lines because the shell has three batched write paths (binds, Events, PodScheduled
// conditions) besides the watches and the slices; every decision is in the pure files.
#include "actors/scheduler/scheduler_actor.hpp"

#include <caf/all.hpp>

#include <unistd.h>

#include <array>
#include <optional>
#include <unordered_map>

#include "actors/scheduler/cluster_changes.hpp"
#include "actors/scheduler/coalesced_writes.hpp"
#include "actors/scheduler/pod_binding.hpp"
#include "actors/scheduler/scheduler_cache.hpp"
#include "actors/scheduler/scheduler_events.hpp"
#include "actors/scheduler/watch_feed.hpp"
#include "store/object_meta.hpp"

namespace troupe::scheduler {

using namespace troupe::protocol;
namespace v1 = troupe::core::v1;
using code = store::status::code;

namespace {

const config::kind_info& pods_kind() { return *config::find_kind("v1", "Pod"); }
const config::kind_info& events_kind() { return *config::find_kind("v1", "Event"); }

const config::kind_info& watched_kind(int w) {
  static const char* kinds[] = {"Pod", "Node", "Namespace"};
  return *config::find_kind("v1", kinds[w]);
}

struct watch_state {
  uint64_t id = 0;
  bool synced = false;  // the current subscription's initial list is complete
  unsigned failures = 0;
};

struct bind_job {
  pod_ptr pod;
  std::string node;
  // The pod as bound (nodeName, PodScheduled=True): one copy serves as the cache's assumed pod and
  // as the bind write (the store copies it again on its own thread, since the cache keeps it).
  pod_ptr bound;
  int attempts = 0;
  std::chrono::steady_clock::time_point t0;  // the attempt's start (metrics)
  queue_time first_queued;                   // (metrics)
};

struct scheduler_state {
  static inline const char* name = "scheduler";
  scheduler_options opts;
  plugin_chain chain;
  scheduler_cache cache;
  std::unique_ptr<scheduling_queue> queue;
  std::unique_ptr<watch_feed> feed;
  schedule_cursor cursor;
  std::unique_ptr<scheduler_event_recorder> recorder;
  std::array<watch_state, 3> watches;
  bool started = false;  // every initial list was complete once
  size_t binds_in_flight = 0;        // decided, not answered (also those in binds_pending)
  std::vector<bind_job> binds_pending;  // decided in this slice, not sent yet
  bool slice_pending = false;
  std::optional<queue_time> wakeup_at;  // the earliest wake-up message on its way
  std::unique_ptr<coalesced_writes<recorded_event>> events;  // by Event name
  std::unique_ptr<coalesced_writes<std::string>> statuses;   // uid -> Unschedulable message
  std::unordered_map<std::string, std::string> status_after_update;  // conflicted: await the pod
};

using self_ptr = scheduler_actor_type::stateful_pointer<scheduler_state>;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void kick(self_ptr self);

// --- Writes go to the store in batches (store_write_many: one message each way, the writes of a
// batch share group commits); every write keeps its own outcome.

template <class Done>
void write_batch(self_ptr self, std::vector<store::batch_write> writes, Done done) {
  const size_t n = writes.size();
  auto& st = self->state;
  self->request(st.opts.store, st.opts.request_timeout, store_write_many{std::move(writes)})
    .then(
      [=](batch_results& results) {
        std::vector<store::status> out(n, store::status::closed("no answer for this write"));
        for (size_t i = 0; i < n && i < results.size(); ++i)
          out[i] = results[i].ok() ? store::status::ok() : results[i].status();
        done(out);
      },
      [=](caf::error& e) { done(std::vector<store::status>(n, to_status(e))); });
}

// --- Events and PodScheduled conditions: latest value per key, bounded in flight.

struct event_write {
  std::string name;
  std::shared_ptr<v1::Event> event;
  bool update = false;
};

void write_events(self_ptr self);

void send_events(self_ptr self, std::shared_ptr<std::vector<event_write>> batch, bool fallback) {
  std::vector<store::batch_write> writes;
  writes.reserve(batch->size());
  for (const auto& w : *batch)
    writes.push_back({w.update ? store::batch_write::op::update : store::batch_write::op::create,
                      &events_kind(), w.event});
  write_batch(self, std::move(writes), [=](const std::vector<store::status>& out) {
    auto again = std::make_shared<std::vector<event_write>>();
    for (size_t i = 0; i < out.size(); ++i) {
      const auto& w = (*batch)[i];
      // A repeat whose create was coalesced away, or a create of an Event already there: the
      // other way, once. Any other failure drops this count (the next repeat writes it).
      bool other_way = w.update ? out[i].is(code::not_found) : out[i].is(code::already_exists);
      if (other_way && !fallback)
        again->push_back({w.name, w.event, !w.update});
      else
        self->state.events->finished(w.name);
    }
    if (!again->empty())
      send_events(self, again, true);
    write_events(self);
  });
}

void write_events(self_ptr self) {
  auto& st = self->state;
  auto started = st.events->start();
  for (size_t i = 0; i < started.size(); i += st.opts.writes_per_request) {
    auto batch = std::make_shared<std::vector<event_write>>();
    for (size_t k = i; k < std::min(started.size(), i + st.opts.writes_per_request); ++k) {
      auto& [name, rec] = started[k];
      batch->push_back({name, std::make_shared<v1::Event>(std::move(rec.event)), rec.repeat});
    }
    send_events(self, batch, false);
  }
}

struct status_write {
  std::string uid;
  std::string message;
  std::string resource_version;  // of the pod it was written over
};

void write_statuses(self_ptr self) {
  auto& st = self->state;
  auto batch = std::make_shared<std::vector<status_write>>();
  std::vector<store::batch_write> writes;
  auto send = [&] {
    if (writes.empty())
      return;
    write_batch(self, std::move(writes), [self, batch](const std::vector<store::status>& out) {
      auto& s = self->state;
      for (size_t i = 0; i < out.size(); ++i) {
        const auto& w = (*batch)[i];
        s.statuses->finished(w.uid);
        if (out[i].is(code::conflict)) {
          // Written again over the newer pod: now if the watch has it, else when it does.
          const v1::Pod* p = s.feed->pod(w.uid);
          if (p && p->metadata().resourceversion() != w.resource_version)
            s.statuses->put(w.uid, w.message);
          else
            s.status_after_update[w.uid] = w.message;
        }
        // Anything else: done, or transient (the pod's next failed attempt writes it again).
      }
      write_statuses(self);
    });
    writes.clear();
    batch = std::make_shared<std::vector<status_write>>();
  };
  bool skipped = true;  // a write found unneeded frees its place for the next one
  while (skipped) {
    skipped = false;
    for (auto& [uid, message] : st.statuses->start()) {
      const v1::Pod* pod = st.feed->pod(uid);
      std::optional<v1::Pod> updated;
      if (pod && needs_scheduling(*pod))
        updated = unschedulable_pod(*pod, message, st.opts.clock());
      if (!updated) {
        st.statuses->finished(uid);
        skipped = true;
        continue;
      }
      batch->push_back({uid, std::move(message), updated->metadata().resourceversion()});
      writes.push_back({store::batch_write::op::update, &pods_kind(),
                        std::make_shared<v1::Pod>(std::move(*updated))});
      if (writes.size() >= st.opts.writes_per_request)
        send();
    }
  }
  send();
}

// --- binding

// The outcome of one bind (CONVENTIONS 6, see the header).
void bound(self_ptr self, const bind_job& j, const store::status& s) {
  auto& st = self->state;
  const std::string& uid = j.pod->metadata().uid();
  --st.binds_in_flight;
  if (s.is_ok()) {
    st.queue->done(uid);
    if (st.opts.metrics) {
      st.opts.metrics->attempt(attempt_result::scheduled, seconds_since(j.t0));
      st.opts.metrics->bound_after(
        j.attempts, std::chrono::duration<double>(st.opts.clock() - j.first_queued).count());
    }
    auto rec = st.recorder->scheduled(*j.pod, j.node, st.opts.clock());
    st.recorder->forget(uid);
    auto name = rec.event.metadata().name();
    st.events->put(name, std::move(rec));
    st.statuses->drop(uid);
    return;
  }
  st.cache.forget(uid);
  if (st.opts.metrics)
    st.opts.metrics->attempt(attempt_result::error, seconds_since(j.t0));
  if (s.is(code::not_found))
    st.queue->remove(uid);  // permanent: the pod is gone
  else
    st.queue->retry(uid, st.opts.clock());  // transient: conflict, timeout, store down
}

// Sends the binds decided so far in one request.
void flush_binds(self_ptr self) {
  auto& st = self->state;
  if (st.binds_pending.empty())
    return;
  auto jobs = std::make_shared<std::vector<bind_job>>(std::move(st.binds_pending));
  st.binds_pending.clear();
  std::vector<store::batch_write> writes;
  writes.reserve(jobs->size());
  for (const auto& j : *jobs)
    writes.push_back({store::batch_write::op::update, &pods_kind(), j.bound});
  write_batch(self, std::move(writes), [self, jobs](const std::vector<store::status>& out) {
    for (size_t i = 0; i < out.size(); ++i)
      bound(self, (*jobs)[i], out[i]);
    write_events(self);
    kick(self);
  });
}

void attempt(self_ptr self, const queued_pod& q, queue_time now) {
  auto& st = self->state;
  auto t0 = std::chrono::steady_clock::now();
  auto result = schedule_one(*q.pod, st.cache.view(), st.chain, st.opts.schedule, st.cursor);
  if (st.opts.metrics)
    st.opts.metrics->rejections(result.rejected_by);
  const auto& uid = q.pod->metadata().uid();
  if (result.scheduled()) {
    auto bound = std::make_shared<const v1::Pod>(bound_pod(*q.pod, result.node, now));
    st.cache.assume(bound, result.node);  // nodeName already set: no copy there
    st.binds_pending.push_back({q.pod, result.node, std::move(bound), q.attempts, t0, q.first_queued});
    ++st.binds_in_flight;
    if (st.binds_pending.size() >= st.opts.writes_per_request)
      flush_binds(self);
    return;
  }
  auto message = result.message(st.cache.node_count());
  st.queue->unschedulable(uid, result.rejected_by, now);
  if (st.opts.metrics)
    st.opts.metrics->attempt(attempt_result::unschedulable, seconds_since(t0));
  auto rec = st.recorder->failed_scheduling(*q.pod, message, now);
  auto name = rec.event.metadata().name();
  st.events->put(name, std::move(rec));
  st.statuses->put(uid, std::move(message));
}

void arm_wakeup(self_ptr self, queue_time now) {
  auto& st = self->state;
  auto next = st.queue->next_wakeup();
  if (!next || (st.wakeup_at && *st.wakeup_at <= *next))
    return;
  st.wakeup_at = next;
  auto delay = std::chrono::duration_cast<std::chrono::milliseconds>(*next - now) +
               std::chrono::milliseconds(1);
  self->delayed_send(self, std::max(delay, std::chrono::milliseconds(1)), wakeup_atom::value);
}

void report_pending(self_ptr self) {
  auto& st = self->state;
  if (!st.opts.metrics)
    return;
  st.opts.metrics->pending(st.queue->active(), st.queue->backoff(), st.queue->unschedulable_count());
  st.opts.metrics->binds_in_flight(st.binds_in_flight);
}

// Asks for a slice when one could do something.
void kick(self_ptr self) {
  auto& st = self->state;
  if (!st.started)
    return;
  auto now = st.opts.clock();
  st.queue->flush(now);
  // A slice once a quarter of the binds came back, not one per answer.
  const size_t refill = st.opts.max_binds_in_flight - st.opts.max_binds_in_flight / 4;
  if (!st.slice_pending && st.queue->active() > 0 && st.binds_in_flight < refill) {
    st.slice_pending = true;
    self->send(self, schedule_atom::value);
  }
  arm_wakeup(self, now);
  report_pending(self);
}

void slice(self_ptr self) {
  auto& st = self->state;
  st.slice_pending = false;
  if (!st.started)
    return;
  const auto start = std::chrono::steady_clock::now();
  const auto now = st.opts.clock();
  for (size_t n = 0; n < st.opts.max_pods_per_slice; ++n) {
    if (st.binds_in_flight >= st.opts.max_binds_in_flight ||
        std::chrono::steady_clock::now() - start >= st.opts.slice_time)
      break;
    auto q = st.queue->pop(now);
    if (!q)
      break;
    attempt(self, *q, now);
  }
  flush_binds(self);
  write_events(self);
  write_statuses(self);
  kick(self);
}

// --- watches

// Pods no longer pending: their Events are no longer coalesced, their condition not written.
void settle(self_ptr self, const feed_result& r) {
  auto& st = self->state;
  for (const auto& uid : r.settled) {
    st.recorder->forget(uid);
    st.statuses->drop(uid);
    st.status_after_update.erase(uid);
  }
  for (const auto& uid : r.pending)
    if (auto w = st.status_after_update.find(uid); w != st.status_after_update.end()) {
      st.statuses->put(uid, std::move(w->second));
      st.status_after_update.erase(w);
    }
}

void subscribe(self_ptr self, int w) {
  auto& ws = self->state.watches[w];
  ws.id = 0;
  ws.synced = false;
  self->state.feed->list_started(static_cast<watched>(w));
  store_subscribe s{&watched_kind(w), "", 0, caf::actor_cast<caf::actor>(self), true};
  self->request(self->state.opts.store, self->state.opts.request_timeout, std::move(s))
    .then(
      [=](uint64_t id) {
        self->state.watches[w].id = id;
        self->state.watches[w].failures = 0;
      },
      [=](caf::error&) {
        auto n = std::min(++self->state.watches[w].failures, 10u);
        self->delayed_send(self, std::chrono::milliseconds(200) * n, resubscribe_atom::value, w);
      });
}

void on_batch(self_ptr self, watch_batch& b) {
  auto& st = self->state;
  int w = -1;
  for (int i = 0; i < 3; ++i)
    if (st.watches[i].id == b.subscription && b.subscription != 0)
      w = i;
  if (w < 0)
    return;  // from an earlier subscription
  auto& ws = st.watches[w];
  const auto now = st.opts.clock();
  feed_result r;
  for (const auto& e : b.events) {
    if (e.type == store::watch_event_type::bookmark) {
      if (!ws.synced && store::object_meta(*e.object).annotations().count("k8s.io/initial-events-end")) {
        ws.synced = true;
        st.feed->list_complete(static_cast<watched>(w), now, r);
      }
      continue;
    }
    st.feed->apply(static_cast<watched>(w), e.type, e.object, now, r);
  }
  settle(self, r);
  if (!st.started && st.watches[0].synced && st.watches[1].synced && st.watches[2].synced)
    st.started = true;
  if (r.changes)
    st.queue->move(r.changes, now);
  if (b.closed)
    subscribe(self, w);
  kick(self);
}

std::string default_instance() {
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || !host[0])
    return default_scheduler_name;
  return std::string(default_scheduler_name) + "-" + host;
}

scheduler_actor_type::behavior_type scheduler(self_ptr self, scheduler_options opts) {
  auto& st = self->state;
  if (!opts.clock)
    opts.clock = [] { return std::chrono::system_clock::now(); };
  if (opts.instance.empty())
    opts.instance = default_instance();
  st.chain = opts.chain ? opts.chain() : default_chain();
  st.queue = std::make_unique<scheduling_queue>(opts.queue);
  st.feed = std::make_unique<watch_feed>(st.cache, *st.queue);
  st.recorder = std::make_unique<scheduler_event_recorder>(opts.instance);
  st.events = std::make_unique<coalesced_writes<recorded_event>>(opts.max_writes_in_flight);
  st.statuses = std::make_unique<coalesced_writes<std::string>>(opts.max_writes_in_flight);
  if (opts.seed)
    st.cursor.random = opts.seed;
  st.opts = std::move(opts);
  for (int w = 0; w < 3; ++w)
    subscribe(self, w);
  return {
    [=](watch_batch& b) { on_batch(self, b); },
    [=](schedule_atom) { slice(self); },
    [=](wakeup_atom) {
      self->state.wakeup_at.reset();
      kick(self);
    },
    [=](resubscribe_atom, int w) { subscribe(self, w); },
  };
}

} // namespace

scheduler_actor_type spawn_scheduler(caf::actor_system& sys, scheduler_options options) {
  return sys.spawn(scheduler, std::move(options));
}

} // namespace troupe::scheduler
