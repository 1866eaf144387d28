// The node actor's connection to its cluster (node_actor.hpp): connect, register, heartbeat,
// reconnect with backoff, and the node status it keeps reporting. Every attempt and every loss
// starts a new generation; answers and timers of an older generation are dropped, so a late reply
// from a dead connection can never overwrite the live one.
#include <caf/io/middleman.hpp>
#include <caf/openssl/manager.hpp>

#include <algorithm>

#include "node-agent/agent/node_actor_state.hpp"
#include "node-agent/runtime/runtime_labels.hpp"

namespace troupe::node_agent {

namespace {

using self_ptr = node_actor_self;
using phase = node_actor_state::phase;

std::string where(self_ptr self) {
  const auto& cfg = self->state.cfg;
  if (cfg.registry_host.empty())
    return "the local node registry";
  return cfg.registry_host + ":" + std::to_string(cfg.registry_port);
}

void connect(self_ptr self);

// Tries again after the current backoff, which then doubles up to its maximum.
void retry(self_ptr self, uint64_t gen, const std::string& why,
           std::chrono::milliseconds at_least = std::chrono::milliseconds(0)) {
  auto& st = self->state;
  if (gen != st.generation)
    return;
  auto wait = std::max(st.backoff, at_least);
  st.log(why + "; retrying in " + std::to_string(wait.count()) + " ms");
  st.backoff = std::min(st.backoff * 2, st.cfg.timing.backoff_max);
  st.ph = phase::disconnected;
  st.flush_scheduled = false;
  auto next = ++st.generation;
  self->delayed_send(self, wait, reconnect_atom::value, next);
}

void forget_connection(self_ptr self) {
  auto& st = self->state;
  if (st.registry)
    self->demonitor(st.registry.address());
  if (st.session)
    self->demonitor(st.session.address());
  st.registry = protocol::node_registry_actor{};
  st.session = protocol::node_session_actor{};
}

void lose_connection(self_ptr self, const std::string& why) {
  auto& st = self->state;
  st.cfg.metrics.lost_connection();
  forget_connection(self);
  // CAF 0.17 may return the dead node's stale proxy right after a DOWN: wait at least down_wait.
  retry(self, st.generation, "lost the connection to " + where(self) + ": " + why,
        st.cfg.timing.down_wait);
}

void on_registered(self_ptr self, uint64_t gen, protocol::node_session_actor session,
                   const troupe::core::v1::NodeStatus& registered_status) {
  auto& st = self->state;
  if (gen != st.generation)
    return;
  st.session = std::move(session);
  self->monitor(st.session);
  st.ph = phase::registered;
  st.backoff = st.cfg.timing.backoff_initial;
  st.heartbeat_misses = 0;
  st.last_status = registered_status;
  st.last_status_sent_s = st.now_s();
  st.cfg.metrics.registered();
  st.log("registered node " + st.cfg.node.name + " with " + where(self));
  // Whatever was sent into the old connection may be lost: send every live pod's status again.
  st.batch.requeue_all();
  st.flush_scheduled = false;
  schedule_flush(self);
  self->delayed_send(self, st.cfg.timing.heartbeat_interval, beat_atom::value, gen);
}

void register_with(self_ptr self, uint64_t gen, protocol::node_registry_actor registry) {
  auto& st = self->state;
  st.registry = registry;
  self->monitor(registry);
  auto node = make_node(st.cfg.node, st.cfg.host, st.version, st.conditions, st.now_s());
  auto agent = caf::actor_cast<protocol::node_agent_actor>(self);
  self->request(registry, st.cfg.timing.register_timeout, protocol::register_atom::value,
                st.cfg.node.name, st.cfg.credential, node.SerializeAsString(), agent)
    .then(
      [=](protocol::node_session_actor& session) {
        on_registered(self, gen, std::move(session), node.status());
      },
      [=](caf::error& err) {
        if (gen != self->state.generation)
          return;
        forget_connection(self);
        retry(self, gen,
              "registration with " + where(self) + " failed: " + self->system().render(err));
      });
}

void connect(self_ptr self) {
  auto& st = self->state;
  auto gen = ++st.generation;
  st.ph = phase::connecting;
  if (st.cfg.registry_host.empty()) {
    auto registry = self->system().registry().get<protocol::node_registry_actor>(
      protocol::node_registry_name);
    if (!registry)
      return retry(self, gen, "no node registry in this actor system");
    return register_with(self, gen, registry);
  }
  caf::io::middleman_actor mm;
  if (st.cfg.tls && self->system().has_openssl_manager())
    mm = self->system().openssl_manager().actor_handle();
  else
    mm = self->system().middleman().actor_handle();
  self->request(mm, st.cfg.timing.connect_timeout, caf::connect_atom::value,
                st.cfg.registry_host, st.cfg.registry_port)
    .then(
      [=](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>& ifs) {
        if (gen != self->state.generation)
          return;
        if (!ptr)
          return retry(self, gen, "no actor is published at " + where(self));
        if (!self->system().assignable<protocol::node_registry_actor>(ifs))
          return retry(self, gen, "the actor at " + where(self) + " is not a node registry");
        register_with(self, gen, caf::actor_cast<protocol::node_registry_actor>(ptr));
      },
      [=](caf::error& err) {
        retry(self, gen, "cannot connect to " + where(self) + ": " + self->system().render(err));
      });
}

void heartbeat(self_ptr self, uint64_t gen) {
  auto& st = self->state;
  if (gen != st.generation || st.ph != phase::registered)
    return;
  self->request(st.session, st.cfg.timing.heartbeat_timeout, protocol::heartbeat_atom::value)
    .then(
      [=](int64_t) {
        if (gen == self->state.generation)
          self->state.heartbeat_misses = 0;
      },
      [=](caf::error& err) {
        auto& st = self->state;
        if (gen != st.generation || st.ph != phase::registered)
          return;
        if (++st.heartbeat_misses >= st.cfg.timing.heartbeat_failures)
          lose_connection(self, std::to_string(st.heartbeat_misses) +
                                  " heartbeats failed, the last with " +
                                  self->system().render(err));
      });
  self->delayed_send(self, st.cfg.timing.heartbeat_interval, beat_atom::value, gen);
}

void flush(self_ptr self, uint64_t gen) {
  auto& st = self->state;
  if (gen != st.generation)
    return;
  st.flush_scheduled = false;
  if (st.ph != phase::registered || st.batch.empty())
    return;
  auto payload = st.batch.take(st.now_ns());
  st.cfg.metrics.reported(payload.statuses.size(), payload.events.size());
  self->send(st.session, protocol::report_atom::value, std::move(payload.statuses),
             std::move(payload.events), std::move(payload.node_status));
}

void ask_version(self_ptr self) {
  auto me = caf::actor_cast<caf::actor>(self);
  self->state.cfg.pod_context.runtime->version(
    self->state.cfg.timing.runtime_timeout, [me](runtime::result<runtime::version_info> r) {
      caf::anon_send(me, version_atom::value, r ? *r : runtime::version_info{},
                     r ? std::string{} : r.status().to_string());
    });
}

void ask_conditions(self_ptr self) {
  auto me = caf::actor_cast<caf::actor>(self);
  self->state.cfg.pod_context.runtime->runtime_conditions(
    self->state.cfg.timing.runtime_timeout,
    [me](runtime::result<std::vector<runtime::runtime_condition>> r) {
      caf::anon_send(me, conditions_atom::value,
                     r ? *r : std::vector<runtime::runtime_condition>{},
                     r ? std::string{} : r.status().to_string());
    });
}

void on_conditions(self_ptr self, std::vector<runtime::runtime_condition>& conditions,
                   const std::string& error) {
  auto& st = self->state;
  if (!error.empty())
    conditions = {{"RuntimeReady", false, "ContainerRuntimeDown",
                   "container runtime is down: " + error}};
  st.conditions = std::move(conditions);
  auto now_s = st.now_s();
  auto status = make_node_status(st.cfg.node, st.cfg.host, st.version, st.conditions, now_s,
                                 st.last_status ? &*st.last_status : nullptr);
  bool changed = !st.last_status || node_status_changed(*st.last_status, status);
  bool stale = now_s - st.last_status_sent_s >=
               std::chrono::duration_cast<std::chrono::seconds>(
                 st.cfg.timing.node_status_refresh).count();
  if (st.ph == phase::registered && (changed || stale)) {
    if (changed)
      st.log(std::string("node status changed: Ready=") +
             (node_ready(st.conditions).ready ? "True" : "False"));
    st.batch.set_node_status(status.SerializeAsString());
    st.last_status = std::move(status);
    st.last_status_sent_s = now_s;
    schedule_flush(self);
  }
}

void on_version(self_ptr self, runtime::version_info& v, const std::string& error) {
  auto& st = self->state;
  if (error.empty()) {
    st.version = std::move(v);
    st.have_version = true;
  } else {
    st.log("container runtime did not answer Version: " + error);
    self->delayed_send(self, std::chrono::seconds(2), version_atom::value,
                       runtime::version_info{}, std::string("retry"));
  }
  if (st.ph == phase::waiting_for_runtime) {
    st.ph = phase::disconnected;
    connect(self);
  }
}

} // namespace

void start_runtime_watch(node_actor_self self) {
  ask_version(self);
  ask_conditions(self);
  self->delayed_send(self, self->state.cfg.timing.node_status_interval, status_tick_atom::value);
}

void schedule_flush(node_actor_self self) {
  auto& st = self->state;
  if (st.ph != phase::registered || st.flush_scheduled || st.batch.empty())
    return;
  st.flush_scheduled = true;
  self->delayed_send(self, st.cfg.timing.report_flush, flush_atom::value, st.generation);
}

void request_orphan_listing(node_actor_self self) {
  auto& st = self->state;
  runtime::sandbox_filter filter;
  filter.label_selector = {{runtime::labels::managed_by, runtime::labels::managed_by_value},
                           {runtime::labels::node_name, st.cfg.node.name}};
  auto me = caf::actor_cast<caf::actor>(self);
  auto log = st.log;
  st.cfg.pod_context.runtime->list_pod_sandbox(
    filter, st.cfg.timing.runtime_timeout,
    [me, log](runtime::result<std::vector<runtime::sandbox_info>> r) {
      if (!r) {
        log("cannot list sandboxes for orphans: " + r.status().to_string());
        return;
      }
      caf::anon_send(me, orphans_atom::value, std::move(*r));
    });
}

void on_connection_down(node_actor_self self, caf::down_msg& dm) {
  auto& st = self->state;
  bool ours = (st.registry && dm.source == st.registry.address()) ||
              (st.session && dm.source == st.session.address());
  if (!ours || (st.ph != phase::registered && st.ph != phase::connecting))
    return;
  lose_connection(self, self->system().render(dm.reason));
}

caf::message_handler connection_handlers(node_actor_self self) {
  return {
    [=](reconnect_atom, uint64_t gen) {
      auto& st = self->state;
      if (gen == st.generation && st.ph == phase::disconnected)
        connect(self);
    },
    [=](beat_atom, uint64_t gen) { heartbeat(self, gen); },
    [=](flush_atom, uint64_t gen) { flush(self, gen); },
    [=](version_atom, runtime::version_info& v, std::string& error) {
      if (error == "retry")
        return ask_version(self);
      on_version(self, v, error);
    },
    [=](conditions_atom, std::vector<runtime::runtime_condition>& c, std::string& error) {
      on_conditions(self, c, error);
    },
    [=](status_tick_atom) {
      ask_conditions(self);
      self->delayed_send(self, self->state.cfg.timing.node_status_interval,
                         status_tick_atom::value);
    },
  };
}

} // namespace troupe::node_agent
