// The pod actor's probes (pod_actor_state.hpp): one probe_tracker per probe of each running app
// container, one timer per probe (delayed_send), results as messages. Startup gates liveness and
// readiness; readiness sets the ready flag (Ready/ContainersReady); a liveness or startup failure
// queues a kill of that instance, which the next round applies before its plan (the container
// then restarts per restartPolicy, with crash backoff).
#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "node-agent/agent/pod_actor_state.hpp"

namespace troupe::node_agent::pod_actor_detail {
namespace {

using pod::probe_kind;

const v1::Probe* probe_of(const v1::Container& c, probe_kind k) {
  switch (k) {
  case probe_kind::liveness:
    return c.has_livenessprobe() ? &c.livenessprobe() : nullptr;
  case probe_kind::readiness:
    return c.has_readinessprobe() ? &c.readinessprobe() : nullptr;
  case probe_kind::startup:
    return c.has_startupprobe() ? &c.startupprobe() : nullptr;
  }
  return nullptr;
}

const char* kind_name(probe_kind k) {
  switch (k) {
  case probe_kind::liveness:
    return "Liveness";
  case probe_kind::readiness:
    return "Readiness";
  case probe_kind::startup:
    return "Startup";
  }
  return "?";
}

constexpr probe_kind all_kinds[] = {probe_kind::startup, probe_kind::liveness,
                                    probe_kind::readiness};

} // namespace

void pod_actor_state::track_probes() {
  auto groups = pod::group_containers(*snap);
  for (const auto& c : pod->spec().containers()) {
    if (!c.has_livenessprobe() && !c.has_readinessprobe() && !c.has_startupprobe())
      continue;
    auto it = groups.app.find(c.name());
    const runtime::container_status* cur = it == groups.app.end() ? nullptr : it->second.current;
    bool running = cur && cur->state == runtime::container_state::running;
    auto& p = probes[c.name()];
    if (running && cur->id != p.container_id) {  // a new instance: probes start over
      p.container_id = cur->id;
      ++p.generation;
      p.trackers.clear();
      p.began.clear();
      for (auto k : all_kinds)
        if (const auto* spec = probe_of(c, k)) {
          pod::probe_tracker t(k, pod::probe_settings::from(*spec));
          t.container_started(pod::from_runtime_ns(cur->started_at));
          p.trackers.emplace(static_cast<int>(k), std::move(t));
        }
      p.startup_passed = !c.has_startupprobe();
      p.ready = !c.has_readinessprobe();
      for (const auto& [k, _] : p.trackers)
        schedule_probe(c.name(), k);
    } else if (!running && !p.container_id.empty()) {
      p.container_id.clear();
      ++p.generation;
      for (auto& [_, t] : p.trackers)
        t.container_stopped();
      p.ready = false;
    }
  }
}

void pod_actor_state::schedule_probe(const std::string& container, int kind) {
  auto& p = probes[container];
  auto it = p.trackers.find(kind);
  if (it == p.trackers.end())
    return;
  auto at = it->second.next_probe_at(p.startup_passed);
  if (!at)
    return;
  auto d = std::chrono::duration_cast<milliseconds>(*at - now());
  if (d.count() < 0)
    d = milliseconds(0);
  self->delayed_send(self, d, probe_atom::value, container, kind, p.generation);
}

void pod_actor_state::run_probe(const std::string& container, int kind, uint64_t gen) {
  if (deletion_started)
    return;
  auto pit = probes.find(container);
  if (pit == probes.end() || pit->second.generation != gen)
    return;
  auto& p = pit->second;
  auto it = p.trackers.find(kind);
  const auto* c = spec_container(container);
  if (it == p.trackers.end() || !c || p.began.count(kind))
    return;
  auto at = it->second.next_probe_at(p.startup_passed);
  auto t = now();
  if (!at)
    return;
  if (*at > t) {  // early (the runtime's clock lags the timer): wait the rest
    schedule_probe(container, kind);
    return;
  }
  p.began[kind] = t;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  prober->run_probe(*probe_of(*c, static_cast<probe_kind>(kind)),
                    target(p.container_id, *c),
                    [me, container, kind, gen](probe::probe_outcome o) {
                      caf::anon_send(me, probed_atom::value, container, kind, gen,
                                     outcome_ptr(std::make_shared<const probe::probe_outcome>(
                                       std::move(o))));
                    });
}

void pod_actor_state::on_probed(const std::string& container, int kind, uint64_t gen,
                                const probe::probe_outcome& out) {
  auto pit = probes.find(container);
  if (pit == probes.end() || pit->second.generation != gen || deletion_started)
    return;
  auto& p = pit->second;
  auto it = p.trackers.find(kind);
  if (it == p.trackers.end())
    return;
  auto began = p.began.count(kind) ? p.began[kind] : now();
  p.began.erase(kind);
  const auto k = static_cast<probe_kind>(kind);
  if (ctx.metrics)  // a warning is a success, as the kubelet counts it
    ctx.metrics->probe_result(metrics_ref(), container, kind_name(k),
                              out.passed() ? "successful" : "failed", now() - began);
  const pod::event_target on{container, false};
  if (!out.passed())
    event(on, "Warning", "Unhealthy", pod::wording::probe_failed(kind_name(k), out.message));
  else if (out.what == probe::probe_outcome::result::warning)
    event(on, "Warning", "ProbeWarning",
          std::string(kind_name(k)) + " probe warning: " + out.message);
  auto action = it->second.record(out.passed() ? pod::probe_result::success
                                               : pod::probe_result::failure,
                                  began);
  using A = pod::probe_tracker::action;
  switch (action) {
  case A::none:
    break;
  case A::set_ready:
  case A::set_unready:
    p.ready = action == A::set_ready;
    report();
    break;
  case A::mark_started:
    p.startup_passed = true;
    report();
    for (const auto& [other, _] : p.trackers)
      if (other != kind)
        schedule_probe(container, other);
    break;
  case A::restart: {
    const auto* c = spec_container(container);
    pod::sync_action kill;
    kill.what = pod::sync_action::kind::kill_container;
    kill.container = container;
    kill.container_id = p.container_id;
    kill.grace_seconds = pod->spec().has_terminationgraceperiodseconds()
                           ? pod->spec().terminationgraceperiodseconds() : 30;
    kill.pre_stop = c && c->has_lifecycle() && c->lifecycle().has_prestop();
    kill.reason = k == probe_kind::liveness
                    ? pod::wording::liveness_restart(container)
                    : "Container " + container + " failed startup probe, will be restarted";
    forced_kills.push_back(std::move(kill));
    request_sync();
    break;
  }
  }
  if (events.has_pending())
    report();
  schedule_probe(container, kind);
}

std::map<std::string, pod::probe_flags> pod_actor_state::probe_flags() const {
  std::map<std::string, pod::probe_flags> out;
  for (const auto& [name, p] : probes)
    if (!p.container_id.empty())
      out[name] = pod::probe_flags{p.ready, p.startup_passed};
  return out;
}

} // namespace troupe::node_agent::pod_actor_detail
