#include "node-agent/pod/pod_observations.hpp"

#include <algorithm>

#include "node-agent/pod/pod_runtime_config.hpp"
#include "node-agent/runtime/runtime_labels.hpp"

namespace troupe::node_agent::pod {
namespace {

namespace rt = troupe::node_agent::runtime;

std::string label(const rt::string_map& m, const char* key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

std::string container_name(const rt::container_status& c) {
  auto n = label(c.labels, rt::labels::container_name);
  return n.empty() ? c.name : n;
}

int32_t restart_count(const rt::container_status& c) {
  return static_cast<int32_t>(std::max(recorded_restart_count(c.annotations), c.attempt));
}

container_run::state_kind run_state(rt::container_state s) {
  switch (s) {
  case rt::container_state::created:
    return container_run::state_kind::created;
  case rt::container_state::running:
    return container_run::state_kind::running;
  case rt::container_state::exited:
    return container_run::state_kind::exited;
  case rt::container_state::unknown:
    break;
  }
  return container_run::state_kind::unknown;
}

container_run to_run(const std::string& name, const rt::container_status& c) {
  container_run r;
  r.name = name;
  r.id = c.id;
  r.state = run_state(c.state);
  r.exit_code = c.exit_code;
  r.finished_at = from_runtime_ns(c.finished_at);
  r.restart_count = restart_count(c);
  return r;
}

termination to_termination(const rt::container_status& c) {
  termination t;
  t.exit_code = c.exit_code;
  t.reason = c.reason;
  t.message = c.message;
  t.started_at = from_runtime_ns(c.started_at);
  t.finished_at = from_runtime_ns(c.finished_at);
  t.container_id = c.id;
  return t;
}

const waiting_container* waiting_for(const status_inputs& in, const std::string& name) {
  for (const auto& w : in.waiting)
    if (w.name == name)
      return &w;
  return nullptr;
}

container_observation observe(const std::string& name, const container_history& h,
                              const status_inputs& in) {
  container_observation o;
  o.name = name;
  const auto* w = waiting_for(in, name);
  if (!h.current) {
    if (w) {
      o.waiting_reason = w->reason;
      o.waiting_message = w->message;
    }
    return o;
  }
  const auto& c = *h.current;
  o.restart_count = restart_count(c);
  o.image_id = c.image_ref;
  o.container_id = c.id;
  if (h.previous && h.previous->state == rt::container_state::exited)
    o.last = to_termination(*h.previous);
  switch (c.state) {
  case rt::container_state::running: {
    o.state = container_observation::state_kind::running;
    o.running_since = from_runtime_ns(c.started_at);
    auto p = in.probes.find(name);
    o.ready = p == in.probes.end() || p->second.ready;
    o.started = p == in.probes.end() || p->second.started;
    break;
  }
  case rt::container_state::exited:
    if (w) {  // about to restart, or cannot: waits, the exit shown as lastState
      o.waiting_reason = w->reason;
      o.waiting_message = w->message;
      o.last = to_termination(c);
    } else {
      o.state = container_observation::state_kind::terminated;
      o.terminated = to_termination(c);
    }
    break;
  case rt::container_state::created:
  case rt::container_state::unknown:
    if (w) {
      o.waiting_reason = w->reason;
      o.waiting_message = w->message;
    }
    break;
  }
  return o;
}

} // namespace

sync_time from_runtime_ns(int64_t ns) {
  return sync_time(std::chrono::duration_cast<sync_time::duration>(std::chrono::nanoseconds(ns)));
}

pod_containers group_containers(const runtime_snapshot& snap) {
  pod_containers out;
  for (const auto& c : snap.containers) {  // oldest first: the last one of a name wins
    auto& m = label(c.labels, rt::labels::container_kind) == "init" ? out.init : out.app;
    auto& h = m[container_name(c)];
    h.previous = h.current;
    h.current = &c;
  }
  return out;
}

sync_observation make_sync_observation(const runtime_snapshot& snap,
                                       std::map<std::string, pull_failure> pull_failures,
                                       std::map<std::string, crash_backoff> backoffs) {
  sync_observation o;
  if (snap.sandbox) {
    o.sandbox = snap.sandbox->state == rt::sandbox_state::ready
                  ? sync_observation::sandbox_kind::ready
                  : sync_observation::sandbox_kind::not_ready;
    o.sandbox_id = snap.sandbox->id;
    o.sandbox_ip = snap.sandbox->ip;
    o.sandbox_attempt = snap.sandbox->attempt;
  }
  auto groups = group_containers(snap);
  for (const auto& [name, h] : groups.init)
    o.init_containers.push_back(to_run(name, *h.current));
  for (const auto& [name, h] : groups.app)
    o.containers.push_back(to_run(name, *h.current));
  o.images_present = snap.images_present;
  o.pull_failures = std::move(pull_failures);
  o.backoffs = std::move(backoffs);
  return o;
}

pod_observation make_pod_observation(const runtime_snapshot& snap, const status_inputs& in) {
  pod_observation o;
  auto groups = group_containers(snap);
  auto add = [&](std::vector<container_observation>& out,
                 const std::map<std::string, container_history>& m) {
    for (const auto& [name, h] : m)
      out.push_back(observe(name, h, in));
    // Waiting before any instance exists (image pull errors). Names are unique across init and
    // app containers, and compute_pod_status looks each spec container up in its own list, so
    // the entry goes into both.
    for (const auto& w : in.waiting)
      if (!groups.init.count(w.name) && !groups.app.count(w.name))
        out.push_back(observe(w.name, {}, in));
  };
  add(o.init_containers, groups.init);
  add(o.containers, groups.app);
  o.host_ip = in.host_ip;
  o.pod_ip = in.pod_ip;
  return o;
}

} // namespace troupe::node_agent::pod
