// Scheduling scenarios on an in-process cluster (tests/support/hollow_cluster.hpp): the scheduler
// actor and the node lifecycle controller on a store actor, and hollow nodes — real node and pod
// actors on fake runtimes — registered with the node registry. Each scenario is what a user does
// with kubectl (pods with nodeName, nodeSelector, affinity, taints; a node dying) and what they
// must see: where pods land, what stays Pending and why (the FailedScheduling text), evictions.
#include <catch2/catch.hpp>

#include "actors/controllers/node_lifecycle_actor.hpp"
#include "actors/scheduler/scheduler_actor.hpp"
#include "tests/support/hollow_cluster.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe;
using namespace std::chrono_literals;
using troupe::testing::hollow_cluster;

namespace {

struct scenario {
  std::unique_ptr<hollow_cluster> cluster;

  explicit scenario(std::vector<testing::hollow_node_spec> nodes, bool lifecycle = false) {
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
    if (lifecycle)
      cluster->add_control([](caf::actor_system& sys, protocol::store_actor_type store) {
        controllers::node_lifecycle_options o;
        o.store = store;
        o.health.grace = 2s;
        o.health.startup_grace = 2s;
        return caf::actor_cast<caf::actor>(controllers::spawn_node_lifecycle(sys, o));
      });
  }

  std::string node_of(const std::string& name) {
    auto p = cluster->pod("default", name);
    return p ? p->spec().nodename() : "";
  }
  std::string phase_of(const std::string& name) {
    auto p = cluster->pod("default", name);
    return p ? p->status().phase() : "";
  }
  /// The PodScheduled=False message, "" while there is none.
  std::string unschedulable_message(const std::string& name) {
    auto p = cluster->pod("default", name);
    if (!p)
      return "";
    for (const auto& c : p->status().conditions())
      if (c.type() == "PodScheduled" && c.status() == "False")
        return c.message();
    return "";
  }
  bool has_event(const std::string& pod, const std::string& reason, const std::string& message) {
    for (const auto& e : cluster->events_of("default", pod))
      if (e.reason() == reason && e.message() == message)
        return true;
    return false;
  }
  bool running_on(const std::string& pod, const std::string& node) {
    return hollow_cluster::eventually(
      [&] { return node_of(pod) == node && phase_of(pod) == "Running"; });
  }
};

v1::Pod pod(const std::string& name, std::map<std::string, std::string> labels = {}) {
  v1::Pod p;
  p.mutable_metadata()->set_name(name);
  p.mutable_metadata()->set_namespace_("default");
  for (auto& [k, v] : labels)
    (*p.mutable_metadata()->mutable_labels())[k] = v;
  auto* c = p.mutable_spec()->add_containers();
  c->set_name("app");
  c->set_image("busybox");
  p.mutable_spec()->set_restartpolicy("Always");
  p.mutable_spec()->set_schedulername("default-scheduler");
  return p;
}

v1::PodAffinityTerm term(const std::string& key, const std::string& value, const std::string& topology) {
  v1::PodAffinityTerm t;
  (*t.mutable_labelselector()->mutable_matchlabels())[key] = value;
  t.set_topologykey(topology);
  return t;
}

void set_label(hollow_cluster& c, const std::string& node, const std::string& k, const std::string& v) {
  c.update_node(node, [&](v1::Node& n) { (*n.mutable_metadata()->mutable_labels())[k] = v; });
}

void add_taint(hollow_cluster& c, const std::string& node, const std::string& effect,
               const std::string& key = "k", const std::string& value = "v") {
  c.update_node(node, [&](v1::Node& n) {
    auto* t = n.mutable_spec()->add_taints();
    t->set_key(key);
    t->set_value(value);
    t->set_effect(effect);
  });
}

} // namespace

TEST_CASE("scenario: nodeName pins a pod, the scheduler leaves it alone", "[scheduler][scenario]") {
  scenario s({{"node1"}, {"node2"}});
  auto p = pod("pinned");
  p.mutable_spec()->set_nodename("node2");
  s.cluster->create_pod(p);
  CHECK(s.running_on("pinned", "node2"));
  CHECK(s.cluster->events_of("default", "pinned").size() >= 1);
  CHECK_FALSE(s.has_event("pinned", "Scheduled", "Successfully assigned default/pinned to node2"));
}

TEST_CASE("scenario: nodeSelector waits for a matching node and follows relabelling",
          "[scheduler][scenario]") {
  scenario s({{"node1"}, {"node2"}});
  auto p = pod("ssd");
  (*p.mutable_spec()->mutable_nodeselector())["disk"] = "ssd";
  s.cluster->create_pod(p);
  const std::string why =
    "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.";
  REQUIRE(hollow_cluster::eventually([&] { return s.unschedulable_message("ssd") == why; }));
  CHECK(s.has_event("ssd", "FailedScheduling", why));
  CHECK(s.node_of("ssd").empty());

  // `kubectl label nodes node2 disk=ssd`: bound at once (a relevant change), not after backoff.
  auto t0 = std::chrono::steady_clock::now();
  set_label(*s.cluster, "node2", "disk", "ssd");
  CHECK(s.running_on("ssd", "node2"));
  CHECK(std::chrono::steady_clock::now() - t0 < 8s);
  CHECK(s.has_event("ssd", "Scheduled", "Successfully assigned default/ssd to node2"));

  // `kubectl label nodes node2 disk=hdd --overwrite; kubectl label nodes node1 disk=ssd`: the
  // next pod follows the label (the running one stays: IgnoredDuringExecution).
  set_label(*s.cluster, "node2", "disk", "hdd");
  set_label(*s.cluster, "node1", "disk", "ssd");
  auto q = pod("ssd2");
  (*q.mutable_spec()->mutable_nodeselector())["disk"] = "ssd";
  s.cluster->create_pod(q);
  CHECK(s.running_on("ssd2", "node1"));
  CHECK(s.node_of("ssd") == "node2");
}

TEST_CASE("scenario: required node affinity stays Pending until a node is labelled, preferred "
          "falls back to any node", "[scheduler][scenario]") {
  scenario s({{"node1", {{"zone", "a"}}}, {"node2", {{"zone", "b"}}}});
  auto p = pod("needs-c");
  auto* req = p.mutable_spec()->mutable_affinity()->mutable_nodeaffinity()
                ->mutable_requiredduringschedulingignoredduringexecution()->add_nodeselectorterms()
                ->add_matchexpressions();
  req->set_key("zone");
  req->set_operator_("In");
  req->add_values("c");
  s.cluster->create_pod(p);
  REQUIRE(hollow_cluster::eventually([&] {
    return s.unschedulable_message("needs-c") ==
           "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.";
  }));
  set_label(*s.cluster, "node1", "zone", "c");
  CHECK(s.running_on("needs-c", "node1"));

  auto q = pod("likes-z");
  auto* pref = q.mutable_spec()->mutable_affinity()->mutable_nodeaffinity()
                 ->add_preferredduringschedulingignoredduringexecution();
  pref->set_weight(50);
  auto* e = pref->mutable_preference()->add_matchexpressions();
  e->set_key("zone");
  e->set_operator_("In");
  e->add_values("z");  // no such zone
  s.cluster->create_pod(q);
  CHECK(hollow_cluster::eventually([&] { return s.phase_of("likes-z") == "Running"; }));
  CHECK_FALSE(s.node_of("likes-z").empty());

  auto r = pod("likes-b");
  *r.mutable_spec()->mutable_affinity() = q.spec().affinity();
  r.mutable_spec()->mutable_affinity()->mutable_nodeaffinity()
    ->mutable_preferredduringschedulingignoredduringexecution(0)->mutable_preference()
    ->mutable_matchexpressions(0)->set_values(0, "b");
  s.cluster->create_pod(r);
  CHECK(s.running_on("likes-b", "node2"));
}

TEST_CASE("scenario: pod affinity co-locates, anti-affinity keeps apart and leaves the excess "
          "Pending", "[scheduler][scenario]") {
  scenario s({{"node1"}, {"node2"}});
  auto db = pod("db", {{"app", "db"}});
  db.mutable_spec()->set_nodename("node2");
  s.cluster->create_pod(db);
  REQUIRE(s.running_on("db", "node2"));

  auto near = pod("near-db");
  *near.mutable_spec()->mutable_affinity()->mutable_podaffinity()
     ->add_requiredduringschedulingignoredduringexecution() =
    term("app", "db", "kubernetes.io/hostname");
  s.cluster->create_pod(near);
  CHECK(s.running_on("near-db", "node2"));

  for (auto name : {"web-1", "web-2", "web-3"}) {
    auto w = pod(name, {{"app", "web"}});
    *w.mutable_spec()->mutable_affinity()->mutable_podantiaffinity()
       ->add_requiredduringschedulingignoredduringexecution() =
      term("app", "web", "kubernetes.io/hostname");
    s.cluster->create_pod(w);
  }
  std::set<std::string> used;
  std::string pending;
  REQUIRE(hollow_cluster::eventually([&] {
    used.clear();
    pending.clear();
    for (auto name : {"web-1", "web-2", "web-3"}) {
      if (!s.node_of(name).empty())
        used.insert(s.node_of(name));
      else if (!s.unschedulable_message(name).empty())
        pending = name;
    }
    return used.size() == 2 && !pending.empty();
  }));
  CHECK(s.unschedulable_message(pending) ==
        "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.");
  // Deleting one of them lets the pending one in (a bound pod deleted is a relevant change).
  for (auto name : {"web-1", "web-2", "web-3"})
    if (name != pending) {
      store::delete_options del;
      del.grace_period_seconds = 0;
      s.cluster->db().remove(hollow_cluster::kind("v1", "Pod"), "default", name, del,
                             hollow_cluster::now());
      break;
    }
  CHECK(hollow_cluster::eventually([&] { return !s.node_of(pending).empty(); }));
}

TEST_CASE("scenario: NoSchedule keeps pods off, NoExecute evicts what does not tolerate it",
          "[scheduler][scenario]") {
  scenario s({{"node1"}, {"node2"}}, true);
  add_taint(*s.cluster, "node1", "NoSchedule");
  for (int i = 0; i < 4; ++i)
    s.cluster->create_pod(pod("p" + std::to_string(i)));
  for (int i = 0; i < 4; ++i)
    CHECK(s.running_on("p" + std::to_string(i), "node2"));

  auto tolerant = pod("tolerant");
  auto* t = tolerant.mutable_spec()->add_tolerations();
  t->set_key("k");
  t->set_operator_("Exists");
  t->set_effect("NoExecute");
  tolerant.mutable_spec()->set_nodename("node2");
  s.cluster->create_pod(tolerant);
  auto brief = pod("brief");
  auto* b = brief.mutable_spec()->add_tolerations();
  b->set_key("k");
  b->set_operator_("Exists");
  b->set_effect("NoExecute");
  b->set_tolerationseconds(2);
  brief.mutable_spec()->set_nodename("node2");
  s.cluster->create_pod(brief);
  REQUIRE(s.running_on("tolerant", "node2"));
  REQUIRE(s.running_on("brief", "node2"));

  add_taint(*s.cluster, "node2", "NoExecute");
  // Untolerating pods go at once (graceful delete; the hollow kubelet finishes it).
  CHECK(hollow_cluster::eventually([&] { return !s.cluster->pod("default", "p0"); }));
  CHECK(hollow_cluster::eventually([&] { return !s.cluster->pod("default", "p3"); }));
  CHECK(s.cluster->pod("default", "brief").has_value());  // its 2 s have not run out yet
  CHECK(hollow_cluster::eventually([&] { return !s.cluster->pod("default", "brief"); }));
  CHECK(s.cluster->pod("default", "tolerant").has_value());
  CHECK(s.phase_of("tolerant") == "Running");
}

TEST_CASE("scenario: a dead node goes Unknown, its pods are evicted, new pods go elsewhere",
          "[scheduler][scenario][lifecycle]") {
  scenario s({{"node1"}, {"node2"}}, true);
  auto p = pod("victim");
  auto* t = p.mutable_spec()->add_tolerations();  // as admission adds, shortened
  t->set_key("node.kubernetes.io/unreachable");
  t->set_operator_("Exists");
  t->set_effect("NoExecute");
  t->set_tolerationseconds(1);
  p.mutable_spec()->set_nodename("node1");
  s.cluster->create_pod(p);
  REQUIRE(s.running_on("victim", "node1"));

  s.cluster->kill_node("node1");
  auto ready = [&](const std::string& node) {
    auto n = s.cluster->node(node);
    for (const auto& c : n->status().conditions())
      if (c.type() == "Ready")
        return c.status();
    return std::string();
  };
  CHECK(hollow_cluster::eventually([&] { return ready("node1") == "Unknown"; }));
  CHECK(ready("node2") == "True");
  auto tainted = [&] {
    auto n = s.cluster->node("node1");
    for (const auto& t : n->spec().taints())
      if (t.key() == "node.kubernetes.io/unreachable" && t.effect() == "NoExecute")
        return true;
    return false;
  };
  // The NoExecute taint comes in a write of its own, once the zone's rate lets it (at once here:
  // the zone's first).
  CHECK(hollow_cluster::eventually(tainted));
  // Evicted: marked for deletion with reason NodeLost (kubectl shows STATUS Unknown); nobody on
  // the dead node can finish it.
  CHECK(hollow_cluster::eventually([&] {
    auto v = s.cluster->pod("default", "victim");
    return v && v->metadata().has_deletiontimestamp() && v->status().reason() == "NodeLost";
  }));
  // A replacement (what its ReplicaSet would create) lands on the live node.
  s.cluster->create_pod(pod("replacement"));
  CHECK(s.running_on("replacement", "node2"));

  // The node comes back: the evicted pod is finished and removed, the node is Ready again.
  s.cluster->restart_node({"node1"});
  CHECK(hollow_cluster::eventually([&] { return !s.cluster->pod("default", "victim"); }));
  CHECK(hollow_cluster::eventually([&] { return ready("node1") == "True" && !tainted(); }));
}
