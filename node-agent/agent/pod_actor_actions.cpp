// The pod actor applies one sync_action at a time (pod_actor_state.hpp): each runtime call or hook
// answers with a step message; the next call, the next action, or the end of the round follows.
// Failures are recorded as the kubelet records them (events, ErrImagePull with a pull backoff,
// CreateContainerError) and end the round.
#include <caf/actor_cast.hpp>
#include <caf/send.hpp>

#include "node-agent/agent/pod_actor_state.hpp"

namespace troupe::node_agent::pod_actor_detail {
namespace {

using act = pod::sync_action::kind;

milliseconds left(time_point deadline, time_point now) {
  auto d = std::chrono::duration_cast<milliseconds>(deadline - now);
  return d.count() > 0 ? d : milliseconds(0);
}

// kubelet_started_containers_total's container_type.
const char* container_type(bool init) { return init ? "init_container" : "container"; }

int64_t pod_grace_seconds(const v1::Pod& pod) {
  if (pod.spec().has_terminationgraceperiodseconds())
    return pod.spec().terminationgraceperiodseconds();
  return 30;
}

} // namespace

std::function<void(call_result)> pod_actor_state::answer(stage s) {
  caf::actor me = caf::actor_cast<caf::actor>(self);
  uint64_t r = round;
  return [me, r, s](call_result res) {
    caf::anon_send(me, step_atom::value, r, static_cast<int>(s),
                   call_result_ptr(std::make_shared<const call_result>(std::move(res))));
  };
}

namespace {

runtime::status_callback on_status(std::function<void(call_result)> f) {
  return [f](runtime::status st) { f(call_result{std::move(st), {}, {}, {}}); };
}

template <class T>
runtime::callback<T> on_value(std::function<void(call_result)> f) {
  return [f](runtime::result<T> r) {
    call_result res;
    if (r)
      res.value = *r;
    else
      res.status = r.status();
    f(std::move(res));
  };
}

probe::probe_callback on_hook(std::function<void(call_result)> f) {
  return [f](probe::probe_outcome o) {
    call_result res;
    res.hook = std::move(o);
    f(std::move(res));
  };
}

} // namespace

void pod_actor_state::apply(const pod::sync_action& a) {
  const auto& rt = ctx.runtime;
  const auto timeout = ctx.settings.runtime_timeout;
  switch (a.what) {
  case act::run_sandbox:
    sandbox_cfg = pod::make_sandbox_config(*pod, a.attempt, facts);
    rt->run_pod_sandbox(*sandbox_cfg, timeout, on_value<std::string>(answer(stage::sandbox_run)));
    return;
  case act::pull_image:
    event({a.container, a.init}, "Normal", "Pulling", pod::wording::pulling(a.image));
    rt->pull_image(a.image, ctx.settings.image_pull_timeout,
                   on_value<std::string>(answer(stage::pulled)));
    return;
  case act::start_container: {
    bool init = a.init;
    const auto* c = spec_container(a.container, &init);
    if (!c) {  // the spec changed under the plan: plan again
      end_round(false);
      return;
    }
    if (pulled_image != a.image)
      event({a.container, a.init}, "Normal", "Pulled", pod::wording::already_present(a.image));
    // A restart after an exit: the crash backoff grows (the plan checked it is due).
    auto groups = pod::group_containers(*snap);
    auto& by_name = a.init ? groups.init : groups.app;
    if (auto it = by_name.find(a.container);
        it != by_name.end() && it->second.current->state == runtime::container_state::exited) {
      pod::crash_backoff::config cfg;
      cfg.initial = ctx.settings.backoff_initial;
      cfg.cap = ctx.settings.backoff_max;
      cfg.reset = ctx.settings.backoff_reset;
      backoffs.try_emplace(a.container, cfg)
        .first->second.record_restart(pod::from_runtime_ns(it->second.current->finished_at), now());
    }
    if (!sandbox_cfg || sandbox_cfg_id != sandbox_id) {  // adopted sandbox: same config again
      sandbox_cfg = pod::make_sandbox_config(*pod, snap && snap->sandbox ? snap->sandbox->attempt : 0,
                                             facts);
      sandbox_cfg_id = sandbox_id;
    }
    auto cfg = pod::make_container_config(*pod, *c, a.init, a.attempt, pod_ip, facts);
    if (ctx.metrics)
      ctx.metrics->container_start(container_type(a.init));
    rt->create_container(sandbox_id, cfg, *sandbox_cfg, timeout,
                         on_value<std::string>(answer(stage::created)));
    return;
  }
  case act::kill_container: {
    const auto* c = spec_container(a.container);
    auto t = now();
    kill_deadline = (deletion_started ? *deletion_started : t) + std::chrono::seconds(a.grace_seconds);
    container_id = a.container_id;
    event({a.container, a.init}, "Normal", "Killing",
          a.reason == "Stopping container" ? pod::wording::stopping(a.container) : a.reason);
    auto budget = left(kill_deadline, t);
    if (a.pre_stop && c && c->has_lifecycle() && c->lifecycle().has_prestop() &&
        budget.count() > 0) {
      prober->run_hook(c->lifecycle().prestop(), target(a.container_id, *c),
                       budget, on_hook(answer(stage::pre_stop)));
      return;
    }
    rt->stop_container(a.container_id, budget, on_status(answer(stage::stopped)));
    return;
  }
  case act::stop_sandbox:
    rt->stop_pod_sandbox(a.sandbox_id, timeout, on_status(answer(stage::sandbox_stopped)));
    return;
  case act::remove_sandbox:
    rt->remove_pod_sandbox(a.sandbox_id, timeout, on_status(answer(stage::sandbox_removed)));
    return;
  }
}

void pod_actor_state::on_step(uint64_t r, stage s, const call_result& res) {
  if (r != round || !busy || next_action >= actions.size())
    return;
  const pod::sync_action a = actions[next_action];
  const pod::event_target on{a.container, a.init};
  const auto& rt = ctx.runtime;
  const auto timeout = ctx.settings.runtime_timeout;
  const bool ok = res.status.is_ok();
  auto next = [this] {
    ++next_action;
    apply_next();
  };
  switch (s) {
  case stage::sandbox_run:
    if (ctx.metrics)
      ctx.metrics->sandbox_start(!ok);
    if (!ok) {
      event({}, "Warning", "FailedCreatePodSandBox",
            "Failed to create pod sandbox: " + res.status.to_string());
      end_round(false);
      return;
    }
    sandbox_id = res.value;
    sandbox_cfg_id = res.value;
    rt->pod_sandbox_status(sandbox_id, timeout, [f = answer(stage::sandbox_status)](
                                                  runtime::result<runtime::sandbox_info> i) {
      call_result out;
      if (i)
        out.ip = i->ip;
      else
        out.status = i.status();
      f(std::move(out));
    });
    return;
  case stage::sandbox_status:
    if (ok && !res.ip.empty())
      pod_ip = res.ip;
    next();
    return;
  case stage::pulled:
    if (!ok) {
      const auto err = res.status.to_string();
      event(on, "Warning", "Failed", pod::wording::failed_pull(a.image, err));
      event(on, "Warning", "Failed", "Error: ErrImagePull");
      auto d = pull_delay.count(a.image)
                 ? std::min(pull_delay[a.image] * 2, ctx.settings.backoff_max)
                 : ctx.settings.backoff_initial;
      pull_delay[a.image] = d;
      pull_failures[a.image] = pod::pull_failure{err, now() + d};
      errors[a.container] = pod::waiting_container{a.container, "ErrImagePull", err};
      end_round(false);
      return;
    }
    event(on, "Normal", "Pulled",
          pod::wording::pulled(a.image, std::chrono::duration_cast<milliseconds>(
                                          now() - action_began)));
    pull_failures.erase(a.image);
    pull_delay.erase(a.image);
    errors.erase(a.container);
    pulled_image = a.image;
    next();
    return;
  case stage::created:
    if (!ok) {
      if (ctx.metrics)
        ctx.metrics->container_start_error(container_type(a.init),
                                           runtime::to_string(res.status.get_code()));
      event(on, "Warning", "Failed", "Error: " + res.status.message());
      errors[a.container] =
        pod::waiting_container{a.container, "CreateContainerError", res.status.message()};
      end_round(false);
      return;
    }
    errors.erase(a.container);
    event(on, "Normal", "Created", pod::wording::created(a.container));
    container_id = res.value;
    rt->start_container(container_id, timeout, on_status(answer(stage::started)));
    return;
  case stage::started: {
    if (!ok) {  // kubelet: waiting RunContainerError, the StartError exit as lastState
      if (ctx.metrics)
        ctx.metrics->container_start_error(container_type(a.init),
                                           runtime::to_string(res.status.get_code()));
      event(on, "Warning", "Failed", "Error: " + res.status.message());
      errors[a.container] =
        pod::waiting_container{a.container, "RunContainerError", res.status.message()};
      end_round(false);
      return;
    }
    event(on, "Normal", "Started", pod::wording::started(a.container));
    const auto* c = spec_container(a.container);
    if (c && c->has_lifecycle() && c->lifecycle().has_poststart()) {
      prober->run_hook(c->lifecycle().poststart(), target(container_id, *c),
                       timeout, on_hook(answer(stage::post_start)));
      return;
    }
    next();
    return;
  }
  case stage::post_start:
    if (res.hook.passed()) {
      next();
      return;
    }
    // kubelet: a failed postStart hook kills the container; it restarts per restartPolicy.
    event(on, "Warning", "FailedPostStartHook", res.hook.message);
    event(on, "Normal", "Killing", "FailedPostStartHook");
    rt->stop_container(container_id, std::chrono::seconds(pod_grace_seconds(*pod)),
                       on_status(answer(stage::post_start_killed)));
    return;
  case stage::post_start_killed:
    end_round(false);
    return;
  case stage::pre_stop:
    if (!res.hook.passed())
      event(on, "Warning", "FailedPreStopHook", res.hook.message);
    rt->stop_container(container_id, left(kill_deadline, now()), on_status(answer(stage::stopped)));
    return;
  case stage::stopped:
  case stage::sandbox_stopped:
  case stage::sandbox_removed:
    if (!ok) {
      end_round(false);
      return;
    }
    next();
    return;
  }
}

} // namespace troupe::node_agent::pod_actor_detail
