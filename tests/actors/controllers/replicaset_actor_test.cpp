// The ReplicaSet controller on an in-process cluster (tests/support/hollow_cluster.hpp): the
// store actor, the scheduler, the replicasets controller (and for the node-loss scenario the
// node lifecycle controller) and hollow nodes running the pods on fake runtimes. What a user sees
// with kubectl: an RS of 3 gets 3 Running pods; scaled to 1, 2 go; a deleted pod is replaced; an
// orphan that matches is adopted, a relabelled pod released; and (issue 6) a node that dies has
// its pod evicted and replaced on the surviving node.
#include <catch2/catch.hpp>

#include "actors/controllers/node_lifecycle_actor.hpp"
#include "actors/controllers/replicaset_pods.hpp"
#include "actors/controllers/replicasets_actor.hpp"
#include "actors/scheduler/scheduler_actor.hpp"
#include "tests/config/object_factories.hpp"
#include "tests/support/hollow_cluster.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe;
using namespace std::chrono_literals;
using troupe::testing::hollow_cluster;

namespace {

struct rs_cluster {
  std::unique_ptr<hollow_cluster> cluster;

  explicit rs_cluster(std::vector<testing::hollow_node_spec> nodes, bool lifecycle = false) {
    nodes::node_session_options session;
    session.status_update_frequency = 200ms;
    cluster = std::make_unique<hollow_cluster>(session);
    v1::Namespace ns;
    ns.mutable_metadata()->set_name("default");
    cluster->db().create(hollow_cluster::kind("v1", "Namespace"), ns, hollow_cluster::now());
    for (const auto& n : nodes)
      cluster->add_node(n);
    cluster->add_control([](caf::actor_system& sys, protocol::store_actor_type store) {
      scheduler::scheduler_options o;
      o.store = store;
      o.seed = 7;
      return caf::actor_cast<caf::actor>(scheduler::spawn_scheduler(sys, o));
    });
    cluster->add_control([](caf::actor_system& sys, protocol::store_actor_type store) {
      controllers::replicasets_options o;
      o.store = store;
      o.seed = 11;
      o.admission.default_tolerations.unreachable_seconds = 1;  // evicted 1 s after Unknown
      o.admission.default_tolerations.not_ready_seconds = 1;
      return caf::actor_cast<caf::actor>(controllers::spawn_replicasets(sys, o));
    });
    if (lifecycle)
      cluster->add_control([](caf::actor_system& sys, protocol::store_actor_type store) {
        controllers::node_lifecycle_options o;
        o.store = store;
        o.health.grace = 2s;
        o.health.startup_grace = 2s;
        return caf::actor_cast<caf::actor>(controllers::spawn_node_lifecycle(sys, o));
      });
  }

  const config::kind_info& rs_kind() { return hollow_cluster::kind("apps/v1", "ReplicaSet"); }

  apps::v1::ReplicaSet create_rs(const std::string& name, int32_t replicas) {
    auto rs = testing::make_replica_set();
    rs.mutable_metadata()->set_name(name);
    rs.mutable_spec()->set_replicas(replicas);
    auto r = cluster->db().create(rs_kind(), rs, hollow_cluster::now());
    REQUIRE(r.ok());
    return dynamic_cast<const apps::v1::ReplicaSet&>(*r->object.object);
  }

  std::optional<apps::v1::ReplicaSet> rs(const std::string& name) {
    auto r = cluster->db().get(rs_kind(), "default", name);
    if (!r.ok())
      return std::nullopt;
    return dynamic_cast<const apps::v1::ReplicaSet&>(*r->object);
  }

  // kubectl scale: spec.replicas through an update (the scale subresource does the same write).
  void scale(const std::string& name, int32_t replicas) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      auto r = rs(name);
      REQUIRE(r);
      r->mutable_spec()->set_replicas(replicas);
      auto w = cluster->db().update(rs_kind(), *r);
      if (w.ok())
        return;
      REQUIRE(w.status().get_code() == store::status::code::conflict);
    }
    FAIL("scale: too many conflicts");
  }

  std::vector<v1::Pod> pods() {
    std::vector<v1::Pod> out;
    store::list_options lo;
    lo.ns = "default";
    auto r = cluster->db().list(hollow_cluster::kind("v1", "Pod"), lo);
    if (r.ok())
      for (const auto& item : r->items)
        out.push_back(dynamic_cast<const v1::Pod&>(*item.object));
    return out;
  }

  // Active pods controlled by `rs_uid`.
  std::vector<v1::Pod> active_of(const std::string& rs_uid) {
    std::vector<v1::Pod> out;
    for (auto& p : pods()) {
      const auto* ref = controllers::controller_of(p.metadata());
      if (ref && ref->uid() == rs_uid && controllers::is_active(p))
        out.push_back(p);
    }
    return out;
  }

  bool running(const std::vector<v1::Pod>& ps, size_t n, const std::string& node = "") {
    if (ps.size() != n)
      return false;
    for (const auto& p : ps)
      if (p.status().phase() != "Running" || (!node.empty() && p.spec().nodename() != node))
        return false;
    return true;
  }

  size_t rs_events(const std::string& rs_name, const std::string& reason) {
    size_t n = 0;
    for (const auto& e : cluster->events_of("default", rs_name))
      if (e.reason() == reason && e.involvedobject().kind() == "ReplicaSet")
        ++n;
    return n;
  }
};

} // namespace

TEST_CASE("replicaset: 3 replicas run, scale to 1 deletes 2, a deleted pod is replaced",
          "[replicaset][scenario]") {
  rs_cluster c({{"node1"}, {"node2"}});
  auto rs = c.create_rs("web", 3);
  const auto uid = rs.metadata().uid();
  REQUIRE(hollow_cluster::eventually([&] { return c.running(c.active_of(uid), 3); }));
  for (const auto& p : c.active_of(uid)) {
    CHECK(p.metadata().name().rfind("web-", 0) == 0);
    CHECK(p.metadata().name().size() == 9);
    CHECK(p.metadata().generatename() == "web-");
    CHECK(p.metadata().ownerreferences(0).blockownerdeletion());
  }
  CHECK(hollow_cluster::eventually([&] {
    auto s = c.rs("web")->status();
    return s.replicas() == 3 && s.readyreplicas() == 3 && s.availablereplicas() == 3 &&
           s.fullylabeledreplicas() == 3 && s.observedgeneration() == c.rs("web")->metadata().generation();
  }));
  CHECK(c.rs_events("web", "SuccessfulCreate") == 3);
  CHECK(c.pods().size() == 3);  // no create twice

  c.scale("web", 1);
  CHECK(hollow_cluster::eventually([&] { return c.active_of(uid).size() == 1; }));
  CHECK(hollow_cluster::eventually([&] { return c.pods().size() == 1; }));  // the agents finished them
  CHECK(hollow_cluster::eventually([&] { return c.rs_events("web", "SuccessfulDelete") == 2; }));
  CHECK(hollow_cluster::eventually([&] { return c.rs("web")->status().replicas() == 1; }));

  auto survivor = c.active_of(uid).at(0).metadata().name();
  store::delete_options now_opts;
  now_opts.grace_period_seconds = 0;
  REQUIRE(c.cluster->db().remove(hollow_cluster::kind("v1", "Pod"), "default", survivor, now_opts,
                                       hollow_cluster::now()).ok());
  CHECK(hollow_cluster::eventually([&] {
    auto a = c.active_of(uid);
    return c.running(a, 1) && a[0].metadata().name() != survivor;
  }));
  CHECK(c.rs_events("web", "SuccessfulCreate") == 4);
}

TEST_CASE("replicaset: a matching orphan is adopted, a relabelled pod released", "[replicaset][scenario]") {
  rs_cluster c({{"node1"}});
  auto orphan = testing::make_pod();
  orphan.mutable_metadata()->set_name("stray");
  (*orphan.mutable_metadata()->mutable_labels())["app"] = "web";
  c.cluster->create_pod(orphan);
  REQUIRE(hollow_cluster::eventually([&] {
    auto p = c.cluster->pod("default", "stray");
    return p && p->status().phase() == "Running";
  }));
  auto rs = c.create_rs("web", 2);
  const auto uid = rs.metadata().uid();
  REQUIRE(hollow_cluster::eventually([&] { return c.running(c.active_of(uid), 2); }));
  auto stray = c.cluster->pod("default", "stray");
  REQUIRE(stray);
  REQUIRE(controllers::controller_of(stray->metadata()) != nullptr);
  CHECK(controllers::controller_of(stray->metadata())->uid() == uid);
  // The orphan counts as one. (The pod and ReplicaSet watches are not ordered with each other:
  // had the ReplicaSet's event come before the orphan's, it would create 2, adopt the orphan and
  // delete one of the new pods, the orphan being the oldest ready one.)
  CHECK(hollow_cluster::eventually([&] {
    return c.rs_events("web", "SuccessfulCreate") == c.rs_events("web", "SuccessfulDelete") + 1;
  }));

  // Relabelled: released (no controller any more), and replaced.
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto p = c.cluster->pod("default", "stray");
    (*p->mutable_metadata()->mutable_labels())["app"] = "debug";
    if (c.cluster->db().update(hollow_cluster::kind("v1", "Pod"), *p).ok())
      break;
  }
  CHECK(hollow_cluster::eventually([&] {
    auto p = c.cluster->pod("default", "stray");
    return p && p->metadata().ownerreferences_size() == 0;
  }));
  CHECK(hollow_cluster::eventually([&] { return c.running(c.active_of(uid), 2) && c.pods().size() == 3; }));
}

TEST_CASE("replicaset: an invalid template records FailedCreate and ReplicaFailure", "[replicaset][scenario]") {
  rs_cluster c({{"node1"}});
  auto rs = testing::make_replica_set();
  rs.mutable_metadata()->set_name("broken");
  rs.mutable_spec()->set_replicas(2);
  // A pod the API server refuses (no image). The API would refuse such a ReplicaSet too, so it is
  // written to the store directly.
  rs.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->clear_image();
  REQUIRE(c.cluster->db().create(c.rs_kind(), rs, hollow_cluster::now()).ok());
  CHECK(hollow_cluster::eventually([&] {
    auto r = c.rs("broken");
    return r && r->status().conditions_size() == 1 &&
           r->status().conditions(0).type() == "ReplicaFailure" &&
           r->status().conditions(0).reason() == "FailedCreate";
  }));
  CHECK(c.rs_events("broken", "FailedCreate") >= 1);
  bool worded = false;
  for (const auto& e : c.cluster->events_of("default", "broken"))
    if (e.reason() == "FailedCreate")
      worded = e.type() == "Warning" && e.message().rfind("Error creating: Pod \"broken-", 0) == 0;
  CHECK(worded);
  CHECK(c.pods().empty());
}

TEST_CASE("replicaset: a dead node's pod is evicted and recreated on the surviving node (issue 6)",
          "[replicaset][scenario][lifecycle]") {
  rs_cluster c({{"node1"}, {"node2"}}, true);
  auto rs = c.create_rs("web", 2);
  const auto uid = rs.metadata().uid();
  REQUIRE(hollow_cluster::eventually([&] { return c.running(c.active_of(uid), 2); }));
  const auto first = c.active_of(uid).at(0);
  const auto dead = first.spec().nodename();
  const auto survivor = dead == "node1" ? std::string("node2") : std::string("node1");

  c.cluster->kill_node(dead);
  // Evicted by its (shortened) default toleration: Terminating, and it stays so while its node
  // is away; not counted. The RS makes up the difference on the survivor.
  CHECK(hollow_cluster::eventually([&] {
    auto v = c.cluster->pod("default", first.metadata().name());
    return v && v->metadata().has_deletiontimestamp() && v->status().reason() == "NodeLost";
  }, 20s));
  CHECK(hollow_cluster::eventually([&] { return c.running(c.active_of(uid), 2, survivor); }, 20s));
  CHECK(c.cluster->pod("default", first.metadata().name()).has_value());  // still Terminating
  CHECK(hollow_cluster::eventually([&] {
    auto s = c.rs("web")->status();
    return s.replicas() == 2 && s.readyreplicas() == 2;
  }));
}
