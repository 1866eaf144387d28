// Over 400 lines: one actor's shell — the Node's read-modify-write, the pods' writes and the
// timer share one state and must see each other's changes in order; the decisions themselves are
// in node_health.cpp and taint_eviction.cpp.
#include "actors/controllers/node_monitor_actor.hpp"


#include <caf/all.hpp>

#include <map>
#include <optional>
#include <set>

#include "actors/controllers/record_event.hpp"
#include "actors/controllers/lifecycle_events.hpp"
#include "actors/controllers/namespace_cleanup.hpp"
#include "actors/controllers/taint_eviction.hpp"

namespace troupe::controllers {

using namespace troupe::protocol;
using code = store::status::code;

namespace {

namespace v1 = troupe::core::v1;

const config::kind_info& nodes_kind() { return *config::find_kind("v1", "Node"); }
const config::kind_info& pods_kind() { return *config::find_kind("v1", "Pod"); }

struct pod_work {
  bool in_flight = false;
  bool dirty = false;  // changed while in flight: look again at the end
  unsigned failures = 0;
};

struct node_monitor_state {
  static inline const char* name = "node_monitor";
  node_monitor_options opts;
  std::string node_name;
  std::shared_ptr<const v1::Node> node;  // null: not seen yet, or deleted
  heartbeat_observation seen;
  no_execute_policy policy = no_execute_policy::hold;  // the controller's leave to add NoExecute
  bool node_in_flight = false;  // a write that finds more to do plans again when it ends
  unsigned node_failures = 0;
  unsigned writes_in_row = 0;  // own Node writes since the last watch event (hot-loop guard)
  std::map<std::string, std::shared_ptr<const v1::Pod>> pods;  // by uid
  std::map<std::string, pod_work> work;
  std::set<std::string> scheduled;  // pods with an eviction at a later time
  std::map<std::string, config::timestamp> untimed;  // NoExecute taints without timeAdded: seen
  std::optional<config::timestamp> wake_at;
  uint64_t wake_generation = 0;
  int64_t last_event_ns = 0;
};

using self_ptr = node_monitor_actor_type::stateful_pointer<node_monitor_state>;

void reconcile(self_ptr self);
void act_on_pod(self_ptr self, const std::string& uid);

std::shared_ptr<const v1::Node> as_node(const store::stored_object& o) {
  return std::static_pointer_cast<const v1::Node>(o.object);
}

config::timestamp event_time(self_ptr self) {
  return unique_event_time(self->state.opts.clock(), self->state.last_event_ns);
}

void record(self_ptr self, v1::Event event) {
  record_event(self, self->state.opts.store, self->state.opts.request_timeout, std::move(event));
}

bool has_no_execute_taint(const v1::Node& node) {
  for (const auto& t : node.spec().taints())
    if (t.effect() == "NoExecute")
      return true;
  return false;
}

bool unreachable(self_ptr self) {
  return self->state.node && ready_status(*self->state.node) == "Unknown";
}

// First-seen times of the node's NoExecute taints without timeAdded; the latest one (or now).
config::timestamp untimed_since(self_ptr self, config::timestamp now) {
  auto& st = self->state;
  std::map<std::string, config::timestamp> kept;
  std::optional<config::timestamp> latest;
  if (st.node)
    for (const auto& t : st.node->spec().taints()) {
      if (t.effect() != "NoExecute" || t.has_timeadded())
        continue;
      auto key = t.key() + "=" + t.value();
      auto i = st.untimed.find(key);
      auto since = i != st.untimed.end() ? i->second : now;
      kept[key] = since;
      if (!latest || earlier(*latest, since))
        latest = since;
    }
  st.untimed = std::move(kept);
  return latest ? *latest : now;
}

void arm(self_ptr self, std::optional<config::timestamp> next, config::timestamp now) {
  auto& st = self->state;
  // Only ever earlier: a timer that fires early just plans again and arms the next one.
  if (!next || (st.wake_at && !earlier(*next, *st.wake_at)))
    return;
  st.wake_at = next;
  auto delay = std::max(between(now, *next) + std::chrono::milliseconds(1), st.opts.min_wakeup);
  self->delayed_send(self, delay, wake_atom::value, ++st.wake_generation);
}

// ---- the Node

void node_done(self_ptr self, bool ok, bool at_once) {
  auto& st = self->state;
  st.node_in_flight = false;
  if (!ok) {
    ++st.node_failures;
    if (at_once && st.node_failures < 5)
      self->send(self, node_retry_atom::value);
    else
      self->delayed_send(self, retry_backoff(st.node_failures), node_retry_atom::value);
    return;
  }
  st.node_failures = 0;
  reconcile(self);
}

// Read the Node, plan on what was read, write the plan (conditional on resourceVersion).
void write_node(self_ptr self) {
  auto& st = self->state;
  if (st.node_in_flight)
    return;
  st.node_in_flight = true;
  self->request(st.opts.store, st.opts.request_timeout, store_get{&nodes_kind(), "", st.node_name})
    .then(
      [=](store::stored_object& got) {
        auto& s = self->state;
        s.node = as_node(got);
        const auto now = s.opts.clock();
        s.seen = observe_heartbeat(s.seen, *s.node, now);
        auto plan = plan_node_health(*s.node, s.seen, now, s.opts.health, s.policy);
        if (!plan.update) {
          node_done(self, true, false);
          return;
        }
        const bool was_ready = ready_status(*s.node) == "True";
        auto obj = std::make_shared<v1::Node>(std::move(*plan.update));
        ++s.writes_in_row;
        self->request(s.opts.store, s.opts.request_timeout, store_update{&nodes_kind(), obj})
          .then(
            [=](store::write_result& r) {
              self->state.node = as_node(r.object);
              if (was_ready && ready_status(*self->state.node) == "Unknown")
                record(self, node_status_event(*self->state.node, "NodeNotReady", event_time(self)));
              node_done(self, true, false);
            },
            [=](caf::error& e) {
              auto s = to_status(e);
              if (s.is(code::not_found))
                node_done(self, true, false);  // deleted meanwhile: its DELETED event follows
              else
                node_done(self, false, s.is(code::conflict));
            });
      },
      [=](caf::error& e) {
        if (to_status(e).is(code::not_found)) {
          self->state.node.reset();
          node_done(self, true, false);
        } else {
          node_done(self, false, false);
        }
      });
}

// ---- pods

void pod_done(self_ptr self, const std::string& uid, bool ok, bool at_once) {
  auto& st = self->state;
  auto& w = st.work[uid];
  w.in_flight = false;
  if (!ok) {
    ++w.failures;
    if (at_once && w.failures < 5)
      self->send(self, pod_retry_atom::value, uid);
    else
      self->delayed_send(self, retry_backoff(w.failures), pod_retry_atom::value, uid);
    return;
  }
  w.failures = 0;
  if (w.dirty) {
    w.dirty = false;
    act_on_pod(self, uid);
  } else {
    st.work.erase(uid);
  }
}

// What a pod needs now: marking not ready, eviction now, or an eviction later (returned).
struct pod_need {
  bool mark = false;
  bool evict = false;
  std::optional<config::timestamp> later;
};

pod_need need_of(self_ptr self, const v1::Pod& pod, config::timestamp now) {
  pod_need n;
  auto& st = self->state;
  if (!st.node)
    return n;
  n.mark = unreachable(self) && pod_marked_not_ready(pod, now).has_value();
  if (!evictable(pod))
    return n;
  auto d = decide_eviction(st.node->spec().taints(), pod.spec().tolerations(), now,
                           untimed_since(self, now));
  n.evict = d.what == eviction_decision::action::evict_now;
  if (d.what == eviction_decision::action::evict_at)
    n.later = d.at;
  return n;
}

// Looks at one pod from the view (no store read unless something is to be written).
std::optional<config::timestamp> reconcile_pod(self_ptr self, const std::string& uid,
                                               config::timestamp now) {
  auto& st = self->state;
  auto i = st.pods.find(uid);
  if (i == st.pods.end())
    return std::nullopt;
  auto need = need_of(self, *i->second, now);
  if (need.later) {
    st.scheduled.insert(uid);
  } else if (!need.evict && st.scheduled.erase(uid) > 0) {
    record(self, eviction_event(*i->second, true, event_time(self)));
  }
  if (need.mark || need.evict)
    act_on_pod(self, uid);
  return need.later;
}

void remove_pod(self_ptr self, const std::string& uid, std::shared_ptr<const v1::Pod> pod) {
  auto& st = self->state;
  store_remove r{&pods_kind(), pod->metadata().namespace_(), pod->metadata().name(), {}};
  r.options.uid = uid;
  r.options.grace_period_seconds = pod_deletion_grace(*pod);
  self->request(st.opts.store, st.opts.request_timeout, std::move(r))
    .then(
      [=](store::write_result&) {
        self->state.scheduled.erase(uid);
        record(self, eviction_event(*pod, false, event_time(self)));
        pod_done(self, uid, true, false);
      },
      [=](caf::error& e) {
        auto s = to_status(e);
        pod_done(self, uid, s.is(code::not_found), s.is(code::conflict));
      });
}

// Read the pod, decide on what was read, write its status, then (eviction) delete it.
void act_on_pod(self_ptr self, const std::string& uid) {
  auto& st = self->state;
  auto i = st.pods.find(uid);
  if (i == st.pods.end())
    return;
  auto& w = st.work[uid];
  if (w.in_flight) {
    w.dirty = true;
    return;
  }
  w.in_flight = true;
  const auto& meta = i->second->metadata();
  self->request(st.opts.store, st.opts.request_timeout,
                store_get{&pods_kind(), meta.namespace_(), meta.name()})
    .then(
      [=](store::stored_object& got) {
        auto& s = self->state;
        auto current = std::static_pointer_cast<const v1::Pod>(got.object);
        if (current->metadata().uid() != uid || current->spec().nodename() != s.node_name) {
          pod_done(self, uid, true, false);  // another pod by now; its own events follow
          return;
        }
        const auto now = s.opts.clock();
        auto need = need_of(self, *current, now);
        auto next = std::make_shared<v1::Pod>(*current);
        bool changed = false;
        if (need.mark) {
          if (auto m = pod_marked_not_ready(*next, now)) {
            *next = std::move(*m);
            changed = true;
          }
        }
        if (need.evict) {
          if (auto e = evicted_pod_status(*next, s.node_name, unreachable(self), now)) {
            *next = std::move(*e);
            changed = true;
          }
        }
        if (!changed) {
          if (need.evict)
            remove_pod(self, uid, current);
          else
            pod_done(self, uid, true, false);
          return;
        }
        self->request(s.opts.store, s.opts.request_timeout, store_update{&pods_kind(), next})
          .then(
            [=](store::write_result& r) {
              if (need.mark)
                record(self, pod_not_ready_event(*next, event_time(self)));
              if (need.evict)
                remove_pod(self, uid, std::static_pointer_cast<const v1::Pod>(r.object.object));
              else
                pod_done(self, uid, true, false);
            },
            [=](caf::error& e) {
              auto s = to_status(e);
              pod_done(self, uid, s.is(code::not_found), s.is(code::conflict));
            });
      },
      [=](caf::error& e) { pod_done(self, uid, to_status(e).is(code::not_found), false); });
}

// ---- the whole node

void reconcile(self_ptr self) {
  auto& st = self->state;
  const auto now = st.opts.clock();
  if (!st.node)
    return;
  st.seen = observe_heartbeat(st.seen, *st.node, now);
  auto plan = plan_node_health(*st.node, st.seen, now, st.opts.health, st.policy);
  if (plan.update) {
    if (st.writes_in_row >= 3) {  // our writes do not settle the plan: no hot loop
      self->delayed_send(self, retry_backoff(st.writes_in_row), node_retry_atom::value);
      return;
    }
    write_node(self);  // the pods are looked at when the write is in
    return;
  }
  std::optional<config::timestamp> next = plan.deadline;
  // Most calls are heartbeats of a healthy node: then no pod has anything to do.
  if (plan.ready == "Unknown" || !st.scheduled.empty() || has_no_execute_taint(*st.node)) {
    for (const auto& entry : st.pods) {  // reconcile_pod only sends requests: no erase here
      auto later = reconcile_pod(self, entry.first, now);
      if (later && (!next || earlier(*later, *next)))
        next = later;
    }
  }
  arm(self, next, now);
}

node_monitor_actor_type::behavior_type node_monitor(self_ptr self, node_monitor_options opts,
                                                    std::string node_name) {
  self->state.opts = std::move(opts);
  self->state.node_name = std::move(node_name);
  return {
    [=](node_seen& n) {
      auto& st = self->state;
      st.node = std::move(n.node);
      st.writes_in_row = 0;
      if (!st.node) {
        st.scheduled.clear();  // nothing evicts from a deleted node (PodGC's business)
        return;
      }
      reconcile(self);
    },
    [=](pod_seen& p) {
      auto& st = self->state;
      if (p.deleted) {
        st.pods.erase(p.uid);
        st.scheduled.erase(p.uid);
        if (auto w = st.work.find(p.uid); w != st.work.end() && !w->second.in_flight)
          st.work.erase(w);  // a retry pending for it finds nothing to do
        return;
      }
      st.pods[p.uid] = std::move(p.pod);
      if (st.node && !st.node_in_flight) {
        const auto now = st.opts.clock();
        arm(self, reconcile_pod(self, p.uid, now), now);
      }
    },
    [=](check_atom) {
      reconcile(self);
      return true;
    },
    [=](drop_atom) { self->quit(); },
    [=](no_execute_atom, int32_t policy) {
      self->state.policy = static_cast<no_execute_policy>(policy);
      reconcile(self);
    },
    [=](wake_atom, uint64_t generation) {
      if (generation != self->state.wake_generation)
        return;
      self->state.wake_at.reset();
      reconcile(self);
    },
    [=](node_retry_atom) {
      if (self->state.node_in_flight)
        return;
      if (self->state.node_failures > 0)
        write_node(self);
      else
        reconcile(self);
    },
    [=](pod_retry_atom, const std::string& uid) {
      if (self->state.pods.count(uid))
        act_on_pod(self, uid);
      else
        self->state.work.erase(uid);
    },
  };
}

} // namespace

node_monitor_actor_type spawn_linked_node_monitor(caf::local_actor* parent,
                                                  node_monitor_options options,
                                                  std::string node_name) {
  return parent->spawn<caf::linked>(node_monitor, std::move(options), std::move(node_name));
}

} // namespace troupe::controllers
