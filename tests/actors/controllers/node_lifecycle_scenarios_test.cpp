// Node lifecycle scenarios on an in-process cluster (tests/support/hollow_cluster.hpp): hollow
// nodes (real node and pod actors on fake runtimes, their sessions on the registry) and the node
// lifecycle controller on one store actor. The sessions and the controller each read their own
// fake clock, which the test moves: a frozen session clock is a node whose heartbeats no longer
// reach the store (the agent keeps its connection: no re-register), a moved controller clock
// lets the grace period pass at once.
#include <catch2/catch.hpp>

#include <atomic>

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

  explicit lifecycle_scenario(const std::vector<testing::hollow_node_spec>& nodes) {
    nodes::node_session_options session;
    session.status_update_frequency = 10s;  // of the session's fake clock
    session.clock = session_clock.fn();
    cluster = std::make_unique<hollow_cluster>(session);
    v1::Namespace ns;
    ns.mutable_metadata()->set_name("default");
    cluster->db().create(hollow_cluster::kind("v1", "Namespace"), ns, hollow_cluster::now());
    for (const auto& n : nodes)
      cluster->add_node(n);
    auto clock = controller_clock.fn();
    auto a = cluster->add_control([clock](caf::actor_system& sys, protocol::store_actor_type store) {
      controllers::node_lifecycle_options o;
      o.store = store;
      o.clock = clock;
      o.health.grace = 50s;
      o.health.startup_grace = 60s;
      o.request_timeout = 5s;
      return caf::actor_cast<caf::actor>(controllers::spawn_node_lifecycle(sys, o));
    });
    controller = caf::actor_cast<controllers::node_lifecycle_actor_type>(a);
  }

  // Every node monitor plans now; how many there are.
  uint64_t check() {
    uint64_t monitors = 0;
    caf::scoped_actor self{cluster->system()};
    self->request(controller, 5s, controllers::check_atom::value)
      .receive([&](uint64_t n) { monitors = n; }, [](caf::error&) {});
    return monitors;
  }

  // A running pod bound to `node`, with the admission's default NoExecute tolerations (300 s).
  void run_pod(const std::string& name, const std::string& node) {
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
      t->set_tolerationseconds(300);
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
  CHECK(s.taints("n1") ==
        "node.kubernetes.io/unreachable:NoSchedule node.kubernetes.io/unreachable:NoExecute ");
  REQUIRE(hollow_cluster::eventually([&] { return s.pod_condition("web", "Ready") == "False"; }));

  // Heartbeats reach the store again (the same session: nothing re-registers).
  s.session_clock.advance(61);
  CHECK(hollow_cluster::eventually([&] { return s.node_ready("n1") == "True"; }));
  CHECK(hollow_cluster::eventually([&] { return s.taints("n1").empty(); }));
  CHECK(hollow_cluster::eventually([&] { return s.pod_condition("web", "Ready") == "True"; }));
  CHECK(s.pod_condition("web", "ContainersReady") == "True");
  CHECK_FALSE(s.cluster->pod("default", "web")->metadata().has_deletiontimestamp());
}
