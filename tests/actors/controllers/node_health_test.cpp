// The node lifecycle controller's pure decisions (node_health.hpp), by table: heartbeat
// observation, staleness with the grace periods, conditions to Unknown, the NoExecute and
// NoSchedule taints, and MarkPodsNotReady for one pod.
#include "actors/controllers/node_health.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <sstream>

#include "tests/config/object_factories.hpp"

using namespace troupe;
using namespace troupe::controllers;
using namespace std::chrono_literals;

namespace {

namespace v1 = troupe::core::v1;

constexpr int64_t t0 = 1795737600;  // creation; heartbeats are seconds after it

config::timestamp at(int64_t offset) { return {t0 + offset, 0}; }

v1::NodeCondition* set_condition(v1::Node& n, const std::string& type, const std::string& status,
                                 int64_t beat = 0) {
  v1::NodeCondition* c = nullptr;
  for (auto& x : *n.mutable_status()->mutable_conditions())
    if (x.type() == type)
      c = &x;
  if (c == nullptr) {
    c = n.mutable_status()->add_conditions();
    c->set_type(type);
  }
  c->set_status(status);
  c->set_reason("Kubelet" + type);
  c->set_message("from the kubelet");
  c->mutable_lastheartbeattime()->set_seconds(t0 + beat);
  c->mutable_lasttransitiontime()->set_seconds(t0);
  return c;
}

// A registered node with every monitored condition, Ready True, heartbeat at t0 + `beat`.
v1::Node healthy_node(int64_t beat = 0) {
  auto n = testing::make_node();
  n.mutable_metadata()->mutable_creationtimestamp()->set_seconds(t0);
  n.mutable_metadata()->set_resourceversion("7");
  set_condition(n, "Ready", "True", beat);
  set_condition(n, "MemoryPressure", "False", beat);
  set_condition(n, "DiskPressure", "False", beat);
  set_condition(n, "PIDPressure", "False", beat);
  return n;
}

void add_taint(v1::Node& n, const std::string& key, const std::string& effect,
               std::optional<int64_t> added = std::nullopt, const std::string& value = "") {
  auto* t = n.mutable_spec()->add_taints();
  t->set_key(key);
  t->set_effect(effect);
  if (!value.empty())
    t->set_value(value);
  if (added)
    t->mutable_timeadded()->set_seconds(t0 + *added);
}

// "key:effect@offset" per taint, in order ("@-" without timeAdded).
std::string taints_of(const v1::Node& n) {
  std::ostringstream out;
  for (const auto& t : n.spec().taints()) {
    out << t.key().substr(t.key().find('/') + 1) << ':' << t.effect() << '@';
    if (t.has_timeadded())
      out << t.timeadded().seconds() - t0;
    else
      out << '-';
    out << ' ';
  }
  return out.str();
}

// "Type=Status/Reason(heartbeat,transition)" per condition, offsets from t0.
std::string conditions_of(const v1::Node& n) {
  std::ostringstream out;
  for (const auto& c : n.status().conditions())
    out << c.type() << '=' << c.status() << '/' << c.reason() << '('
        << c.lastheartbeattime().seconds() - t0 << ',' << c.lasttransitiontime().seconds() - t0
        << ") ";
  return out.str();
}

node_health_options options() {
  node_health_options o;
  o.grace = 50s;
  o.startup_grace = 60s;
  return o;
}

} // namespace

TEST_CASE("observe_heartbeat: the probe moves when the heartbeat changes", "[lifecycle]") {
  auto n = healthy_node(0);
  auto first = observe_heartbeat({}, n, at(5));
  CHECK(first.seen);
  CHECK(first.has_ready);
  CHECK(first.probe == at(5));  // first sight starts the clock, whatever the heartbeat says

  auto same = observe_heartbeat(first, n, at(30));
  CHECK(same.probe == at(5));  // unchanged heartbeat: the probe stays

  auto beat = healthy_node(20);
  auto moved = observe_heartbeat(same, beat, at(31));
  CHECK(moved.probe == at(31));
  CHECK(moved.heartbeat == t0 + 20);

  auto bare = testing::make_node();  // no Ready condition at all
  auto no_ready = observe_heartbeat({}, bare, at(2));
  CHECK_FALSE(no_ready.has_ready);
  auto now_ready = observe_heartbeat(no_ready, healthy_node(0), at(9));
  CHECK(now_ready.probe == at(9));  // Ready appearing counts as a heartbeat
}

TEST_CASE("plan_node_health: staleness, conditions and taints", "[lifecycle]") {
  struct row {
    const char* name;
    std::function<v1::Node()> node;
    int64_t probe;  // the controller saw the current heartbeat at t0 + probe
    int64_t now;
    bool update;
    std::string ready;
    std::string conditions;  // "" when not updated
    std::string taints;      // after the plan
    std::optional<int64_t> deadline;
  };
  const std::string all_unknown =
    "Ready=Unknown/NodeStatusUnknown(0,60) MemoryPressure=Unknown/NodeStatusUnknown(0,60) "
    "DiskPressure=Unknown/NodeStatusUnknown(0,60) PIDPressure=Unknown/NodeStatusUnknown(0,60) ";
  const row rows[] = {
    {"fresh heartbeat: nothing to do, stale at probe + grace", [] { return healthy_node(); }, 0,
     10, false, "True", "", "", 50},
    {"exactly at the grace: not stale yet (After, not equal)", [] { return healthy_node(); }, 0,
     50, false, "True", "", "", 50},
    {"past the grace: every condition Unknown, unreachable taints",
     [] { return healthy_node(); }, 0, 60, true, "Unknown", all_unknown,
     "unreachable:NoSchedule@- unreachable:NoExecute@60 ", std::nullopt},
    {"the grace counts from the probe, not from the heartbeat's value",
     [] { return healthy_node(); }, 30, 60, false, "True", "", "", 80},
    {"stale and Unknown already: the taints exist, nothing to write",
     [] {
       auto n = healthy_node();
       for (auto* t : {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"})
         set_condition(n, t, "Unknown");
       add_taint(n, taint_unreachable, "NoSchedule");
       add_taint(n, taint_unreachable, "NoExecute", 55);
       return n;
     },
     0, 90, false, "Unknown", "", "unreachable:NoSchedule@- unreachable:NoExecute@55 ",
     std::nullopt},
    {"stale: missing conditions are added as never updated",
     [] {
       auto n = healthy_node();
       n.mutable_status()->mutable_conditions()->DeleteSubrange(1, 3);
       return n;
     },
     0, 60, true, "Unknown",
     "Ready=Unknown/NodeStatusUnknown(0,60) MemoryPressure=Unknown/NodeStatusNeverUpdated(0,60) "
     "DiskPressure=Unknown/NodeStatusNeverUpdated(0,60) "
     "PIDPressure=Unknown/NodeStatusNeverUpdated(0,60) ",
     "unreachable:NoSchedule@- unreachable:NoExecute@60 ", std::nullopt},
    {"never posted Ready: the startup grace applies (not stale at 55 s)",
     [] { return testing::make_node(); }, 0, 55, false, "", "", "", 60},
    {"never posted Ready, past the startup grace: NodeStatusNeverUpdated",
     [] {
       auto n = testing::make_node();
       n.mutable_metadata()->mutable_creationtimestamp()->set_seconds(t0);
       return n;
     },
     0, 61, true, "Unknown",
     "Ready=Unknown/NodeStatusNeverUpdated(0,61) "
     "MemoryPressure=Unknown/NodeStatusNeverUpdated(0,61) "
     "DiskPressure=Unknown/NodeStatusNeverUpdated(0,61) "
     "PIDPressure=Unknown/NodeStatusNeverUpdated(0,61) ",
     "unreachable:NoSchedule@- unreachable:NoExecute@61 ", std::nullopt},
    {"Ready False from the kubelet: not-ready taints, conditions untouched",
     [] {
       auto n = healthy_node();
       set_condition(n, "Ready", "False");
       return n;
     },
     0, 10, true, "False",
     "Ready=False/KubeletReady(0,0) MemoryPressure=False/KubeletMemoryPressure(0,0) "
     "DiskPressure=False/KubeletDiskPressure(0,0) PIDPressure=False/KubeletPIDPressure(0,0) ",
     "not-ready:NoSchedule@- not-ready:NoExecute@10 ", 50},
    {"Unknown turns False: unreachable swapped for not-ready",
     [] {
       auto n = healthy_node();
       set_condition(n, "Ready", "False");
       add_taint(n, taint_unreachable, "NoSchedule");
       add_taint(n, taint_unreachable, "NoExecute", 3);
       return n;
     },
     0, 10, true, "False", "", "not-ready:NoSchedule@- not-ready:NoExecute@10 ", 50},
    {"Ready again: the controller's taints go, users' stay in place",
     [] {
       auto n = healthy_node();
       add_taint(n, "dedicated", "NoSchedule", std::nullopt, "db");
       add_taint(n, taint_unreachable, "NoSchedule");
       add_taint(n, taint_unreachable, "NoExecute", 3);
       add_taint(n, "example.com/drain", "NoExecute", 4);
       return n;
     },
     0, 10, true, "True", "", "dedicated:NoSchedule@- drain:NoExecute@4 ", 50},
    {"a managed taint with another effect is not ours: PreferNoSchedule stays",
     [] {
       auto n = healthy_node();
       add_taint(n, taint_unreachable, "PreferNoSchedule");
       return n;
     },
     0, 10, false, "True", "", "unreachable:PreferNoSchedule@- ", 50},
    {"pressure conditions and cordon become NoSchedule taints",
     [] {
       auto n = healthy_node();
       set_condition(n, "MemoryPressure", "True");
       set_condition(n, "DiskPressure", "True");
       set_condition(n, "PIDPressure", "True");
       set_condition(n, "NetworkUnavailable", "True");
       n.mutable_spec()->set_unschedulable(true);
       return n;
     },
     0, 10, true, "True", "",
     "memory-pressure:NoSchedule@- disk-pressure:NoSchedule@- pid-pressure:NoSchedule@- "
     "network-unavailable:NoSchedule@- unschedulable:NoSchedule@- ",
     50},
    {"pressure over: its taint goes",
     [] {
       auto n = healthy_node();
       add_taint(n, taint_memory_pressure, "NoSchedule");
       add_taint(n, taint_unschedulable, "NoSchedule");
       return n;
     },
     0, 10, true, "True", "", "", 50},
    {"no Ready condition: a user's not-ready NoExecute taint is left alone",
     [] {
       auto n = testing::make_node();
       add_taint(n, taint_not_ready, "NoExecute", 1);
       return n;
     },
     0, 10, false, "", "", "not-ready:NoExecute@1 ", 60},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto n = r.node();
    heartbeat_observation seen = observe_heartbeat({}, n, at(r.probe));
    auto plan = plan_node_health(n, seen, at(r.now), options());
    CHECK(plan.update.has_value() == r.update);
    CHECK(plan.ready == r.ready);
    const auto& after = plan.update ? *plan.update : n;
    if (plan.update && !r.conditions.empty())
      CHECK(conditions_of(after) == r.conditions);
    CHECK(taints_of(after) == r.taints);
    CHECK(plan.stale == !r.deadline.has_value());
    if (r.deadline) {
      REQUIRE(plan.deadline);
      CHECK(plan.deadline->seconds - t0 == *r.deadline);
    } else {
      CHECK_FALSE(plan.deadline);
    }
    if (plan.update)
      CHECK(plan.update->metadata().resourceversion() == n.metadata().resourceversion());
  }
}

TEST_CASE("plan_node_health: stale messages are Kubernetes'", "[lifecycle]") {
  auto n = healthy_node();
  n.mutable_status()->mutable_conditions()->DeleteSubrange(3, 1);  // no PIDPressure
  auto plan = plan_node_health(n, observe_heartbeat({}, n, at(0)), at(51), options());
  REQUIRE(plan.update);
  const auto& conds = plan.update->status().conditions();
  REQUIRE(conds.size() == 4);
  CHECK(conds[0].message() == "Kubelet stopped posting node status.");
  CHECK(conds[0].lastheartbeattime().seconds() == t0);  // kept
  CHECK(conds[3].type() == "PIDPressure");
  CHECK(conds[3].message() == "Kubelet never posted node status.");
}

TEST_CASE("pod_marked_not_ready: only an existing Ready condition flips", "[lifecycle]") {
  auto pod = testing::make_pod();
  CHECK_FALSE(pod_marked_not_ready(pod, at(1)));  // no conditions

  auto* ready = pod.mutable_status()->add_conditions();
  ready->set_type("Ready");
  ready->set_status("True");
  ready->mutable_lasttransitiontime()->set_seconds(t0);
  auto* containers = pod.mutable_status()->add_conditions();
  containers->set_type("ContainersReady");
  containers->set_status("True");
  auto marked = pod_marked_not_ready(pod, at(70));
  REQUIRE(marked);
  CHECK(marked->status().conditions(0).status() == "False");
  CHECK(marked->status().conditions(0).lasttransitiontime().seconds() == t0 + 70);
  CHECK(marked->status().conditions(1).status() == "True");  // as MarkPodsNotReady: Ready only
  CHECK_FALSE(pod_marked_not_ready(*marked, at(80)));         // False already
}

TEST_CASE("timestamp arithmetic", "[lifecycle]") {
  CHECK(add_duration({10, 900000000}, 200ms) == config::timestamp{11, 100000000});
  CHECK(add_duration({10, 100000000}, -200ms) == config::timestamp{9, 900000000});
  CHECK(earlier({10, 5}, {10, 6}));
  CHECK_FALSE(earlier({10, 6}, {10, 6}));
  CHECK(between({10, 0}, {12, 500000000}) == 2500ms);
  CHECK(between({12, 0}, {10, 0}) == -2000ms);
}
