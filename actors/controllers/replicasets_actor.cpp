#include "actors/controllers/replicasets_actor.hpp"

#include <caf/all.hpp>

#include <map>
#include <set>

#include "actors/controllers/namespace_cleanup.hpp"
#include "actors/controllers/namespace_controller_actor.hpp"
#include "actors/controllers/replicaset_actor.hpp"
#include "config/label_selector.hpp"
#include "store/object_meta.hpp"

namespace troupe::controllers {

using namespace troupe::protocol;

namespace {

namespace v1 = troupe::core::v1;
using rs_ptr = std::shared_ptr<const apps::v1::ReplicaSet>;

const config::kind_info& pods_kind() { return *config::find_kind("v1", "Pod"); }
const config::kind_info& replicasets_kind() { return *config::find_kind("apps/v1", "ReplicaSet"); }

struct set_entry {
  rs_ptr rs;
  config::label_selector selector;
  std::string selector_text;
  replicaset_actor_type actor;  // null until both watches are synced
};

struct pod_entry {
  pod_ptr pod;
  std::set<std::string> routed;  // keys of the ReplicaSets it concerns
};

// One watch: its subscription, whether its initial events are in, and after a lost watch what
// is not confirmed again yet.
struct watch_state {
  uint64_t id = 0;
  unsigned failures = 0;
  bool synced = false;
  bool relisting = false;
  std::set<std::string> unconfirmed;  // ReplicaSet keys or pod uids
};

struct replicasets_state {
  static inline const char* name = "replicasets";
  replicasets_options opts;
  watch_state sets_watch;
  watch_state pods_watch;
  bool started = false;
  std::map<std::string, set_entry> sets;           // by ns/name
  std::map<std::string, std::string> key_of_uid;   // ReplicaSet uid -> ns/name
  std::map<std::string, pod_entry> pods;           // by uid
  uint64_t spawned = 0;
};

using self_ptr = replicasets_actor_type::stateful_pointer<replicasets_state>;

std::string key_of(const meta::ObjectMeta& m) { return m.namespace_() + "/" + m.name(); }

// The ReplicaSets (keys) a pod concerns now.
std::set<std::string> targets(self_ptr self, const v1::Pod& pod) {
  auto& st = self->state;
  std::set<std::string> out;
  const auto& m = pod.metadata();
  if (const auto* ref = controller_of(m)) {
    if (ref->kind() != "ReplicaSet" || ref->apiversion().rfind("apps/", 0) != 0)
      return out;
    if (auto i = st.key_of_uid.find(ref->uid()); i != st.key_of_uid.end())
      out.insert(i->second);
    return out;
  }
  if (m.has_deletiontimestamp())
    return out;
  const std::string prefix = m.namespace_() + "/";
  for (auto i = st.sets.lower_bound(prefix); i != st.sets.end() && i->first.rfind(prefix, 0) == 0; ++i)
    if (i->second.selector.matches(m.labels()))
      out.insert(i->first);
  return out;
}

// The pods that concern `key` (routing updated), for a new or re-selected ReplicaSet.
std::vector<pod_ptr> snapshot(self_ptr self, const std::string& key) {
  std::vector<pod_ptr> out;
  for (auto& [uid, e] : self->state.pods) {
    if (targets(self, *e.pod).count(key)) {
      e.routed.insert(key);
      out.push_back(e.pod);
    } else {
      e.routed.erase(key);
    }
  }
  return out;
}

void send_set(self_ptr self, const std::string& key, bool with_pods) {
  auto& e = self->state.sets.at(key);
  replicaset_seen msg{e.rs, std::nullopt};
  if (with_pods)
    msg.pods = snapshot(self, key);
  self->send(e.actor, std::move(msg));
}

void start_actor(self_ptr self, const std::string& key) {
  auto& st = self->state;
  auto& e = st.sets.at(key);
  replicaset_options o;
  o.store = st.opts.store;
  o.clock = st.opts.clock;
  o.admission = st.opts.admission;
  o.request_timeout = st.opts.request_timeout;
  o.expectations_ttl = st.opts.expectations_ttl;
  o.seed = st.opts.seed != 0 ? st.opts.seed + ++st.spawned : 0;
  e.actor = spawn_linked_replicaset(self, std::move(o), key);
  send_set(self, key, true);
}

void set_gone(self_ptr self, const std::string& key) {
  auto& st = self->state;
  auto i = st.sets.find(key);
  if (i == st.sets.end())
    return;
  if (i->second.actor)
    self->send(i->second.actor, rs_drop_atom::value);
  st.key_of_uid.erase(i->second.rs->metadata().uid());
  st.sets.erase(i);
}

void set_seen(self_ptr self, rs_ptr rs) {
  auto& st = self->state;
  const auto key = key_of(rs->metadata());
  st.sets_watch.unconfirmed.erase(key);
  if (auto i = st.sets.find(key); i != st.sets.end() && i->second.rs->metadata().uid() != rs->metadata().uid())
    set_gone(self, key);  // deleted and created again under the same name
  auto sel = config::label_selector_from_proto(rs->spec().has_selector() ? &rs->spec().selector() : nullptr);
  auto selector = sel ? *sel.value : config::label_selector::nothing();
  auto text = selector.matches_nothing() ? std::string("<nothing>") : selector.to_string();
  auto& e = st.sets[key];
  const bool reselected = e.rs && e.selector_text != text;
  e.rs = std::move(rs);
  e.selector = std::move(selector);
  e.selector_text = std::move(text);
  st.key_of_uid[e.rs->metadata().uid()] = key;
  if (!st.started)
    return;
  if (!e.actor)
    start_actor(self, key);
  else
    send_set(self, key, reselected);
}

void pod_seen(self_ptr self, pod_ptr pod) {
  auto& st = self->state;
  const auto uid = pod->metadata().uid();
  st.pods_watch.unconfirmed.erase(uid);
  auto& e = st.pods[uid];
  e.pod = pod;
  if (!st.started)
    return;
  auto now = targets(self, *pod);
  for (const auto& key : now)
    e.routed.insert(key);
  for (const auto& key : e.routed) {
    auto s = st.sets.find(key);
    if (s != st.sets.end() && s->second.actor)
      self->send(s->second.actor, replicaset_pod_seen{uid, now.count(key) ? pod : nullptr});
  }
  e.routed = std::move(now);
}

void pod_gone(self_ptr self, const std::string& uid) {
  auto& st = self->state;
  auto i = st.pods.find(uid);
  if (i == st.pods.end())
    return;
  auto routed = std::move(i->second.routed);
  st.pods.erase(i);
  if (!st.started)
    return;
  for (const auto& key : routed) {
    auto s = st.sets.find(key);
    if (s != st.sets.end() && s->second.actor)
      self->send(s->second.actor, replicaset_pod_seen{uid, nullptr});
  }
}

void maybe_start(self_ptr self) {
  auto& st = self->state;
  if (st.started || !st.sets_watch.synced || !st.pods_watch.synced)
    return;
  st.started = true;
  for (const auto& entry : st.sets)
    start_actor(self, entry.first);
}

void subscribe(self_ptr self, bool sets) {
  auto& st = self->state;
  store_subscribe s{sets ? &replicasets_kind() : &pods_kind(), "", 0,
                    caf::actor_cast<caf::actor>(self), true};
  self->request(st.opts.store, st.opts.request_timeout, std::move(s))
    .then(
      [=](uint64_t id) {
        auto& w = sets ? self->state.sets_watch : self->state.pods_watch;
        w.id = id;
        w.failures = 0;
      },
      [=](caf::error&) {
        auto& w = sets ? self->state.sets_watch : self->state.pods_watch;
        self->delayed_send(self, retry_backoff(++w.failures), replicasets_resubscribe_atom::value,
                           sets);
      });
}

void on_bookmark(self_ptr self, bool sets) {
  auto& st = self->state;
  auto& w = sets ? st.sets_watch : st.pods_watch;
  w.synced = true;
  if (w.relisting) {
    w.relisting = false;
    for (const auto& gone : std::set<std::string>(std::move(w.unconfirmed))) {
      if (sets)
        set_gone(self, gone);
      else
        pod_gone(self, gone);
    }
    w.unconfirmed.clear();
  }
  maybe_start(self);
}

void on_batch(self_ptr self, watch_batch& b) {
  auto& st = self->state;
  const bool sets = b.subscription == st.sets_watch.id;
  if (!sets && b.subscription != st.pods_watch.id)
    return;  // an earlier subscription's
  for (const auto& e : b.events) {
    switch (e.type) {
      case store::watch_event_type::added:
      case store::watch_event_type::modified:
        if (sets)
          set_seen(self, std::static_pointer_cast<const apps::v1::ReplicaSet>(e.object));
        else
          pod_seen(self, std::static_pointer_cast<const v1::Pod>(e.object));
        break;
      case store::watch_event_type::deleted:
        if (sets)
          set_gone(self, key_of(store::object_meta(*e.object)));
        else
          pod_gone(self, store::object_meta(*e.object).uid());
        break;
      case store::watch_event_type::bookmark:
        on_bookmark(self, sets);
        break;
      case store::watch_event_type::error:
        break;
    }
  }
  if (!b.closed)
    return;
  auto& w = sets ? st.sets_watch : st.pods_watch;
  w.id = 0;
  w.relisting = true;
  w.unconfirmed.clear();
  if (sets) {
    for (const auto& entry : st.sets)
      w.unconfirmed.insert(entry.first);
  } else {
    for (const auto& entry : st.pods)
      w.unconfirmed.insert(entry.first);
  }
  subscribe(self, sets);
}

replicasets_actor_type::behavior_type replicasets(self_ptr self, replicasets_options opts) {
  if (!opts.clock)
    opts.clock = wall_clock_now;
  self->state.opts = std::move(opts);
  subscribe(self, true);
  subscribe(self, false);
  return {
    [=](watch_batch& b) { on_batch(self, b); },
    [=](replicasets_resubscribe_atom, bool sets) { subscribe(self, sets); },
  };
}

} // namespace

replicasets_actor_type spawn_replicasets(caf::actor_system& sys, replicasets_options options) {
  return sys.spawn(replicasets, std::move(options));
}

} // namespace troupe::controllers
