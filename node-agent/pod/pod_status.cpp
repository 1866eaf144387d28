#include "node-agent/pod/pod_status.hpp"

#include <algorithm>

namespace troupe::node_agent::pod {
namespace {

namespace v1 = troupe::core::v1;
using kind = container_observation::state_kind;

void set_time(troupe::meta::Time* out, time_point t) {
  // meta.v1.Time is serialized to the second; keep it so, so that comparisons stay stable.
  out->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

bool is_sidecar(const v1::Container& c) {
  return c.has_restartpolicy() && c.restartpolicy() == "Always";
}

const container_observation* find(const std::vector<container_observation>& v,
                                  const std::string& name) {
  for (const auto& o : v)
    if (o.name == name)
      return &o;
  return nullptr;
}

void to_terminated(const termination& t, v1::ContainerStateTerminated* out) {
  out->set_exitcode(t.exit_code);
  if (!t.reason.empty())
    out->set_reason(t.reason);
  else
    out->set_reason(t.exit_code == 0 ? "Completed" : "Error");
  if (!t.message.empty())
    out->set_message(t.message);
  set_time(out->mutable_startedat(), t.started_at);
  set_time(out->mutable_finishedat(), t.finished_at);
  if (!t.container_id.empty())
    out->set_containerid("containerd://" + t.container_id);
}

v1::ContainerStatus container_status(const v1::Container& c, const container_observation* o,
                                     const std::string& default_reason) {
  v1::ContainerStatus s;
  s.set_name(c.name());
  s.set_image(c.image());
  s.set_restartcount(0);
  s.set_ready(false);
  s.set_started(false);
  s.set_imageid("");
  if (!o) {
    s.mutable_state()->mutable_waiting()->set_reason(default_reason);
    s.mutable_laststate();  // kubelet always sends lastState: {}
    return s;
  }
  s.set_restartcount(o->restart_count);
  s.set_imageid(o->image_id);
  if (!o->container_id.empty())
    s.set_containerid("containerd://" + o->container_id);
  switch (o->state) {
  case kind::waiting: {
    auto* w = s.mutable_state()->mutable_waiting();
    w->set_reason(o->waiting_reason.empty() ? default_reason : o->waiting_reason);
    if (!o->waiting_message.empty())
      w->set_message(o->waiting_message);
    break;
  }
  case kind::running:
    set_time(s.mutable_state()->mutable_running()->mutable_startedat(), o->running_since);
    s.set_started(o->started);
    s.set_ready(o->started && o->ready);
    break;
  case kind::terminated:
    to_terminated(o->terminated, s.mutable_state()->mutable_terminated());
    break;
  }
  if (o->last)
    to_terminated(*o->last, s.mutable_laststate()->mutable_terminated());
  else
    s.mutable_laststate();  // kubelet always sends lastState: {}
  return s;
}

const v1::ContainerStatus* status_of(const google::protobuf::RepeatedPtrField<v1::ContainerStatus>& v,
                                     const std::string& name) {
  for (const auto& s : v)
    if (s.name() == name)
      return &s;
  return nullptr;
}

bool any_regular_started(const v1::PodSpec& spec, const v1::PodStatus& st) {
  for (const auto& c : spec.containers())
    if (const auto* s = status_of(st.containerstatuses(), c.name()))
      if (s->state().has_running() || s->state().has_terminated() ||
          s->laststate().has_terminated())
        return true;
  return false;
}

// Go's fmt "%s" of a []string: "[a b]".
std::string go_list(const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i)
    out += (i ? " " : "") + names[i];
  return out + "]";
}

struct condition {
  std::string type, status, reason, message;
};

condition initialized(const v1::PodSpec& spec, const v1::PodStatus& st, const std::string& phase) {
  std::vector<std::string> incomplete;
  for (const auto& c : spec.initcontainers()) {
    const auto* s = status_of(st.initcontainerstatuses(), c.name());
    if (is_sidecar(c) ? !s->started()
                      : !s->state().has_terminated() || s->state().terminated().exitcode() != 0)
      incomplete.push_back(c.name());
  }
  if (phase == "Succeeded")
    return {"Initialized", "True", "PodCompleted", ""};
  if (any_regular_started(spec, st) || incomplete.empty())
    return {"Initialized", "True", "", ""};
  return {"Initialized", "False", "ContainersNotInitialized",
          "containers with incomplete status: " + go_list(incomplete)};
}

condition containers_ready(const v1::PodSpec& spec, const v1::PodStatus& st,
                           const std::string& phase) {
  if (phase == "Succeeded")
    return {"ContainersReady", "False", "PodCompleted", ""};
  if (phase == "Failed")
    return {"ContainersReady", "False", "PodFailed", ""};
  std::vector<std::string> unready;
  for (const auto& c : spec.initcontainers())
    if (is_sidecar(c) && !status_of(st.initcontainerstatuses(), c.name())->ready())
      unready.push_back(c.name());
  for (const auto& c : spec.containers())
    if (!status_of(st.containerstatuses(), c.name())->ready())
      unready.push_back(c.name());
  if (!unready.empty())
    return {"ContainersReady", "False", "ContainersNotReady",
            "containers with unready status: " + go_list(unready)};
  return {"ContainersReady", "True", "", ""};
}

void add_condition(v1::PodStatus* out, const v1::PodStatus& previous, const condition& c,
                   time_point now) {
  auto* pc = out->add_conditions();
  pc->set_type(c.type);
  pc->set_status(c.status);
  if (!c.reason.empty())
    pc->set_reason(c.reason);
  if (!c.message.empty())
    pc->set_message(c.message);
  for (const auto& old : previous.conditions())
    if (old.type() == c.type && old.status() == c.status && old.has_lasttransitiontime()) {
      *pc->mutable_lasttransitiontime() = old.lasttransitiontime();
      return;
    }
  set_time(pc->mutable_lasttransitiontime(), now);
}

} // namespace

std::string pod_phase(const v1::PodSpec& spec, const v1::PodStatus& st) {
  int pending_init = 0, failed_init = 0;
  for (const auto& c : spec.initcontainers()) {
    if (is_sidecar(c))
      continue;
    const auto* s = status_of(st.initcontainerstatuses(), c.name());
    if (!s || s->state().has_running())
      ++pending_init;
    else if (s->state().has_terminated())
      failed_init += s->state().terminated().exitcode() != 0;
    else if (s->laststate().has_terminated())
      failed_init += s->laststate().terminated().exitcode() != 0;
    else
      ++pending_init;
  }
  int unknown = 0, running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const auto& c : spec.containers()) {
    const auto* s = status_of(st.containerstatuses(), c.name());
    if (!s) {
      ++unknown;
    } else if (s->state().has_running()) {
      ++running;
    } else if (s->state().has_terminated()) {
      ++stopped;
      succeeded += s->state().terminated().exitcode() == 0;
    } else if (s->laststate().has_terminated()) {
      ++stopped;  // waiting to restart after a run
    } else {
      ++waiting;
    }
  }
  const std::string policy = spec.restartpolicy().empty() ? "Always" : spec.restartpolicy();
  if (failed_init > 0 && policy == "Never")
    return "Failed";
  if ((pending_init > 0 && !any_regular_started(spec, st)) || waiting > 0)
    return "Pending";
  if (running > 0 && unknown == 0)
    return "Running";
  if (running == 0 && stopped > 0 && unknown == 0) {
    if (policy == "Always")
      return "Running";  // all restarting
    if (stopped == succeeded)
      return "Succeeded";
    if (policy == "Never")
      return "Failed";
    return "Running";  // OnFailure, the failed ones restart
  }
  return "Pending";
}

v1::PodStatus compute_pod_status(const v1::PodSpec& spec, const pod_observation& observed,
                                 const v1::PodStatus& previous, time_point now) {
  v1::PodStatus out;
  const bool has_init = spec.initcontainers_size() > 0;
  for (const auto& c : spec.initcontainers())
    *out.add_initcontainerstatuses() =
      container_status(c, find(observed.init_containers, c.name()), "PodInitializing");
  for (const auto& c : spec.containers())
    *out.add_containerstatuses() = container_status(
      c, find(observed.containers, c.name()), has_init ? "PodInitializing" : "ContainerCreating");

  std::string phase = pod_phase(spec, out);
  if (previous.phase() == "Succeeded" || previous.phase() == "Failed")
    phase = previous.phase();
  out.set_phase(phase);

  const condition ready_containers = containers_ready(spec, out, phase);
  const condition ready{"Ready", ready_containers.status, ready_containers.reason,
                        ready_containers.message};
  add_condition(&out, previous, initialized(spec, out, phase), now);
  add_condition(&out, previous, ready, now);
  add_condition(&out, previous, ready_containers, now);
  add_condition(&out, previous, {"PodScheduled", "True", "", ""}, now);

  if (!observed.host_ip.empty()) {
    out.set_hostip(observed.host_ip);
    out.add_hostips()->set_ip(observed.host_ip);
  }
  if (!observed.pod_ip.empty()) {
    out.set_podip(observed.pod_ip);
    out.add_podips()->set_ip(observed.pod_ip);
  }
  if (previous.has_starttime())
    *out.mutable_starttime() = previous.starttime();
  else
    set_time(out.mutable_starttime(), now);
  if (previous.has_qosclass())
    out.set_qosclass(previous.qosclass());
  return out;
}

} // namespace troupe::node_agent::pod
