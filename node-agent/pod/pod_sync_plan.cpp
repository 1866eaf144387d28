#include "node-agent/pod/pod_sync_plan.hpp"

#include <algorithm>

namespace troupe::node_agent::pod {
namespace {

namespace v1 = troupe::core::v1;
using run_state = container_run::state_kind;
using act = sync_action::kind;

const container_run* find(const std::vector<container_run>& v, const std::string& name) {
  for (const auto& r : v)
    if (r.name == name)
      return &r;
  return nullptr;
}

bool alive(const container_run& r) {
  // created-but-not-started and unknown containers hold resources too: kill them like running ones.
  return r.state != run_state::exited;
}

std::string restart_policy(const v1::Pod& pod) {
  return pod.spec().has_restartpolicy() ? pod.spec().restartpolicy() : "Always";
}

int64_t pod_grace(const v1::Pod& pod) {
  if (pod.metadata().has_deletiongraceperiodseconds())
    return pod.metadata().deletiongraceperiodseconds();
  if (pod.spec().has_terminationgraceperiodseconds())
    return pod.spec().terminationgraceperiodseconds();
  return 30;
}

bool has_pre_stop(const v1::Container& c) {
  return c.has_lifecycle() && c.lifecycle().has_prestop();
}

std::string seconds_text(crash_backoff::duration d) {
  // Go's time.Duration String() for whole seconds and minutes: 10s, 2m40s, 5m0s.
  auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 60)
    return std::to_string(s) + "s";
  return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
}

const std::string unknown_state_reason =
  "Container is in unknown state, try killing it before restart";

class planner {
public:
  planner(const v1::Pod& pod, const sync_observation& obs, sync_time now)
    : pod_(pod), obs_(obs), now_(now) {}

  sync_plan run() {
    if (pod_.metadata().has_deletiontimestamp()) {
      kill_everything("Stopping container", true);
      remove_sandbox();
      plan_.finished = obs_.sandbox == sync_observation::sandbox_kind::missing &&
                       plan_.actions.empty();
      return std::move(plan_);
    }
    kill_unknown_containers();
    bool fresh_sandbox = false;
    if (obs_.sandbox != sync_observation::sandbox_kind::ready) {
      bool made_containers = !obs_.init_containers.empty() || !obs_.containers.empty();
      // kubelet: a Never pod's dead sandbox is not recreated; nor is a completed pod's (the
      // kubelet stops syncing a terminal pod).
      if (made_containers && (restart_policy(pod_) == "Never" || completed())) {
        kill_pod();
        return std::move(plan_);
      }
      kill_everything("Pod sandbox changed, it will be killed and re-created.", false);
      if (obs_.sandbox == sync_observation::sandbox_kind::not_ready)
        add_stop_sandbox();
      sync_action a;
      a.what = act::run_sandbox;
      a.attempt = made_containers || obs_.sandbox == sync_observation::sandbox_kind::not_ready
                    ? obs_.sandbox_attempt + 1 : 0;
      plan_.actions.push_back(a);
      fresh_sandbox = true;
    }
    if (!init_done(fresh_sandbox))
      return std::move(plan_);
    bool keep_or_start = false;
    for (const auto& c : pod_.spec().containers()) {
      const container_run* r = find(obs_.containers, c.name());
      if (fresh_sandbox) {  // everything starts again; restart count and backoff carry over
        if (r && r->state == run_state::exited && r->exit_code == 0 &&
            restart_policy(pod_) == "OnFailure")
          continue;  // kubelet: a succeeded container stays done under OnFailure
        start(c, false, r);
        keep_or_start = true;
        continue;
      }
      if (r && r->state == run_state::running) {
        keep_or_start = true;
        continue;
      }
      // kubelet ShouldContainerBeRestarted: created and unknown always restart, an unknown one
      // is killed first; an exited one per restartPolicy.
      if (r && r->state == run_state::unknown)
        kill(*r, false, &c, unknown_state_reason, false);
      else if (r && r->state == run_state::exited && !should_restart(*r))
        continue;
      keep_or_start = true;
      start(c, false, r);
    }
    if (!keep_or_start && !fresh_sandbox)
      add_stop_sandbox();
    return std::move(plan_);
  }

private:
  bool init_done(bool fresh_sandbox) {
    const auto& inits = pod_.spec().initcontainers();
    // kubelet: once any app container exists, initialization is over.
    if (!fresh_sandbox)
      for (const auto& r : obs_.containers)
        if (is_app(r.name))
          return true;
    for (const auto& c : inits) {
      const container_run* r = find(obs_.init_containers, c.name());
      if (!r || fresh_sandbox) {
        start(c, true, r);
        return false;
      }
      if (r->state == run_state::running)
        return false;  // wait for it to exit
      if (r->state == run_state::exited && r->exit_code == 0)
        continue;
      // kubelet isInitContainerFailed: a non-zero exit, or an unknown or created state.
      if (restart_policy(pod_) == "Never") {
        plan_.pod_failed = true;
        kill_pod();
        return false;
      }
      if (r->state == run_state::unknown)
        kill(*r, true, &c, unknown_state_reason, false);
      start(c, true, r);
      return false;
    }
    return true;
  }

  // Every app container exited and none is due a restart under the policy.
  bool completed() const {
    for (const auto& c : pod_.spec().containers()) {
      const container_run* r = find(obs_.containers, c.name());
      if (!r || alive(*r) || should_restart(*r))
        return false;
    }
    return true;
  }

  bool is_app(const std::string& name) const {
    for (const auto& c : pod_.spec().containers())
      if (c.name() == name)
        return true;
    return false;
  }

  bool should_restart(const container_run& r) const {
    auto policy = restart_policy(pod_);
    if (policy == "Never")
      return false;
    if (policy == "OnFailure")
      return r.exit_code != 0;
    return true;
  }

  void wait(const std::string& name, std::string reason, std::string message, sync_time until) {
    plan_.waiting.push_back({name, std::move(reason), std::move(message)});
    if (!plan_.next_sync || until < *plan_.next_sync)
      plan_.next_sync = until;
  }

  // Starts `c` (init or app); `previous` is its last exited instance, if any.
  void start(const v1::Container& c, bool init, const container_run* previous) {
    if (previous && previous->state == run_state::exited) {
      auto it = obs_.backoffs.find(c.name());
      if (it != obs_.backoffs.end() && it->second.in_backoff(previous->finished_at, now_)) {
        auto delay = it->second.delay().value_or(it->second.settings().initial);
        wait(c.name(), "CrashLoopBackOff",
             "back-off " + seconds_text(delay) + " restarting failed container=" + c.name() +
               " pod=" + pod_.metadata().name() + "_" + pod_.metadata().namespace_() + "(" +
               pod_.metadata().uid() + ")",
             it->second.next_start(previous->finished_at));
        return;
      }
    }
    const std::string& image = c.image();
    auto policy = effective_pull_policy(c);
    bool present = obs_.images_present.count(image) > 0;
    if (policy == "Never" && !present) {
      plan_.waiting.push_back({c.name(), "ErrImageNeverPull",
                               "Container image \"" + image +
                                 "\" is not present with pull policy of Never"});
      return;
    }
    if (policy == "Always" || !present) {
      auto failed = obs_.pull_failures.find(image);
      if (failed != obs_.pull_failures.end() && now_ < failed->second.retry_at) {
        wait(c.name(), "ImagePullBackOff", "Back-off pulling image \"" + image + "\"",
             failed->second.retry_at);
        return;
      }
      sync_action pull;
      pull.what = act::pull_image;
      pull.image = image;
      pull.container = c.name();
      pull.init = init;
      plan_.actions.push_back(pull);
    }
    sync_action a;
    a.what = act::start_container;
    a.container = c.name();
    a.init = init;
    a.image = image;
    a.attempt = previous ? static_cast<uint32_t>(previous->restart_count + 1) : 0;
    plan_.actions.push_back(a);
  }

  void kill(const container_run& r, bool init, const v1::Container* spec, std::string reason,
            bool hooks) {
    sync_action a;
    a.what = act::kill_container;
    a.container = r.name;
    a.init = init;
    a.container_id = r.id;
    a.grace_seconds = pod_grace(pod_);
    a.pre_stop = hooks && spec && has_pre_stop(*spec) && r.state == run_state::running;
    a.reason = std::move(reason);
    plan_.actions.push_back(a);
  }

  void kill_unknown_containers() {
    for (const auto& r : obs_.containers)
      if (alive(r) && !is_app(r.name))
        kill(r, false, nullptr,
             "Container " + r.name + " is not in the pod spec, it will be killed", false);
  }

  // Kills every live container: app containers in spec order, then init, then unknown ones.
  void kill_everything(const std::string& reason, bool hooks) {
    for (const auto& c : pod_.spec().containers())
      if (const auto* r = find(obs_.containers, c.name()); r && alive(*r))
        kill(*r, false, &c, reason, hooks);
    for (const auto& c : pod_.spec().initcontainers())
      if (const auto* r = find(obs_.init_containers, c.name()); r && alive(*r))
        kill(*r, true, &c, reason, hooks);
    if (hooks)  // on deletion; otherwise kill_unknown_containers already did
      for (const auto& r : obs_.containers)
        if (alive(r) && !is_app(r.name))
          kill(r, false, nullptr, reason, false);
  }

  void add_stop_sandbox() {
    if (obs_.sandbox != sync_observation::sandbox_kind::ready &&
        obs_.sandbox != sync_observation::sandbox_kind::not_ready)
      return;
    if (obs_.sandbox == sync_observation::sandbox_kind::not_ready && obs_.sandbox_id.empty())
      return;
    sync_action a;
    a.what = act::stop_sandbox;
    a.sandbox_id = obs_.sandbox_id;
    plan_.actions.push_back(a);
  }

  void remove_sandbox() {
    if (obs_.sandbox == sync_observation::sandbox_kind::missing)
      return;
    add_stop_sandbox();
    sync_action a;
    a.what = act::remove_sandbox;
    a.sandbox_id = obs_.sandbox_id;
    plan_.actions.push_back(a);
  }

  // kubelet KillPod: every live container, then the sandbox when it still runs.
  void kill_pod() {
    kill_everything("Stopping container", false);
    if (obs_.sandbox == sync_observation::sandbox_kind::ready)
      add_stop_sandbox();
  }

  const v1::Pod& pod_;
  const sync_observation& obs_;
  sync_time now_;
  sync_plan plan_;
};

} // namespace

sync_plan plan_pod_sync(const troupe::core::v1::Pod& pod, const sync_observation& observed,
                        sync_time now) {
  return planner(pod, observed, now).run();
}

bool operator==(const sync_action& a, const sync_action& b) {
  return a.what == b.what && a.container == b.container && a.init == b.init &&
         a.image == b.image && a.container_id == b.container_id && a.sandbox_id == b.sandbox_id &&
         a.attempt == b.attempt && a.grace_seconds == b.grace_seconds &&
         a.pre_stop == b.pre_stop && a.reason == b.reason;
}

std::string effective_pull_policy(const troupe::core::v1::Container& c) {
  if (c.has_imagepullpolicy() && !c.imagepullpolicy().empty())
    return c.imagepullpolicy();
  const std::string& image = c.image();
  if (image.find('@') != std::string::npos)
    return "IfNotPresent";
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  if (!tagged || image.substr(colon + 1) == "latest")
    return "Always";
  return "IfNotPresent";
}

std::string to_string(const sync_action& a) {
  switch (a.what) {
    case act::run_sandbox:
      return "run_sandbox (attempt " + std::to_string(a.attempt) + ")";
    case act::pull_image:
      return "pull " + a.image;
    case act::start_container:
      return std::string("start ") + (a.init ? "init " : "") + a.container + " (attempt " +
             std::to_string(a.attempt) + ", image " + a.image + ")";
    case act::kill_container:
      return std::string("kill ") + (a.init ? "init " : "") + a.container + " " + a.container_id +
             " (grace " + std::to_string(a.grace_seconds) + (a.pre_stop ? ", preStop" : "") +
             "): " + a.reason;
    case act::stop_sandbox:
      return "stop_sandbox " + a.sandbox_id;
    case act::remove_sandbox:
      return "remove_sandbox " + a.sandbox_id;
  }
  return "?";
}

} // namespace troupe::node_agent::pod
