// The node lifecycle controller against a store actor on a memory store, with a fake clock that
// the test moves (then check_atom makes every node monitor plan at once; no test waits for a
// grace period): a node that stops heartbeating goes Unknown with the unreachable taints, its
// pods get Ready=False and are evicted by their tolerations (NodeLost, graceful delete, events);
// a node that comes back loses the taints and a scheduled eviction is cancelled; a restarted
// controller gives an old heartbeat a fresh grace period. Most cases keep a healthy peer node
// beating: with every node silent the controller enters master disruption mode (no NoExecute
// taints; node_lifecycle_scenarios_test.cpp covers that).
#include "actors/controllers/node_lifecycle_actor.hpp"

#include <catch2/catch.hpp>

#include <atomic>

#include "tests/actors/controllers/controller_fixture.hpp"

using namespace troupe;
using namespace troupe::testing;
using namespace std::chrono_literals;

namespace {

namespace v1 = troupe::core::v1;

constexpr int64_t t0 = 1795737600;  // the fixture's store time: creation of every object

void set_conditions(v1::Node& n, const std::string& ready, int64_t beat) {
  n.mutable_status()->clear_conditions();
  for (const char* type : {"Ready", "MemoryPressure", "DiskPressure", "PIDPressure"}) {
    auto* c = n.mutable_status()->add_conditions();
    c->set_type(type);
    c->set_status(std::string(type) == "Ready" ? ready : "False");
    c->set_reason("Kubelet");
    c->mutable_lastheartbeattime()->set_seconds(beat);
    c->mutable_lasttransitiontime()->set_seconds(t0);
  }
}

v1::Node ready_node(const std::string& name, int64_t beat = t0) {
  auto n = make_node();
  n.mutable_metadata()->set_name(name);
  set_conditions(n, "True", beat);
  return n;
}

// A running pod on `node` with Ready True and the given unreachable toleration (seconds; -1 =
// forever; nullopt = none at all).
v1::Pod running_pod(const std::string& name, const std::string& node,
                    std::optional<int64_t> unreachable_seconds) {
  auto p = named_pod("default", name, node);
  if (unreachable_seconds) {
    auto* t = p.mutable_spec()->add_tolerations();
    t->set_key("node.kubernetes.io/unreachable");
    t->set_operator_("Exists");
    t->set_effect("NoExecute");
    if (*unreachable_seconds >= 0)
      t->set_tolerationseconds(*unreachable_seconds);
  }
  p.mutable_status()->set_phase("Running");
  for (const char* type : {"Ready", "ContainersReady"}) {
    auto* c = p.mutable_status()->add_conditions();
    c->set_type(type);
    c->set_status("True");
  }
  return p;
}

struct lifecycle_fixture : controller_fixture {
  std::atomic<int64_t> clock_seconds{t0};
  controllers::node_lifecycle_actor_type controller;

  void start() {
    controllers::node_lifecycle_options o;
    o.store = store;
    o.clock = [this] { return config::timestamp{clock_seconds.load(), 0}; };
    o.health.grace = 50s;
    o.health.startup_grace = 60s;
    o.request_timeout = 5s;
    controller = controllers::spawn_node_lifecycle(sys, o);
    actors.push_back(caf::actor_cast<caf::actor>(controller));
  }
  // Every monitor plans now; how many monitors there are.
  uint64_t check() {
    uint64_t monitors = 0;
    caf::scoped_actor self{sys};
    self->request(controller, 5s, controllers::check_atom::value)
      .receive([&](uint64_t n) { monitors = n; }, [&](caf::error&) {});
    return monitors;
  }
  // Nodes whose "agent" heartbeats at every at(): with every node silent the controller would
  // enter master disruption mode (zone_disruption.hpp) and taint nothing.
  std::vector<std::string> alive;
  void keep_alive(const std::string& name) {
    create("v1", "Node", ready_node(name));
    alive.push_back(name);
  }
  // Moves the fake clock to t0 + `offset`, has the live nodes heartbeat (at the new time, so
  // their monitors observe it then; the watch is asynchronous: a short wait for it), and every
  // monitor plan now.
  void at(int64_t offset) {
    clock_seconds = t0 + offset;
    for (const auto& name : alive) {
      auto n = node(name);
      set_conditions(n, "True", t0 + offset);
      update_node(n);
    }
    if (!alive.empty())
      std::this_thread::sleep_for(150ms);
    check();
  }
  // The monitors of `nodes` nodes have seen their Node (and its heartbeat) at the current time.
  bool observed(uint64_t nodes = 1) {
    return eventually([&] { return check() >= nodes; });
  }
  v1::Node node(const std::string& name) {
    auto r = db->get(kind("v1", "Node"), "", name);
    REQUIRE(r.ok());
    return static_cast<const v1::Node&>(*r->object);
  }
  std::optional<v1::Pod> pod(const std::string& name) {
    auto r = db->get(kind("v1", "Pod"), "default", name);
    if (!r.ok())
      return std::nullopt;
    return static_cast<const v1::Pod&>(*r->object);
  }
  static std::string condition(const v1::Pod& p, const std::string& type) {
    for (const auto& c : p.status().conditions())
      if (c.type() == type)
        return c.status();
    return "";
  }
  static std::string ready(const v1::Node& n) {
    for (const auto& c : n.status().conditions())
      if (c.type() == "Ready")
        return c.status() + "/" + c.reason();
    return "";
  }
  static std::string taints(const v1::Node& n) {
    std::string out;
    for (const auto& t : n.spec().taints())
      out += t.key() + ":" + t.effect() +
             (t.has_timeadded() ? "@" + std::to_string(t.timeadded().seconds() - t0) : "") + " ";
    return out;
  }
  // "reason: message" of every Event about `name`, in creation order of the list.
  std::vector<std::string> events_about(const std::string& name) {
    std::vector<std::string> out;
    store::list_options lo;
    auto r = db->list(kind("v1", "Event"), lo);
    if (!r.ok())
      return out;
    for (const auto& item : r->items) {
      const auto& e = static_cast<const v1::Event&>(*item.object);
      if (e.involvedobject().name() == name)
        out.push_back(e.type() + " " + e.reason() + ": " + e.message() + " (" +
                      e.source().component() + ")");
    }
    return out;
  }
  bool has_event(const std::string& name, const std::string& text) {
    return eventually([&] {
      auto all = events_about(name);
      return std::find(all.begin(), all.end(), text) != all.end();
    });
  }
  void update_node(const v1::Node& n) {
    auto copy = n;
    copy.mutable_metadata()->clear_resourceversion();
    REQUIRE(db->update(kind("v1", "Node"), copy).ok());
  }
};

} // namespace

TEST_CASE("node lifecycle: a silent node goes Unknown, its pods NotReady, then evicted by toleration",
          "[lifecycle]") {
  lifecycle_fixture f;
  f.create("v1", "Node", ready_node("node1"));
  f.create("v1", "Node", ready_node("node2"));
  f.create("v1", "Pod", running_pod("web", "node1", 300));     // the admission default
  f.create("v1", "Pod", running_pod("daemon", "node1", -1));   // tolerates forever
  f.create("v1", "Pod", running_pod("bare", "node1", std::nullopt));  // no toleration
  f.create("v1", "Pod", running_pod("other", "node2", 300));
  f.keep_alive("peer");
  f.start();
  REQUIRE(f.observed(3));

  // Within the grace: nothing.
  f.at(50);
  std::this_thread::sleep_for(100ms);
  CHECK(f.ready(f.node("node1")) == "True/Kubelet");
  CHECK(f.taints(f.node("node1")).empty());

  // node2 keeps heartbeating (as its session would); node1 is silent.
  auto n2 = f.node("node2");
  set_conditions(n2, "True", t0 + 45);
  f.update_node(n2);
  f.at(51);
  REQUIRE(f.eventually([&] { return f.ready(f.node("node1")) == "Unknown/NodeStatusUnknown"; }));
  // The NoExecute taint comes in a second write, when the node's turn in its zone's tainting
  // queue comes (at once here: the bucket is full).
  CHECK(f.eventually([&] {
    return f.taints(f.node("node1")) == "node.kubernetes.io/unreachable:NoSchedule "
                                        "node.kubernetes.io/unreachable:NoExecute@51 ";
  }));
  auto n1 = f.node("node1");
  for (const auto& c : n1.status().conditions()) {
    INFO(c.type());
    CHECK(c.status() == "Unknown");
    CHECK(c.message() == "Kubelet stopped posting node status.");
    CHECK(c.lasttransitiontime().seconds() == t0 + 51);
    CHECK(c.lastheartbeattime().seconds() == t0);
  }
  CHECK(f.ready(f.node("node2")) == "True/Kubelet");
  CHECK(f.has_event("node1", "Normal NodeNotReady: Node node1 status is now: NodeNotReady "
                             "(node-controller)"));

  // Pods: Ready False (ContainersReady untouched, as MarkPodsNotReady); the untolerating pod is
  // evicted at once, with NodeLost (kubectl: STATUS Unknown) and a graceful delete.
  CHECK(f.eventually([&] { return f.condition(*f.pod("web"), "Ready") == "False"; }));
  CHECK(f.condition(*f.pod("web"), "ContainersReady") == "True");
  CHECK(f.eventually([&] { return f.condition(*f.pod("daemon"), "Ready") == "False"; }));
  CHECK(f.has_event("web", "Warning NodeNotReady: Node is not ready (node-controller)"));
  REQUIRE(f.eventually([&] { return f.pod("bare")->metadata().has_deletiontimestamp(); }));
  auto bare = *f.pod("bare");
  CHECK(bare.status().reason() == "NodeLost");
  CHECK(bare.status().message() == "Node node1 which was running pod bare is unresponsive");
  CHECK(f.condition(bare, "DisruptionTarget") == "True");
  CHECK(bare.metadata().deletiongraceperiodseconds() == 30);
  CHECK(f.has_event("bare", "Normal TaintManagerEviction: Marking for deletion Pod default/bare "
                            "(taint-eviction-controller)"));
  CHECK_FALSE(f.pod("web")->metadata().has_deletiontimestamp());
  CHECK(f.condition(*f.pod("other"), "Ready") == "True");

  // 299 s after the taint: web still tolerates it; at 300 s it is evicted; daemon never.
  f.at(51 + 299);
  std::this_thread::sleep_for(100ms);
  CHECK_FALSE(f.pod("web")->metadata().has_deletiontimestamp());
  f.at(51 + 300);
  REQUIRE(f.eventually([&] { return f.pod("web")->metadata().has_deletiontimestamp(); }));
  CHECK(f.pod("web")->status().reason() == "NodeLost");
  CHECK(f.has_event("web", "Normal TaintManagerEviction: Marking for deletion Pod default/web "
                           "(taint-eviction-controller)"));
  // node2 fell silent at 50 + 50 too (nobody wrote its heartbeat since): tainted at 350, its
  // pod is not due before 650.
  CHECK_FALSE(f.pod("other")->metadata().has_deletiontimestamp());
  f.at(100000);
  CHECK(f.eventually([&] { return f.pod("other")->metadata().has_deletiontimestamp(); }));
  CHECK_FALSE(f.pod("daemon")->metadata().has_deletiontimestamp());
}

TEST_CASE("node lifecycle: a node that comes back loses the taints, the scheduled eviction is cancelled",
          "[lifecycle]") {
  lifecycle_fixture f;
  f.create("v1", "Node", ready_node("node1"));
  f.create("v1", "Pod", running_pod("web", "node1", 300));
  f.keep_alive("peer");
  f.start();
  REQUIRE(f.observed(2));
  f.at(60);
  REQUIRE(f.eventually([&] { return !f.taints(f.node("node1")).empty(); }));

  // The agent registers again: its session writes Ready True with a fresh heartbeat.
  auto n = f.node("node1");
  set_conditions(n, "True", t0 + 100);
  f.update_node(n);
  f.at(100);
  CHECK(f.eventually([&] { return f.taints(f.node("node1")).empty(); }));
  CHECK(f.ready(f.node("node1")) == "True/Kubelet");
  CHECK(f.has_event("web", "Normal TaintManagerEviction: Cancelling deletion of Pod default/web "
                           "(taint-eviction-controller)"));
  f.at(60 + 400);  // past the toleration that no longer applies; the heartbeat is checked at 150
  std::this_thread::sleep_for(150ms);
  CHECK_FALSE(f.pod("web")->metadata().has_deletiontimestamp());
}

TEST_CASE("node lifecycle: Ready False from the agent taints not-ready, pods are left to the agent",
          "[lifecycle]") {
  lifecycle_fixture f;
  auto n = ready_node("node1");
  set_conditions(n, "False", t0);
  f.create("v1", "Node", n);
  f.create("v1", "Pod", running_pod("web", "node1", 300));
  f.keep_alive("peer");
  f.start();
  REQUIRE(f.eventually([&] {
    return f.taints(f.node("node1")) == "node.kubernetes.io/not-ready:NoSchedule "
                                        "node.kubernetes.io/not-ready:NoExecute@0 ";
  }));
  // The web pod tolerates unreachable only: not-ready:NoExecute evicts it at once.
  REQUIRE(f.eventually([&] { return f.pod("web")->metadata().has_deletiontimestamp(); }));
  CHECK(f.pod("web")->status().reason().empty());  // the node is not unreachable: no NodeLost
  CHECK(f.condition(*f.pod("web"), "Ready") == "True");  // the agent owns pod status then
}

TEST_CASE("node lifecycle: a restarted controller gives an old heartbeat a fresh grace period",
          "[lifecycle]") {
  lifecycle_fixture f;
  f.create("v1", "Node", ready_node("node1", t0 - 3600));  // an hour old (the server was down)
  f.start();
  REQUIRE(f.observed());
  f.at(10);
  std::this_thread::sleep_for(150ms);
  CHECK(f.ready(f.node("node1")) == "True/Kubelet");
  f.at(51);
  CHECK(f.eventually([&] { return f.ready(f.node("node1")) == "Unknown/NodeStatusUnknown"; }));
}

TEST_CASE("node lifecycle: a pod bound later to an unreachable node is evicted by its tolerations",
          "[lifecycle]") {
  lifecycle_fixture f;
  f.create("v1", "Node", ready_node("node1"));
  f.keep_alive("peer");
  f.start();
  REQUIRE(f.observed(2));
  f.at(60);
  REQUIRE(f.eventually([&] { return !f.taints(f.node("node1")).empty(); }));
  f.create("v1", "Pod", running_pod("late", "node1", std::nullopt));
  f.create("v1", "Pod", running_pod("patient", "node1", 30));
  CHECK(f.eventually([&] { return f.pod("late")->metadata().has_deletiontimestamp(); }));
  std::this_thread::sleep_for(100ms);
  CHECK_FALSE(f.pod("patient")->metadata().has_deletiontimestamp());
  f.at(60 + 30);  // counted from the taint's timeAdded, not from the pod's arrival
  CHECK(f.eventually([&] { return f.pod("patient")->metadata().has_deletiontimestamp(); }));
}

TEST_CASE("node lifecycle: a monitor per node, dropped when the node and its pods are gone",
          "[lifecycle]") {
  lifecycle_fixture f;
  f.create("v1", "Node", ready_node("node1"));
  f.create("v1", "Node", ready_node("node2"));
  f.create("v1", "Pod", running_pod("web", "node2", 300));
  f.create("v1", "Pod", running_pod("ghost", "node3", 300));  // bound to a node never created
  f.create("v1", "Pod", named_pod("default", "pending"));     // unbound: not its business
  f.start();
  REQUIRE(f.observed(3));
  store::delete_options now_opts;
  REQUIRE(f.db->remove(f.kind("v1", "Node"), "", "node1", now_opts, f.now).ok());
  CHECK(f.eventually([&] { return f.check() == 2; }));
  REQUIRE(f.db->remove(f.kind("v1", "Node"), "", "node2", now_opts, f.now).ok());
  std::this_thread::sleep_for(100ms);
  CHECK(f.check() == 2);  // web is still bound to node2
  REQUIRE(f.db->remove(f.kind("v1", "Pod"), "default", "web", now_opts, f.now).ok());
  REQUIRE(f.db->remove(f.kind("v1", "Pod"), "default", "ghost", now_opts, f.now).ok());
  CHECK(f.eventually([&] { return f.check() == 0; }));
}

TEST_CASE("node lifecycle: Node writes are conditional and retried, no update is lost",
          "[lifecycle]") {
  lifecycle_fixture f;
  f.create("v1", "Node", ready_node("node1"));
  f.keep_alive("peer");
  f.start();
  REQUIRE(f.observed(2));
  // Another writer changes an annotation 300 times (read-modify-write with resourceVersion, as
  // kubectl annotate does) while the controller marks the node Unknown.
  std::atomic<int> conflicts{0};
  std::thread writer([&] {
    for (int i = 0; i < 300; ++i) {
      for (;;) {
        auto got = f.db->get(f.kind("v1", "Node"), "", "node1");
        if (!got.ok())
          return;
        auto n = static_cast<const v1::Node&>(*got->object);
        (*n.mutable_metadata()->mutable_annotations())["example.com/n"] = std::to_string(i);
        auto w = f.db->update(f.kind("v1", "Node"), n);
        if (w.ok())
          break;
        ++conflicts;
      }
    }
  });
  f.at(60);
  writer.join();
  CHECK(f.eventually([&] { return f.ready(f.node("node1")) == "Unknown/NodeStatusUnknown"; }));
  CHECK(f.eventually([&] {
    return f.taints(f.node("node1")) == "node.kubernetes.io/unreachable:NoSchedule "
                                        "node.kubernetes.io/unreachable:NoExecute@60 ";
  }));
  CHECK(f.node("node1").metadata().annotations().at("example.com/n") == "299");
  // Which of the two writers met a conflict depends on timing; neither update may be lost.
  (void)conflicts;
}
