// Node lifecycle scenarios on an in-process cluster (tests/support/hollow_cluster.hpp): hollow
// nodes (real node and pod actors on fake runtimes, their sessions on the registry) and the node
// lifecycle controller on one store actor. The sessions and the controller each read their own
// fake clock, which the test moves: a frozen session clock is a node whose heartbeats no longer
// reach the store (the agent keeps its connection: no re-register), a moved controller clock
// lets the grace period pass at once.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "actors/controllers/node_lifecycle_actor.hpp"
#include "tests/support/hollow_cluster.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe;
using namespace std::chrono_literals;
using troupe::testing::hollow_cluster;

namespace {

struct fake_clock {
  std::shared_ptr<std::atomic<int64_t>> seconds =
    std::make_shared<std::atomic<int64_t>>(hollow_cluster::now().seconds);
  std::function<config::timestamp()> fn() const {
    auto s = seconds;
    return [s] { return config::timestamp{s->load(), 0}; };
  }
  void advance(int64_t by) { *seconds += by; }
};

struct lifecycle_scenario {
  fake_clock session_clock;
  fake_clock controller_clock;
  std::unique_ptr<hollow_cluster> cluster;
  controllers::node_lifecycle_actor_type controller;

  /// `fake_clocks`: the sessions and the controller read the fake clocks (grace 50 s); else
  /// the wall clock, the sessions beat every 200 ms and the grace is 2 s (real time passes).
  explicit lifecycle_scenario(const std::vector<testing::hollow_node_spec>& nodes,
                              bool fake_clocks = true) {
    nodes::node_session_options session;
    if (fake_clocks) {
      session.status_update_frequency = 10s;  // of the session's fake clock
      session.clock = session_clock.fn();
    } else {
      session.status_update_frequency = 200ms;
    }
    cluster = std::make_unique<hollow_cluster>(session);
    v1::Namespace ns;
    ns.mutable_metadata()->set_name("default");
    cluster->db().create(hollow_cluster::kind("v1", "Namespace"), ns, hollow_cluster::now());
    for (const auto& n : nodes)
      cluster->add_node(n);
    auto clock = fake_clocks ? controller_clock.fn() : std::function<config::timestamp()>{};
    auto a = cluster->add_control([clock, fake_clocks, this](caf::actor_system& sys,
                                                             protocol::store_actor_type store) {
      controllers::node_lifecycle_options o;
      o.store = store;
      o.clock = clock;
      o.health.grace = fake_clocks ? 50s : 2s;
      o.health.startup_grace = fake_clocks ? 60s : 2s;
      o.log = [this](const std::string& line) {
        std::lock_guard<std::mutex> g(log_mu);
        log.push_back(line);
      };
      o.request_timeout = 5s;
      return caf::actor_cast<caf::actor>(controllers::spawn_node_lifecycle(sys, o));
    });
    controller = caf::actor_cast<controllers::node_lifecycle_actor_type>(a);
  }

  std::mutex log_mu;
  std::vector<std::string> log;  // the controller's log lines
  bool logged(const std::string& line) {
    std::lock_guard<std::mutex> g(log_mu);
    return std::find(log.begin(), log.end(), line) != log.end();
  }

  // Every node monitor plans now; how many there are.
  uint64_t check() {
    uint64_t monitors = 0;
    caf::scoped_actor self{cluster->system()};
    self->request(controller, 5s, controllers::check_atom::value)
      .receive([&](uint64_t n) { monitors = n; }, [](caf::error&) {});
    return monitors;
  }

  // A running pod bound to `node`, with NoExecute tolerations as admission adds them (300 s).
  void run_pod(const std::string& name, const std::string& node, int64_t toleration = 300) {
    v1::Pod p;
    p.mutable_metadata()->set_name(name);
    p.mutable_metadata()->set_namespace_("default");
    p.mutable_spec()->set_nodename(node);
    auto* c = p.mutable_spec()->add_containers();
    c->set_name("app");
    c->set_image("busybox:1.30");
    for (const char* key : {"node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"}) {
      auto* t = p.mutable_spec()->add_tolerations();
      t->set_key(key);
      t->set_operator_("Exists");
      t->set_effect("NoExecute");
      t->set_tolerationseconds(toleration);
    }
    cluster->create_pod(p);
  }

  std::string pod_condition(const std::string& name, const std::string& type) {
    auto p = cluster->pod("default", name);
    if (!p)
      return "<gone>";
    for (const auto& c : p->status().conditions())
      if (c.type() == type)
        return c.status();
    return "";
  }
  std::string node_ready(const std::string& name) {
    auto n = cluster->node(name);
    if (!n)
      return "<gone>";
    for (const auto& c : n->status().conditions())
      if (c.type() == "Ready")
        return c.status();
    return "";
  }
  std::string taints(const std::string& name) {
    std::string out;
    if (auto n = cluster->node(name))
      for (const auto& t : n->spec().taints())
        out += t.key() + ":" + t.effect() + " ";
    return out;
  }
};

} // namespace

TEST_CASE("node lifecycle: pods are Ready again when an Unknown node resumes heartbeats without "
          "registering again",
          "[lifecycle][hollow]") {
  lifecycle_scenario s({{"n1"}});
  s.run_pod("web", "n1");
  REQUIRE(hollow_cluster::eventually([&] { return s.pod_condition("web", "Ready") == "True"; }));
  REQUIRE(hollow_cluster::eventually([&] { return s.check() == 1; }));

  // The session's clock stands still: no heartbeat reaches the Node any more. The controller's
  // grace period passes: the Node goes Unknown, tainted, its pod NotReady.
  s.controller_clock.advance(61);
  s.check();
  REQUIRE(hollow_cluster::eventually([&] { return s.node_ready("n1") == "Unknown"; }));
  // The only node of the cluster: the controller assumes it is the one cut off (master
  // disruption mode) and adds no NoExecute taint; MarkPodsNotReady is not rate limited.
  CHECK(s.taints("n1") == "node.kubernetes.io/unreachable:NoSchedule ");
  CHECK(s.logged(
    "Controller detected that all Nodes are not-Ready. Entering master disruption mode."));
  REQUIRE(hollow_cluster::eventually([&] { return s.pod_condition("web", "Ready") == "False"; }));

  // Heartbeats reach the store again (the same session: nothing re-registers).
  s.session_clock.advance(61);
  CHECK(hollow_cluster::eventually([&] { return s.node_ready("n1") == "True"; }));
  CHECK(hollow_cluster::eventually([&] { return s.taints("n1").empty(); }));
  CHECK(hollow_cluster::eventually([&] { return s.pod_condition("web", "Ready") == "True"; }));
  CHECK(s.pod_condition("web", "ContainersReady") == "True");
  CHECK_FALSE(s.cluster->pod("default", "web")->metadata().has_deletiontimestamp());
}

namespace {

bool evicted(lifecycle_scenario& s, const std::string& pod) {
  auto p = s.cluster->pod("default", pod);
  return p && p->metadata().has_deletiontimestamp() && p->status().reason() == "NodeLost";
}

} // namespace

TEST_CASE("node lifecycle: all three nodes lost at once evicts nothing (master disruption mode)",
          "[lifecycle][hollow][zones]") {
  // Fake clocks: the zone's token bucket runs on the controller's clock, so "one node per 10 s"
  // is checked without racing real time.
  lifecycle_scenario s({{"n1"}, {"n2"}, {"n3"}});
  for (const char* n : {"n1", "n2", "n3"})
    s.run_pod(std::string("web-") + n, n, 3);
  for (const char* n : {"n1", "n2", "n3"})
    REQUIRE(hollow_cluster::eventually(
      [&] { return s.pod_condition(std::string("web-") + n, "Ready") == "True"; }));
  REQUIRE(hollow_cluster::eventually([&] { return s.check() == 3; }));
  auto no_execute = [&](const char* n) { return s.taints(n).find(":NoExecute") != std::string::npos; };
  auto settle = [&] {  // the monitors planned, and their writes had time to land
    s.check();
    std::this_thread::sleep_for(300ms);
  };

  for (const char* n : {"n1", "n2", "n3"})
    s.cluster->kill_node(n);
  s.controller_clock.advance(61);
  s.check();
  for (const char* n : {"n1", "n2", "n3"}) {
    INFO(n);
    CHECK(hollow_cluster::eventually([&] { return s.node_ready(n) == "Unknown"; }));
  }
  CHECK(hollow_cluster::eventually([&] {
    return s.logged(
      "Controller detected that all Nodes are not-Ready. Entering master disruption mode.");
  }));
  // A node found Unknown before the others may have been tainted meanwhile: removed again.
  for (const char* n : {"n1", "n2", "n3"}) {
    INFO(n);
    CHECK(hollow_cluster::eventually(
      [&] { return s.taints(n) == "node.kubernetes.io/unreachable:NoSchedule "; }));
  }
  // Past every toleration (3 s): nobody is evicted; the pods are NotReady.
  s.controller_clock.advance(10);
  settle();
  for (const char* n : {"n1", "n2", "n3"}) {
    const auto pod = std::string("web-") + n;
    INFO(pod);
    CHECK(hollow_cluster::eventually([&] { return s.pod_condition(pod, "Ready") == "False"; }));
    CHECK_FALSE(s.cluster->pod("default", pod)->metadata().has_deletiontimestamp());
    CHECK_FALSE(no_execute(n));
  }

  // n1 returns (its heartbeat is new to the controller): master disruption mode ends.
  s.session_clock.advance(61);
  s.cluster->restart_node({"n1"});
  CHECK(hollow_cluster::eventually([&] { return s.node_ready("n1") == "True"; }));
  CHECK(hollow_cluster::eventually([&] {
    return s.logged("Controller detected that some Nodes are Ready. Exiting master disruption mode.");
  }));
  // The zone's rate (0.1 nodes/s) starts from an empty bucket, as Kubernetes' SwapLimiter: no
  // node is tainted before 10 s of the controller's clock, then one, then the other 10 s later.
  settle();
  CHECK_FALSE(no_execute("n2"));
  CHECK_FALSE(no_execute("n3"));
  s.controller_clock.advance(10);
  s.check();
  CHECK(hollow_cluster::eventually([&] { return no_execute("n2") || no_execute("n3"); }));
  settle();
  CHECK(no_execute("n2") != no_execute("n3"));  // exactly one
  s.controller_clock.advance(10);
  s.check();
  CHECK(hollow_cluster::eventually([&] { return no_execute("n2") && no_execute("n3"); }));
  CHECK(s.node_ready("n1") == "True");
  CHECK_FALSE(no_execute("n1"));
}

TEST_CASE("node lifecycle: one of three nodes lost: its pods are evicted by their tolerations",
          "[lifecycle][hollow][zones]") {
  lifecycle_scenario s({{"n1"}, {"n2"}, {"n3"}}, false);
  for (const char* n : {"n1", "n2", "n3"})
    s.run_pod(std::string("web-") + n, n, 2);
  for (const char* n : {"n1", "n2", "n3"})
    REQUIRE(hollow_cluster::eventually(
      [&] { return s.pod_condition(std::string("web-") + n, "Ready") == "True"; }));

  s.cluster->kill_node("n1");
  REQUIRE(hollow_cluster::eventually([&] { return s.node_ready("n1") == "Unknown"; }));
  CHECK(hollow_cluster::eventually([&] {
    return s.taints("n1") ==
           "node.kubernetes.io/unreachable:NoSchedule node.kubernetes.io/unreachable:NoExecute ";
  }));
  CHECK(hollow_cluster::eventually([&] { return evicted(s, "web-n1"); }));
  CHECK(s.node_ready("n2") == "True");
  CHECK(s.node_ready("n3") == "True");
  CHECK_FALSE(evicted(s, "web-n2"));
  CHECK_FALSE(evicted(s, "web-n3"));
  CHECK_FALSE(s.logged(
    "Controller detected that all Nodes are not-Ready. Entering master disruption mode."));
}
