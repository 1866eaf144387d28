// The pod actor (pod_actor.hpp): its behavior, the sync rounds, the status reports and the wake-up
// timer. Applying actions is in pod_actor_actions.cpp, probes in pod_actor_probes.cpp; every
// decision is made by CAF-free code in node-agent/pod/.
#include "node-agent/agent/pod_actor.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/send.hpp>

#include <algorithm>

#include <google/protobuf/util/message_differencer.h>

#include "node-agent/agent/pod_actor_state.hpp"
#include "node-agent/pod/pod_cleanup.hpp"

namespace troupe::node_agent {

namespace pod_actor_detail {
namespace {

milliseconds until(time_point t, time_point now) {
  auto d = std::chrono::duration_cast<milliseconds>(t - now);
  return d < milliseconds(1) ? milliseconds(1) : d;
}

std::vector<std::pair<std::string, std::string>> spec_images(const v1::Pod& pod) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& c : pod.spec().initcontainers())
    out.emplace_back(c.name(), c.image());
  for (const auto& c : pod.spec().containers())
    out.emplace_back(c.name(), c.image());
  return out;
}

bool any_running(const pod::runtime_snapshot& s) {
  for (const auto& c : s.containers)
    if (c.state == runtime::container_state::running)
      return true;
  return false;
}

} // namespace

time_point pod_actor_state::now() const {
  return ctx.clock ? ctx.clock() : std::chrono::system_clock::now();
}

const v1::Container* pod_actor_state::spec_container(const std::string& name, bool* init) const {
  for (const auto& c : pod->spec().initcontainers())
    if (c.name() == name) {
      if (init)
        *init = true;
      return &c;
    }
  for (const auto& c : pod->spec().containers())
    if (c.name() == name) {
      if (init)
        *init = false;
      return &c;
    }
  return nullptr;
}

probe::probe_target pod_actor_state::target(const std::string& container_id,
                                            const v1::Container& c) const {
  const auto& m = pod->metadata();
  return probe::probe_target{pod_ip, container_id, c,
                             m.name() + "_" + m.namespace_() + "(" + m.uid() + ")"};
}

metrics::pod_ref pod_actor_state::metrics_ref() const {
  const auto& m = pod->metadata();
  return {m.namespace_(), m.name(), m.uid()};
}

void pod_actor_state::record_runtime_state(const pod::runtime_snapshot& s) {
  if (!ctx.metrics)
    return;
  metrics::container_state_counts n;
  for (const auto& c : s.containers)
    switch (c.state) {
    case runtime::container_state::created: ++n.created; break;
    case runtime::container_state::running: ++n.running; break;
    case runtime::container_state::exited: ++n.exited; break;
    case runtime::container_state::unknown: ++n.unknown; break;
    }
  const bool ready = s.sandbox && s.sandbox->state == runtime::sandbox_state::ready;
  ctx.metrics->pod_runtime_state(pod->metadata().uid(), ready, n);
}

void pod_actor_state::record_status(const v1::PodStatus& before, const v1::PodStatus& status) {
  if (!ctx.metrics)
    return;
  // The kubelet observes the start once, when a status first says Running.
  if (!start_recorded && status.phase() == "Running" && before.phase() != "Running") {
    start_recorded = true;
    ctx.metrics->pod_started(now() - first_seen);
  }
  auto ref = metrics_ref();
  for (const auto* list : {&status.initcontainerstatuses(), &status.containerstatuses()})
    for (const auto& c : *list)
      ctx.metrics->container_restarts(ref, c.name(), c.restartcount());
}

void pod_actor_state::event(const pod::event_target& on, const std::string& type,
                            const std::string& reason, const std::string& message) {
  auto t = now();
  events.record(pod::make_pod_event(*pod, on, type, reason, message, ctx.node_name, t), t);
}

void pod_actor_state::request_sync() {
  if (busy)
    dirty = true;
  else
    start_round();
}

void pod_actor_state::start_round() {
  busy = true;
  dirty = false;
  ++round;
  caf::actor me = caf::actor_cast<caf::actor>(self);
  uint64_t r = round;
  pod::snapshot_request req{pod->metadata().uid(), spec_images(*pod), snap};
  pod::collect_runtime_snapshot(ctx.runtime, std::move(req), ctx.settings.runtime_timeout,
                                [me, r](pod::runtime_snapshot s) {
                                  caf::anon_send(me, snap_atom::value, r,
                                                 snapshot_ptr(std::make_shared<
                                                              const pod::runtime_snapshot>(
                                                   std::move(s))));
                                });
}

void pod_actor_state::on_snapshot(uint64_t r, const snapshot_ptr& s) {
  if (r != round || !busy)
    return;
  if (!s->error.is_ok()) {  // transient: look again after status_poll
    busy = false;
    pod::sync_plan none;
    none.next_sync = now() + ctx.settings.status_poll;
    rest(none);
    return;
  }
  snap = s;
  record_runtime_state(*s);
  if (s->sandbox) {
    sandbox_id = s->sandbox->id;
    if (!s->sandbox->ip.empty())
      pod_ip = s->sandbox->ip;
  }
  if (!deletion_started)
    track_probes();
  auto t = now();
  auto plan = pod::plan_pod_sync(*pod, pod::make_sync_observation(*s, pull_failures, backoffs), t);
  // Liveness/startup kills of instances that still run go first.
  std::vector<pod::sync_action> kills;
  auto groups = pod::group_containers(*s);
  for (auto& k : forced_kills) {
    auto it = groups.app.find(k.container);
    if (!deletion_started && it != groups.app.end() && it->second.current->id == k.container_id &&
        it->second.current->state == runtime::container_state::running)
      kills.push_back(k);
  }
  forced_kills.clear();
  plan.actions.insert(plan.actions.begin(), kills.begin(), kills.end());
  // Back-off events, once per held-back period (the kubelet records one per sync; the count of
  // a coalesced event would only say how often this actor looked).
  for (const auto& w : plan.waiting) {
    if (std::find(plan_waiting.begin(), plan_waiting.end(), w) != plan_waiting.end())
      continue;
    bool init = false;
    const auto* c = spec_container(w.name, &init);
    if (w.reason == "CrashLoopBackOff") {
      event({w.name, init}, "Warning", "BackOff", pod::wording::back_off_restart(*pod, w.name));
    } else if (w.reason == "ImagePullBackOff" && c) {
      event({w.name, init}, "Normal", "BackOff", pod::wording::back_off_pull(c->image()));
      event({w.name, init}, "Warning", "Failed", "Error: ImagePullBackOff");
    }
  }
  for (const auto& w : plan.waiting)
    errors.erase(w.name);  // the plan's reason replaces an older error
  plan_waiting = plan.waiting;
  if (plan.finished) {
    // The sandbox is gone: the pod's logs and cgroup go too (quick filesystem calls).
    auto left = pod::remove_pod_leftovers(*pod, ctx.log_root, ctx.pod_cgroup_parent);
    for (const auto& e : left.errors)
      event({}, "Warning", "FailedKillPod", "error cleaning up pod: " + e);
    report(true);
    if (ctx.metrics)
      ctx.metrics->forget_pod(metrics_ref());
    self->quit();
    return;
  }
  report();
  if (plan.actions.empty()) {
    busy = false;
    busy_rounds = 0;
    rest(plan);
    if (dirty)
      request_sync();
    return;
  }
  ++busy_rounds;
  actions = std::move(plan.actions);
  next_action = 0;
  pulled_image.clear();
  apply_next();
}

void pod_actor_state::apply_next() {
  if (next_action >= actions.size()) {
    end_round(true);
    return;
  }
  action_began = now();
  apply(actions[next_action]);
}

void pod_actor_state::end_round(bool ok) {
  busy = false;
  actions.clear();
  if (!ok || busy_rounds > 5) {
    // A failed action: show what it recorded (ErrImagePull, CreateContainerError) and plan again
    // after backoff_initial (10 s by default), as the kubelet's pod worker requeues after an
    // error (workerBackOffPeriod, 10 s); many busy rounds in a row: after status_poll, no hot
    // loop.
    if (!ok)
      report();
    if (dirty && busy_rounds <= 5) {  // news came meanwhile (a deletion): plan with it now
      start_round();
      return;
    }
    pod::sync_plan later;
    later.next_sync = now() + (ok ? ctx.settings.status_poll : ctx.settings.backoff_initial);
    rest(later);
    return;
  }
  start_round();  // re-plan over what the actions changed
}

void pod_actor_state::rest(const pod::sync_plan& plan) {
  auto t = now();
  time_point next = t + ctx.settings.resync;
  if (plan.next_sync && *plan.next_sync < next)
    next = *plan.next_sync;
  if (snap && any_running(*snap) && t + ctx.settings.status_poll < next)
    next = t + ctx.settings.status_poll;
  uint64_t gen = ++wake_generation;
  self->delayed_send(self, until(next, t), wake_atom::value, gen);
}

void pod_actor_state::report(bool finished) {
  if (!snap)
    return;
  pod::status_inputs in;
  in.waiting = plan_waiting;
  for (const auto& [name, e] : errors) {
    bool named = false;
    for (const auto& w : in.waiting)
      named = named || w.name == name;
    if (!named)
      in.waiting.push_back(e);
  }
  in.probes = probe_flags();
  in.host_ip = ctx.host_ip;
  in.pod_ip = pod_ip;
  auto status = pod::compute_pod_status(pod->spec(), pod::make_pod_observation(*snap, in),
                                        published, now());
  bool changed = !published_once || status.SerializeAsString() != published.SerializeAsString();
  if (changed)
    record_status(published, status);
  published = status;
  published_once = true;
  auto evs = events.take();
  if (!changed && evs.empty() && !finished)
    return;
  pod_report r;
  r.uid = pod->metadata().uid();
  if (changed || finished) {
    auto p = std::make_shared<v1::Pod>();
    p->mutable_metadata()->set_namespace_(pod->metadata().namespace_());
    p->mutable_metadata()->set_name(pod->metadata().name());
    p->mutable_metadata()->set_uid(pod->metadata().uid());
    *p->mutable_status() = status;
    r.status = std::move(p);
  }
  r.events = std::move(evs);
  r.finished = finished;
  self->send(parent, std::move(r));
}

namespace {

caf::behavior pod_actor(caf::stateful_actor<pod_actor_state>* self, pod_actor_context ctx,
                        pod_ptr pod, caf::actor parent) {
  auto& st = self->state;
  st.self = self;
  st.prober = ctx.prober ? ctx.prober : std::make_shared<probe::prober>(ctx.runtime, 1);
  st.facts.node_name = ctx.node_name;
  st.facts.host_ip = ctx.host_ip;
  st.facts.log_root = ctx.log_root;
  st.facts.cgroup_parent = ctx.pod_cgroup_parent;
  st.ctx = std::move(ctx);
  st.parent = std::move(parent);
  st.pod = std::move(pod);
  // The last published status (the API object's, after an agent restart) keeps startTime and
  // transition times.
  st.published = st.pod->status();
  if (!st.published.has_qosclass())
    st.published.set_qosclass(pod::qos_class(st.pod->spec()));
  if (st.pod->metadata().has_deletiontimestamp())
    st.deletion_started = st.now();
  st.first_seen = st.now();
  st.start_recorded = st.published.phase() == "Running";  // adopted: it started before
  st.start_round();
  return {
    [self](pod_atom, pod_ptr& p) {
      auto& st = self->state;
      if (st.killed)
        return;  // already terminating with grace 0
      if (p->metadata().has_deletiontimestamp() && !st.deletion_started)
        st.deletion_started = st.now();
      // Only a change of the spec or of the deletion is news for a sync round: the server pushes
      // the pod again after every status write of ours, and treating those as news would re-plan
      // at once (e.g. ErrImagePull would turn into ImagePullBackOff before anyone saw it).
      const bool news = !st.pod ||
        !google::protobuf::util::MessageDifferencer::Equals(st.pod->spec(), p->spec()) ||
        st.pod->metadata().has_deletiontimestamp() != p->metadata().has_deletiontimestamp() ||
        st.pod->metadata().deletiongraceperiodseconds() != p->metadata().deletiongraceperiodseconds();
      st.pod = std::move(p);
      if (news)
        st.request_sync();
    },
    [self](kill_atom) {
      auto& st = self->state;
      if (st.killed)
        return;
      st.killed = true;
      auto p = std::make_shared<v1::Pod>(*st.pod);
      if (!p->metadata().has_deletiontimestamp())
        p->mutable_metadata()->mutable_deletiontimestamp()->set_seconds(
          std::chrono::duration_cast<std::chrono::seconds>(st.now().time_since_epoch()).count());
      p->mutable_metadata()->set_deletiongraceperiodseconds(0);
      st.pod = std::move(p);
      st.deletion_started = st.now();
      // Do not wait for the round in progress (a stop with a long grace period, a hook): its
      // answers are ignored from now on and a new round kills at once.
      if (st.busy) {
        ++st.round;
        st.busy = false;
      }
      st.start_round();
    },
    [self](sync_atom) { self->state.request_sync(); },
    [self](snap_atom, uint64_t r, const snapshot_ptr& s) { self->state.on_snapshot(r, s); },
    [self](step_atom, uint64_t r, int s, const call_result_ptr& res) {
      self->state.on_step(r, static_cast<stage>(s), *res);
    },
    [self](wake_atom, uint64_t gen) {
      if (gen == self->state.wake_generation)
        self->state.request_sync();
    },
    [self](probe_atom, const std::string& c, int kind, uint64_t gen) {
      self->state.run_probe(c, kind, gen);
    },
    [self](probed_atom, const std::string& c, int kind, uint64_t gen, const outcome_ptr& out) {
      self->state.on_probed(c, kind, gen, *out);
    },
  };
}

} // namespace
} // namespace pod_actor_detail

pod_actor_type spawn_pod_actor(caf::actor_system& sys, pod_actor_context context, pod_ptr pod,
                               caf::actor parent) {
  auto a = sys.spawn(pod_actor_detail::pod_actor, std::move(context), std::move(pod),
                     std::move(parent));
  return caf::actor_cast<pod_actor_type>(a);
}

} // namespace troupe::node_agent
