#include "actors/controllers/garbage_collector_actor.hpp"

#include <caf/all.hpp>

#include <deque>
#include <map>
#include <set>

#include "actors/controllers/gc_plan.hpp"
#include "actors/controllers/namespace_cleanup.hpp"
#include "store/object_meta.hpp"

namespace troupe::controllers {

using namespace troupe::protocol;
using google::protobuf::Message;

namespace {

using retry_atom = caf::atom_constant<caf::atom("retry")>;
using resubscribe_atom = caf::atom_constant<caf::atom("resub")>;

struct uid_work {
  bool in_flight = false;
  bool dirty = false;
  unsigned failures = 0;
};

struct gc_state {
  static inline const char* name = "garbage_collector";
  garbage_collector_options opts;
  ownership_graph graph;
  std::map<uint64_t, const config::kind_info*> subscriptions;
  std::set<const config::kind_info*> synced;  // initial events seen
  // After a lost watch: the uids of a kind not yet seen again in the new initial events; those
  // left at its initial-events-end were deleted meanwhile.
  std::map<const config::kind_info*, std::set<std::string>> unconfirmed;
  std::map<std::string, uid_work> work;
  std::deque<std::string> queue;  // dirty, waiting for a slot (or for the initial sync)
  size_t running = 0;
};

using self_ptr = caf::stateful_actor<gc_state>*;
using done_fn = std::function<void(bool ok)>;

void start_next(self_ptr self);
void evaluate(self_ptr self, const std::string& uid);

bool all_synced(self_ptr self) { return self->state.synced.size() == collected_kinds().size(); }

void mark(self_ptr self, const std::string& uid) {
  auto& w = self->state.work[uid];
  if (w.in_flight) {
    w.dirty = true;
    return;
  }
  if (!w.dirty) {
    w.dirty = true;
    self->state.queue.push_back(uid);
  }
}

void start_next(self_ptr self) {
  auto& st = self->state;
  if (!all_synced(self))
    return;
  while (st.running < st.opts.max_in_flight && !st.queue.empty()) {
    auto uid = st.queue.front();
    st.queue.pop_front();
    auto& w = st.work[uid];
    if (w.in_flight || !w.dirty)
      continue;
    w.dirty = false;
    w.in_flight = true;
    ++st.running;
    evaluate(self, uid);
  }
}

void finish(self_ptr self, const std::string& uid, bool ok) {
  auto& st = self->state;
  --st.running;
  auto& w = st.work[uid];
  w.in_flight = false;
  if (!ok) {
    ++w.failures;
    self->delayed_send(self, retry_backoff(w.failures), retry_atom::value, uid);
  } else {
    w.failures = 0;
  }
  if (w.dirty)
    st.queue.push_back(uid);
  else if (ok)
    st.work.erase(uid);
  start_next(self);
}

bool benign(const caf::error& e) {
  // Gone already, or changed meanwhile (the change's event re-marks it).
  auto s = to_status(e);
  return s.is(store::status::code::not_found);
}

// Reads the live object (kind, ns, name) with uid `uid`, lets `change` edit a copy and writes it
// back conditionally if `change` returned true. A different uid means the object is gone.
void modify(self_ptr self, const graph_node& target, std::function<bool(Message&)> change, done_fn done) {
  auto& opts = self->state.opts;
  auto store = opts.store;
  auto timeout = opts.request_timeout;
  auto uid = target.uid;
  const auto* kind = target.kind;
  self->request(store, timeout, store_get{kind, target.ns, target.name})
    .then(
      [=](store::stored_object& live) {
        if (store::object_meta(*live.object).uid() != uid) {
          done(true);
          return;
        }
        std::shared_ptr<Message> copy(live.object->New());
        copy->CopyFrom(*live.object);
        if (!change(*copy)) {
          done(true);
          return;
        }
        self->request(store, timeout, store_update{kind, copy})
          .then([=](store::write_result&) { done(true); }, [=](caf::error& e) { done(benign(e)); });
      },
      [=](caf::error& e) { done(benign(e)); });
}

void remove_object(self_ptr self, const graph_node& target, done_fn done) {
  auto& opts = self->state.opts;
  auto store = opts.store;
  auto timeout = opts.request_timeout;
  graph_node t = target;
  // Pods are deleted as the API deletes them (at once when not on a node).
  self->request(store, timeout, store_get{t.kind, t.ns, t.name})
    .then(
      [=](store::stored_object& live) {
        store_remove r{t.kind, t.ns, t.name, {}};
        r.options.uid = t.uid;
        if (live.object->GetDescriptor() == core::v1::Pod::descriptor())
          r.options.grace_period_seconds = pod_deletion_grace(static_cast<const core::v1::Pod&>(*live.object));
        self->request(store, timeout, std::move(r))
          .then([=](store::write_result&) { done(true); }, [=](caf::error& e) { done(benign(e)); });
      },
      [=](caf::error& e) { done(benign(e)); });
}

bool add_finalizer(Message& m, const std::string& f) {
  auto* meta = store::mutable_object_meta(m);
  for (const auto& x : meta->finalizers())
    if (x == f)
      return false;
  meta->add_finalizers(f);
  return true;
}

bool drop_finalizer(Message& m, const std::string& f) {
  auto* meta = store::mutable_object_meta(m);
  auto* list = meta->mutable_finalizers();
  auto before = list->size();
  list->erase(std::remove(list->begin(), list->end(), f), list->end());
  return list->size() != before;
}

bool drop_owner_refs(Message& m, const std::vector<std::string>& uids) {
  auto* refs = store::mutable_object_meta(m)->mutable_ownerreferences();
  auto before = refs->size();
  for (int i = refs->size() - 1; i >= 0; --i)
    if (std::find(uids.begin(), uids.end(), refs->Get(i).uid()) != uids.end())
      refs->DeleteSubrange(i, 1);
  return refs->size() != before;
}

void apply(self_ptr self, const gc_action& a, done_fn done) {
  const auto* node = self->state.graph.find(a.uid);
  if (node == nullptr) {
    done(true);  // gone meanwhile
    return;
  }
  switch (a.type) {
    case gc_action_type::delete_background:
      remove_object(self, *node, done);
      return;
    case gc_action_type::delete_foreground: {
      graph_node t = *node;
      modify(self, t, [](Message& m) { return add_finalizer(m, "foregroundDeletion"); },
             [=](bool ok) {
               if (!ok)
                 done(false);
               else
                 remove_object(self, t, done);
             });
      return;
    }
    case gc_action_type::drop_owner_refs: {
      auto uids = a.owner_uids;
      modify(self, *node, [uids](Message& m) { return drop_owner_refs(m, uids); }, done);
      return;
    }
    case gc_action_type::remove_finalizer: {
      auto f = a.finalizer;
      modify(self, *node, [f](Message& m) { return drop_finalizer(m, f); }, done);
      return;
    }
  }
}

// Applies `actions` one after the other (orphaning: every dependent before the finalizer).
void apply_all(self_ptr self, std::shared_ptr<std::vector<gc_action>> actions, size_t i, done_fn done) {
  if (i >= actions->size()) {
    done(true);
    return;
  }
  apply(self, (*actions)[i], [=](bool ok) {
    if (!ok)
      done(false);
    else
      apply_all(self, actions, i + 1, done);
  });
}

void evaluate(self_ptr self, const std::string& uid) {
  auto& st = self->state;
  const auto* found = st.graph.find(uid);
  auto done = [=](bool ok) { finish(self, uid, ok); };
  if (found == nullptr) {
    done(true);
    return;
  }
  const graph_node n = *found;
  if (n.deleting_orphan() || n.deleting_foreground()) {
    auto plan = plan_for_deleting_owner(n, st.graph.dependents_of(uid));
    for (const auto& d : plan.dirty)
      mark(self, d);
    apply_all(self, std::make_shared<std::vector<gc_action>>(std::move(plan.actions)), 0, done);
    return;
  }
  if (n.being_deleted || n.owners.empty()) {
    done(true);
    return;
  }
  // Owner states: from the graph, else live from the store.
  auto states = std::make_shared<std::map<std::string, owner_state>>();
  auto left = std::make_shared<size_t>(1);  // one for this loop, released below
  auto failed = std::make_shared<bool>(false);
  auto arrived = [=]() {
    if (--*left > 0)
      return;
    if (*failed) {
      done(false);
      return;
    }
    const bool has_dependents = !self->state.graph.dependents_of(uid).empty();
    auto actions = plan_for_dependent(n, *states, has_dependents);
    apply_all(self, std::make_shared<std::vector<gc_action>>(std::move(actions)), 0, done);
  };
  for (const auto& ref : n.owners) {
    if (const auto* owner = st.graph.find(ref.uid)) {
      (*states)[ref.uid] = classify_owner(*owner);
      continue;
    }
    const auto* k = config::find_kind(ref.api_version, ref.kind);
    if (k == nullptr) {
      (*states)[ref.uid] = owner_state::unknown;
      continue;
    }
    const auto& storage = config::storage_kind(*k);
    ++*left;
    auto r = ref;
    self->request(st.opts.store, st.opts.request_timeout,
                  store_get{&storage, storage.namespaced ? n.ns : "", ref.name})
      .then(
        [=](store::stored_object& live) {
          (*states)[r.uid] = classify_owner(r, &store::object_meta(*live.object));
          arrived();
        },
        [=](caf::error& e) {
          if (to_status(e).is(store::status::code::not_found))
            (*states)[r.uid] = classify_owner(r, nullptr);
          else
            *failed = true;
          arrived();
        });
  }
  arrived();
}

void subscribe(self_ptr self, const config::kind_info* kind) {
  auto& st = self->state;
  store_subscribe s{kind, "", 0, caf::actor_cast<caf::actor>(self), true};
  self->request(st.opts.store, st.opts.request_timeout, std::move(s))
    .then([=](uint64_t id) { self->state.subscriptions[id] = kind; },
          [=](caf::error&) { self->delayed_send(self, std::chrono::seconds(1), resubscribe_atom::value, kind->kind, kind->api_version()); });
}

void on_batch(self_ptr self, watch_batch& b) {
  auto& st = self->state;
  auto sub = st.subscriptions.find(b.subscription);
  if (sub == st.subscriptions.end())
    return;
  const auto* kind = sub->second;
  for (const auto& e : b.events) {
    std::set<std::string> dirty;
    switch (e.type) {
      case store::watch_event_type::added:
      case store::watch_event_type::modified:
        if (auto u = st.unconfirmed.find(kind); u != st.unconfirmed.end())
          u->second.erase(store::object_meta(*e.object).uid());
        dirty = st.graph.upsert(*kind, store::object_meta(*e.object));
        break;
      case store::watch_event_type::deleted:
        dirty = st.graph.remove(store::object_meta(*e.object).uid());
        break;
      case store::watch_event_type::bookmark:
        st.synced.insert(kind);
        if (auto u = st.unconfirmed.find(kind); u != st.unconfirmed.end()) {
          for (const auto& gone : u->second)
            for (const auto& d : st.graph.remove(gone))
              dirty.insert(d);
          st.unconfirmed.erase(u);
        }
        break;
      case store::watch_event_type::error:
        break;
    }
    for (const auto& uid : dirty)
      mark(self, uid);
  }
  if (b.closed) {
    // Subscribe again from scratch: the initial events re-add what exists; what they do not
    // re-add by their end was deleted while the watch was lost (removed then, see bookmark).
    st.subscriptions.erase(sub);
    st.synced.erase(kind);
    auto uids = st.graph.uids_of(*kind);
    st.unconfirmed[kind] = std::set<std::string>(uids.begin(), uids.end());
    subscribe(self, kind);
  }
  start_next(self);
}

caf::behavior garbage_collector(self_ptr self, garbage_collector_options opts) {
  self->state.opts = std::move(opts);
  for (const auto* k : collected_kinds())
    subscribe(self, k);
  return {
    [=](watch_batch& b) { on_batch(self, b); },
    [=](retry_atom, const std::string& uid) {
      mark(self, uid);
      start_next(self);
    },
    [=](resubscribe_atom, const std::string& kind, const std::string& api_version) {
      if (const auto* k = config::find_kind(api_version, kind))
        subscribe(self, &config::storage_kind(*k));
    },
  };
}

} // namespace

caf::actor spawn_garbage_collector(caf::actor_system& sys, garbage_collector_options options) {
  return sys.spawn(garbage_collector, std::move(options));
}

} // namespace troupe::controllers
