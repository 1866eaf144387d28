#include "actors/controllers/node_lifecycle_actor.hpp"

#include <caf/all.hpp>

#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "actors/controllers/namespace_cleanup.hpp"
#include "actors/controllers/namespace_controller_actor.hpp"
#include "store/object_meta.hpp"

namespace troupe::controllers {

using namespace troupe::protocol;

namespace {

namespace v1 = troupe::core::v1;

const config::kind_info& nodes_kind() { return *config::find_kind("v1", "Node"); }
const config::kind_info& pods_kind() { return *config::find_kind("v1", "Pod"); }

struct node_entry {
  node_monitor_actor_type monitor;
  bool exists = false;           // the Node is in the store
  std::set<std::string> pods;    // uids bound to it
  // Zones (zone_disruption.hpp), from the Node last seen.
  std::string zone;
  std::string ready;             // Ready's status ("" when none)
  bool tainted = false;          // has the NoExecute taint its Ready calls for
  bool granted = false;          // its turn in the zone's queue came; until tainted or Ready
  no_execute_policy policy = no_execute_policy::hold;  // as last told to its monitor
};

struct zone_entry {
  taint_queue queue;
};

// One watch: its subscription, and after a lost watch what is not confirmed again yet.
struct watch_state {
  uint64_t id = 0;
  unsigned failures = 0;
  bool relisting = false;
  std::set<std::string> unconfirmed;  // node names or pod uids
};

struct node_lifecycle_state {
  static inline const char* name = "node_lifecycle";
  node_lifecycle_options opts;
  watch_state nodes;
  watch_state pods;
  std::map<std::string, node_entry> entries;      // by node name
  std::map<std::string, std::string> pod_node;    // pod uid -> node name
  std::map<std::string, zone_entry> zones;
  std::map<std::string, zone_state> zone_states;
  bool master_disruption = false;
  std::optional<config::timestamp> tick_at;
  uint64_t tick_generation = 0;
};

using self_ptr = node_lifecycle_actor_type::stateful_pointer<node_lifecycle_state>;

node_entry& entry(self_ptr self, const std::string& name) {
  auto& e = self->state.entries[name];
  if (!e.monitor) {
    node_monitor_options o;
    o.store = self->state.opts.store;
    o.clock = self->state.opts.clock;
    o.health = self->state.opts.health;
    o.request_timeout = self->state.opts.request_timeout;
    e.monitor = spawn_linked_node_monitor(self, std::move(o), name);
  }
  return e;
}

void maybe_drop(self_ptr self, const std::string& name) {
  auto i = self->state.entries.find(name);
  if (i == self->state.entries.end() || i->second.exists || !i->second.pods.empty())
    return;
  self->send(i->second.monitor, drop_atom::value);
  self->state.entries.erase(i);
}

void leave_queue(self_ptr self, const node_entry& en, const std::string& name) {
  if (auto z = self->state.zones.find(en.zone); z != self->state.zones.end())
    z->second.queue.remove(name);
}

void node_gone(self_ptr self, const std::string& name) {
  auto i = self->state.entries.find(name);
  if (i == self->state.entries.end())
    return;
  leave_queue(self, i->second, name);
  i->second.exists = false;
  i->second.granted = false;
  self->send(i->second.monitor, node_seen{nullptr});
  maybe_drop(self, name);
}

void pod_gone(self_ptr self, const std::string& uid) {
  auto i = self->state.pod_node.find(uid);
  if (i == self->state.pod_node.end())
    return;
  const auto node = i->second;
  self->state.pod_node.erase(i);
  auto e = self->state.entries.find(node);
  if (e == self->state.entries.end())
    return;
  e->second.pods.erase(uid);
  self->send(e->second.monitor, pod_seen{uid, nullptr, true});
  maybe_drop(self, node);
}

void subscribe(self_ptr self, bool nodes) {
  auto& st = self->state;
  store_subscribe s{nodes ? &nodes_kind() : &pods_kind(), "", 0,
                    caf::actor_cast<caf::actor>(self), true};
  self->request(st.opts.store, st.opts.request_timeout, std::move(s))
    .then(
      [=](uint64_t id) {
        auto& w = nodes ? self->state.nodes : self->state.pods;
        w.id = id;
        w.failures = 0;
      },
      [=](caf::error&) {
        auto& w = nodes ? self->state.nodes : self->state.pods;
        self->delayed_send(self, retry_backoff(++w.failures), lifecycle_resubscribe_atom::value,
                           nodes);
      });
}

void on_node_event(self_ptr self, const store::watch_event& e) {
  auto& st = self->state;
  switch (e.type) {
    case store::watch_event_type::added:
    case store::watch_event_type::modified: {
      auto node = std::static_pointer_cast<const v1::Node>(e.object);
      const auto& name = node->metadata().name();
      st.nodes.unconfirmed.erase(name);
      auto& en = entry(self, name);
      en.exists = true;
      if (auto zone = zone_of(*node); zone != en.zone) {
        leave_queue(self, en, name);
        en.zone = std::move(zone);
      }
      en.ready = ready_status(*node);
      en.tainted = has_condition_no_execute_taint(*node);
      self->send(en.monitor, node_seen{std::move(node)});
      return;
    }
    case store::watch_event_type::deleted:
      node_gone(self, store::object_meta(*e.object).name());
      return;
    case store::watch_event_type::bookmark:
      if (st.nodes.relisting) {
        st.nodes.relisting = false;
        for (const auto& name : std::set<std::string>(std::move(st.nodes.unconfirmed)))
          node_gone(self, name);
        st.nodes.unconfirmed.clear();
      }
      return;
    case store::watch_event_type::error:
      return;
  }
}

void on_pod_event(self_ptr self, const store::watch_event& e) {
  auto& st = self->state;
  switch (e.type) {
    case store::watch_event_type::added:
    case store::watch_event_type::modified: {
      auto pod = std::static_pointer_cast<const v1::Pod>(e.object);
      const auto& uid = pod->metadata().uid();
      st.pods.unconfirmed.erase(uid);
      const auto& node = pod->spec().nodename();
      if (node.empty())
        return;
      st.pod_node[uid] = node;
      auto& en = entry(self, node);
      en.pods.insert(uid);
      self->send(en.monitor, pod_seen{uid, std::move(pod), false});
      return;
    }
    case store::watch_event_type::deleted:
      pod_gone(self, store::object_meta(*e.object).uid());
      return;
    case store::watch_event_type::bookmark:
      if (st.pods.relisting) {
        st.pods.relisting = false;
        for (const auto& uid : std::set<std::string>(std::move(st.pods.unconfirmed)))
          pod_gone(self, uid);
        st.pods.unconfirmed.clear();
      }
      return;
    case store::watch_event_type::error:
      return;
  }
}

void arm_tick(self_ptr self, config::timestamp at, config::timestamp now) {
  auto& st = self->state;
  if (st.tick_at && !earlier(at, *st.tick_at))
    return;
  st.tick_at = at;
  auto delay = std::max(between(now, at) + std::chrono::milliseconds(1),
                        std::chrono::milliseconds(20));
  self->delayed_send(self, delay, lifecycle_tick_atom::value, ++st.tick_generation);
}

// handleDisruption and the NoExecute tainting pass over every node (zone_disruption.hpp); tells
// the monitors whose leave changed.
void disruption_pass(self_ptr self) {
  auto& st = self->state;
  const auto now = st.opts.clock();
  std::map<std::string, zone_health> health;
  for (const auto& [name, en] : st.entries)
    if (en.exists)
      ++(en.ready == "True" ? health[en.zone].ready : health[en.zone].not_ready);
  auto plan = plan_disruption(st.zone_states, health, st.opts.zones);
  for (const auto& line : plan.log)
    st.opts.log(line);
  for (auto z = st.zones.begin(); z != st.zones.end();)
    z = plan.states.count(z->first) ? std::next(z) : st.zones.erase(z);
  for (const auto& [zone, state] : plan.states)
    if (!st.zones.count(zone))  // a new zone's queue starts at the normal rate
      st.zones[zone].queue.set_rate(st.opts.zones.node_eviction_rate, now);
  for (const auto& [zone, rate] : plan.rates)
    st.zones[zone].queue.set_rate(rate, now);
  if (plan.enter_master_disruption) {
    st.master_disruption = true;
    // As markNodeAsReachable: every node leaves its zone's queue and loses a grant not used yet
    // (a grant whose taint had not landed would otherwise taint its node the moment the mode
    // ends, ahead of the rate). Nodes still waiting are queued again below.
    for (auto& [name, en] : st.entries) {
      en.granted = false;
      if (auto z = st.zones.find(en.zone); z != st.zones.end())
        z->second.queue.remove(name);
    }
  }
  if (plan.exit_master_disruption)
    st.master_disruption = false;
  st.zone_states = std::move(plan.states);
  for (auto& [name, en] : st.entries) {
    if (!en.exists)
      continue;
    const bool waiting = (en.ready == "False" || en.ready == "Unknown") && !en.tainted;
    if (!waiting) {
      st.zones[en.zone].queue.remove(name);
      en.granted = false;
    } else if (!en.granted) {
      st.zones[en.zone].queue.add(name, now);
    }
  }
  std::optional<config::timestamp> next;
  for (auto& [zone, z] : st.zones) {
    for (const auto& name : z.queue.release(now))
      if (auto e = st.entries.find(name); e != st.entries.end())
        e->second.granted = true;
    if (auto t = z.queue.next_release(now); t && (!next || earlier(*t, *next)))
      next = t;
  }
  for (auto& [name, en] : st.entries) {
    const auto want = st.master_disruption ? no_execute_policy::clear
                      : en.granted         ? no_execute_policy::allow
                                           : no_execute_policy::hold;
    if (want != en.policy) {
      en.policy = want;
      self->send(en.monitor, no_execute_atom::value, static_cast<int32_t>(want));
    }
  }
  if (next)
    arm_tick(self, *next, now);
}

void on_batch(self_ptr self, watch_batch& b) {
  auto& st = self->state;
  const bool nodes = b.subscription == st.nodes.id;
  if (!nodes && b.subscription != st.pods.id)
    return;  // an earlier subscription's
  for (const auto& e : b.events)
    if (nodes)
      on_node_event(self, e);
    else
      on_pod_event(self, e);
  if (nodes)
    disruption_pass(self);
  if (!b.closed)
    return;
  // Subscribe again from scratch; what the initial events do not bring back was deleted.
  auto& w = nodes ? st.nodes : st.pods;
  w.id = 0;
  w.relisting = true;
  w.unconfirmed.clear();
  if (nodes) {
    for (const auto& [name, en] : st.entries)
      if (en.exists)
        w.unconfirmed.insert(name);
  } else {
    for (const auto& [uid, node] : st.pod_node)
      w.unconfirmed.insert(uid);
  }
  subscribe(self, nodes);
}

node_lifecycle_actor_type::behavior_type node_lifecycle(self_ptr self, node_lifecycle_options opts) {
  if (!opts.clock)
    opts.clock = wall_clock_now;
  if (!opts.log)
    opts.log = [](const std::string& line) { std::cerr << "troupe-server: " << line << std::endl; };
  self->state.opts = std::move(opts);
  subscribe(self, true);
  subscribe(self, false);
  return {
    [=](watch_batch& b) { on_batch(self, b); },
    [=](check_atom) -> caf::result<uint64_t> {
      disruption_pass(self);
      auto rp = self->make_response_promise<uint64_t>();
      const uint64_t total = self->state.entries.size();
      auto left = std::make_shared<uint64_t>(total);
      if (total == 0)
        rp.deliver(uint64_t{0});
      for (const auto& [name, en] : self->state.entries)
        self->request(en.monitor, self->state.opts.request_timeout, check_atom::value)
          .then(
            [=](bool) mutable {
              if (--*left == 0)
                rp.deliver(total);
            },
            [=](caf::error&) mutable {
              if (--*left == 0)
                rp.deliver(total);
            });
      return rp;
    },
    [=](lifecycle_resubscribe_atom, bool nodes) { subscribe(self, nodes); },
    [=](lifecycle_tick_atom, uint64_t generation) {
      if (generation != self->state.tick_generation)
        return;
      self->state.tick_at.reset();
      disruption_pass(self);
    },
  };
}

} // namespace

node_lifecycle_actor_type spawn_node_lifecycle(caf::actor_system& sys,
                                               node_lifecycle_options options) {
  return sys.spawn(node_lifecycle, std::move(options));
}

} // namespace troupe::controllers
