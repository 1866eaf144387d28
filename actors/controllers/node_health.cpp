#include "actors/controllers/node_health.hpp"

#include <algorithm>

namespace troupe::controllers {

namespace {

namespace v1 = troupe::core::v1;

const char* const monitored_conditions[] = {"Ready", "MemoryPressure", "DiskPressure",
                                            "PIDPressure"};

meta::Time to_time(config::timestamp t) {
  meta::Time out;
  out.set_seconds(t.seconds);  // Kubernetes' Time has second precision
  return out;
}

const v1::NodeCondition* find_condition(const v1::NodeStatus& s, const std::string& type) {
  for (const auto& c : s.conditions())
    if (c.type() == type)
      return &c;
  return nullptr;
}

bool condition_is(const v1::Node& node, const char* type, const char* status) {
  const auto* c = find_condition(node.status(), type);
  return c != nullptr && c->status() == status;
}

// Sets every monitored condition Unknown (the stale-node rule in the header); true if any changed.
bool mark_conditions_unknown(v1::Node& node, config::timestamp now) {
  bool changed = false;
  auto* status = node.mutable_status();
  for (const char* type : monitored_conditions) {
    v1::NodeCondition* c = nullptr;
    for (auto& x : *status->mutable_conditions())
      if (x.type() == type)
        c = &x;
    if (c == nullptr) {
      c = status->add_conditions();
      c->set_type(type);
      c->set_status("Unknown");
      c->set_reason("NodeStatusNeverUpdated");
      c->set_message("Kubelet never posted node status.");
      *c->mutable_lastheartbeattime() = node.metadata().creationtimestamp();
      *c->mutable_lasttransitiontime() = to_time(now);
      changed = true;
    } else if (c->status() != "Unknown") {
      c->set_status("Unknown");
      c->set_reason("NodeStatusUnknown");
      c->set_message("Kubelet stopped posting node status.");
      *c->mutable_lasttransitiontime() = to_time(now);
      changed = true;
    }
  }
  return changed;
}

struct managed_taint {
  const char* key;
  const char* effect;
  bool wanted;
};

} // namespace

config::timestamp add_duration(config::timestamp t, std::chrono::milliseconds d) {
  int64_t nanos = t.seconds * 1000000000LL + t.nanos +
                  std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  int64_t secs = nanos / 1000000000LL;
  int64_t rest = nanos % 1000000000LL;
  if (rest < 0) {
    rest += 1000000000LL;
    --secs;
  }
  return {secs, static_cast<int32_t>(rest)};
}

bool earlier(config::timestamp a, config::timestamp b) {
  return a.seconds != b.seconds ? a.seconds < b.seconds : a.nanos < b.nanos;
}

std::chrono::milliseconds between(config::timestamp a, config::timestamp b) {
  const int64_t ns = (b.seconds - a.seconds) * 1000000000LL + (int64_t{b.nanos} - a.nanos);
  return std::chrono::milliseconds(ns / 1000000);
}

std::string ready_status(const v1::Node& node) {
  const auto* c = find_condition(node.status(), "Ready");
  return c != nullptr ? c->status() : std::string();
}

heartbeat_observation observe_heartbeat(const heartbeat_observation& before, const v1::Node& node,
                                        config::timestamp now) {
  const auto* ready = find_condition(node.status(), "Ready");
  const bool has_ready = ready != nullptr;
  const int64_t beat = has_ready ? ready->lastheartbeattime().seconds() : 0;
  if (before.seen && before.has_ready == has_ready && before.heartbeat == beat)
    return before;
  return {true, has_ready, beat, now};
}

bool has_condition_no_execute_taint(const v1::Node& node) {
  const char* key = condition_is(node, "Ready", "False")     ? taint_not_ready
                    : condition_is(node, "Ready", "Unknown") ? taint_unreachable
                                                             : nullptr;
  if (key == nullptr)
    return false;
  for (const auto& t : node.spec().taints())
    if (t.key() == key && t.effect() == "NoExecute")
      return true;
  return false;
}

std::vector<v1::Taint> condition_taints(const v1::Node& node, config::timestamp now,
                                        bool& changed, no_execute_policy policy) {
  const bool ready_false = condition_is(node, "Ready", "False");
  const bool ready_unknown = condition_is(node, "Ready", "Unknown");
  const bool has_ready = find_condition(node.status(), "Ready") != nullptr;
  std::vector<managed_taint> managed = {
    {taint_not_ready, "NoSchedule", ready_false},
    {taint_unreachable, "NoSchedule", ready_unknown},
    {taint_memory_pressure, "NoSchedule", condition_is(node, "MemoryPressure", "True")},
    {taint_disk_pressure, "NoSchedule", condition_is(node, "DiskPressure", "True")},
    {taint_pid_pressure, "NoSchedule", condition_is(node, "PIDPressure", "True")},
    {taint_network_unavailable, "NoSchedule", condition_is(node, "NetworkUnavailable", "True")},
    {taint_unschedulable, "NoSchedule", node.spec().unschedulable()},
  };
  if (has_ready) {  // without Ready the NoExecute pass leaves the node alone
    bool not_ready = ready_false;
    bool unreachable = ready_unknown;
    if (policy == no_execute_policy::clear) {
      not_ready = unreachable = false;
    } else if (policy == no_execute_policy::hold) {
      // Only what is there already, swapped to the condition (SwapNodeControllerTaint).
      bool present = false;
      for (const auto& t : node.spec().taints())
        if (t.effect() == "NoExecute" && (t.key() == taint_not_ready || t.key() == taint_unreachable))
          present = true;
      not_ready = not_ready && present;
      unreachable = unreachable && present;
    }
    managed.push_back({taint_not_ready, "NoExecute", not_ready});
    managed.push_back({taint_unreachable, "NoExecute", unreachable});
  }
  auto find_managed = [&](const v1::Taint& t) -> managed_taint* {
    for (auto& m : managed)
      if (t.key() == m.key && t.effect() == m.effect)
        return &m;
    return nullptr;
  };
  changed = false;
  std::vector<v1::Taint> out;
  std::vector<const managed_taint*> present;
  for (const auto& t : node.spec().taints()) {
    const auto* m = find_managed(t);
    if (m != nullptr && !m->wanted) {
      changed = true;
      continue;
    }
    if (m != nullptr)
      present.push_back(m);
    out.push_back(t);
  }
  for (const auto& m : managed) {
    if (!m.wanted || std::find(present.begin(), present.end(), &m) != present.end())
      continue;
    v1::Taint t;
    t.set_key(m.key);
    t.set_effect(m.effect);
    if (std::string(m.effect) == "NoExecute")
      *t.mutable_timeadded() = to_time(now);
    out.push_back(std::move(t));
    changed = true;
  }
  return out;
}

node_health_plan plan_node_health(const v1::Node& node, const heartbeat_observation& seen,
                                  config::timestamp now, const node_health_options& options,
                                  no_execute_policy policy) {
  // Called on every heartbeat of every node: the Node is copied only when something changes.
  node_health_plan plan;
  std::optional<v1::Node> next;
  const auto grace = seen.has_ready ? options.grace : options.startup_grace;
  const auto stale_at = add_duration(seen.probe, grace);
  if (seen.seen && earlier(stale_at, now)) {
    plan.stale = true;
    next = node;
    if (!mark_conditions_unknown(*next, now))
      next.reset();
  } else {
    plan.deadline = seen.seen ? stale_at : add_duration(now, grace);
  }
  bool taints_changed = false;
  auto taints = condition_taints(next ? *next : node, now, taints_changed, policy);
  if (taints_changed) {
    if (!next)
      next = node;
    auto* list = next->mutable_spec()->mutable_taints();
    list->Clear();
    for (auto& t : taints)
      *list->Add() = std::move(t);
  }
  plan.ready = ready_status(next ? *next : node);
  plan.update = std::move(next);
  return plan;
}

std::optional<v1::Pod> pod_marked_not_ready(const v1::Pod& pod, config::timestamp now) {
  for (int i = 0; i < pod.status().conditions_size(); ++i) {
    const auto& c = pod.status().conditions(i);
    if (c.type() != "Ready")
      continue;
    if (c.status() == "False")
      return std::nullopt;
    v1::Pod out = pod;
    auto* m = out.mutable_status()->mutable_conditions(i);
    m->set_status("False");
    *m->mutable_lasttransitiontime() = to_time(now);
    return out;
  }
  return std::nullopt;
}

} // namespace troupe::controllers
