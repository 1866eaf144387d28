#include "actors/nodes/node_registration.hpp"

#include <cstdio>

namespace troupe::nodes {

namespace {

meta::Time to_time(config::timestamp t) {
  meta::Time out;
  out.set_seconds(t.seconds);
  return out;  // Kubernetes' Time has second precision
}

const core::v1::NodeCondition* find_condition(const core::v1::NodeStatus& s, const std::string& type) {
  for (const auto& c : s.conditions())
    if (c.type() == type)
      return &c;
  return nullptr;
}

} // namespace

bool is_agent_label(const std::string& key) {
  return key == "kubernetes.io/hostname" || key == "kubernetes.io/os" ||
         key == "kubernetes.io/arch" || key == "beta.kubernetes.io/os" ||
         key == "beta.kubernetes.io/arch";
}

core::v1::Node merge_registered_node(const core::v1::Node* existing, const core::v1::Node& reported,
                                     config::timestamp now) {
  if (!existing) {
    core::v1::Node fresh = reported;
    fresh.mutable_metadata()->clear_resourceversion();
    fresh.mutable_metadata()->clear_uid();
    *fresh.mutable_status() = merge_node_status({}, reported.status(), now);
    return fresh;
  }
  core::v1::Node out = *existing;
  auto& labels = *out.mutable_metadata()->mutable_labels();
  for (auto i = labels.begin(); i != labels.end();)
    i = is_agent_label(i->first) && !reported.metadata().labels().count(i->first) ? labels.erase(i)
                                                                                  : std::next(i);
  for (const auto& [k, v] : reported.metadata().labels())
    if (is_agent_label(k))
      labels[k] = v;
  if (out.spec().podcidr().empty() && !reported.spec().podcidr().empty()) {
    out.mutable_spec()->set_podcidr(reported.spec().podcidr());
    *out.mutable_spec()->mutable_podcidrs() = reported.spec().podcidrs();
  }
  *out.mutable_status() = merge_node_status(existing->status(), reported.status(), now);
  return out;
}

core::v1::NodeStatus merge_node_status(const core::v1::NodeStatus& current,
                                       const core::v1::NodeStatus& reported, config::timestamp now) {
  core::v1::NodeStatus out = reported;
  for (auto& c : *out.mutable_conditions()) {
    *c.mutable_lastheartbeattime() = to_time(now);
    const auto* before = find_condition(current, c.type());
    if (before && before->status() == c.status() && before->has_lasttransitiontime())
      *c.mutable_lasttransitiontime() = before->lasttransitiontime();
    else if (!c.has_lasttransitiontime() || (before && before->status() != c.status()))
      *c.mutable_lasttransitiontime() = to_time(now);
  }
  return out;
}

core::v1::NodeStatus refresh_heartbeat(const core::v1::NodeStatus& current, config::timestamp now) {
  core::v1::NodeStatus out = current;
  for (auto& c : *out.mutable_conditions())
    *c.mutable_lastheartbeattime() = to_time(now);
  return out;
}

std::optional<config::timestamp> last_heartbeat(const core::v1::NodeStatus& status) {
  std::optional<config::timestamp> out;
  for (const auto& c : status.conditions()) {
    if (!c.has_lastheartbeattime())
      continue;
    const config::timestamp t{c.lastheartbeattime().seconds(), 0};
    if (!out || t.seconds > out->seconds)
      out = t;
  }
  return out;
}

bool heartbeat_due(config::timestamp last_write, config::timestamp now,
                   std::chrono::milliseconds every) {
  const int64_t elapsed_ns = (now.seconds - last_write.seconds) * 1000000000LL +
                             (static_cast<int64_t>(now.nanos) - last_write.nanos);
  return elapsed_ns >= std::chrono::duration_cast<std::chrono::nanoseconds>(every).count();
}

std::optional<core::v1::Pod> pod_status_write(const core::v1::Pod& current,
                                              const core::v1::Pod& reported,
                                              const std::string& node) {
  if (reported.metadata().uid().empty() || current.metadata().uid() != reported.metadata().uid() ||
      current.spec().nodename() != node)
    return std::nullopt;
  core::v1::Pod out = current;
  *out.mutable_status() = reported.status();
  return out;
}

core::v1::Event prepare_event(core::v1::Event event, config::timestamp now) {
  auto* meta = event.mutable_metadata();
  if (meta->namespace_().empty())
    meta->set_namespace_(event.involvedobject().namespace_().empty()
                           ? std::string("default")
                           : event.involvedobject().namespace_());
  if (meta->name().empty()) {
    char suffix[24];
    const auto nanos = static_cast<unsigned long long>(now.seconds) * 1000000000ULL +
                       static_cast<unsigned long long>(now.nanos);
    std::snprintf(suffix, sizeof suffix, "%llx", nanos);
    const auto& base = event.involvedobject().name();
    meta->set_name((base.empty() ? std::string("event") : base) + "." + suffix);
  }
  meta->clear_resourceversion();
  return event;
}

} // namespace troupe::nodes
