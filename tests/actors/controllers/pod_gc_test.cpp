// PodGC's decisions (actors/controllers/pod_gc.hpp), table-driven: which pods go, for which
// reason, in which order, whether they are marked Failed first; the quarantine of missing nodes.
#include <catch2/catch.hpp>

#include "actors/controllers/pod_gc.hpp"
#include "tests/config/object_factories.hpp"

namespace troupe::testing {

using namespace troupe::controllers;
namespace v1 = troupe::core::v1;

namespace {

struct pod_row {
  std::string name;
  std::string node;   // spec.nodeName
  std::string phase;  // status.phase
  bool deleting;      // deletionTimestamp set
  int64_t created;    // creationTimestamp
  std::string reason; // status.reason
  pod_row(std::string n, std::string on, std::string ph, bool del = false, int64_t c = 100,
          std::string why = "")
      : name(std::move(n)), node(std::move(on)), phase(std::move(ph)), deleting(del), created(c),
        reason(std::move(why)) {}
};

pod_gc_pods make_pods(const std::vector<pod_row>& rows) {
  pod_gc_pods out;
  for (const auto& r : rows) {
    auto p = std::make_shared<v1::Pod>(make_pod());
    p->mutable_metadata()->set_namespace_("default");
    p->mutable_metadata()->set_name(r.name);
    p->mutable_metadata()->set_uid("uid-" + r.name);
    p->mutable_metadata()->mutable_creationtimestamp()->set_seconds(r.created);
    if (r.deleting)
      p->mutable_metadata()->mutable_deletiontimestamp()->set_seconds(500);
    p->mutable_spec()->set_nodename(r.node);
    p->mutable_status()->set_phase(r.phase);
    p->mutable_status()->set_reason(r.reason);
    out.push_back(std::move(p));
  }
  return out;
}

// "name:reason" or "name:reason:failed" (marked Failed first), in plan order.
std::vector<std::string> describe(const std::vector<pod_gc_action>& actions) {
  std::vector<std::string> out;
  for (const auto& a : actions)
    out.push_back(a.name + ":" + to_string(a.reason) + (a.mark_failed ? ":failed" : ""));
  return out;
}

config::timestamp at(int64_t s) { return {s, 0}; }

} // namespace

TEST_CASE("pod gc: which pods go, why, in what order", "[unit][controllers][pod_gc]") {
  const std::map<std::string, pod_gc_node> nodes{
    {"ok", {true, false}},
    {"down", {false, false}},
    {"oos", {false, true}},         // NotReady and out of service
    {"oos-ready", {true, true}},    // tainted but Ready: not Kubernetes' rule
  };
  struct row {
    const char* what;
    std::vector<pod_row> pods;
    size_t threshold;
    std::vector<std::string> want;
  };
  const std::vector<row> table{
    {"running pods on existing nodes stay", {{"a", "ok", "Running"}, {"b", "down", "Running"}}, 12500, {}},
    {"terminated pods within the threshold stay",
     {{"a", "ok", "Succeeded"}, {"b", "ok", "Failed"}}, 2, {}},
    {"beyond the threshold: evicted first, then the oldest",
     {{"new", "ok", "Succeeded", false, 300},
      {"old", "ok", "Failed", false, 100},
      {"evicted", "ok", "Failed", false, 400, "Evicted"},
      {"mid", "ok", "Succeeded", false, 200},
      {"running", "ok", "Running", false, 1}},
     2,
     {"evicted:terminated", "old:terminated"}},
    {"threshold 0 keeps every terminated pod",
     {{"a", "ok", "Succeeded"}, {"b", "ok", "Failed"}}, 0, {}},
    {"terminating on a NotReady out-of-service node: forced, marked Failed",
     {{"a", "oos", "Running", true}, {"b", "oos", "Running"}, {"c", "oos-ready", "Running", true},
      {"d", "down", "Running", true}},
     12500,
     {"a:out-of-service:failed"}},
    {"terminating with no node: forced",
     {{"a", "", "Pending", true}, {"b", "", "Pending"}}, 12500, {"a:unscheduled:failed"}},
    {"a terminated pod is not marked Failed again",
     {{"a", "oos", "Succeeded", true}}, 12500, {"a:out-of-service"}},
    {"each pod once: the first rule wins",
     {{"a", "oos", "Failed", true, 50}, {"b", "oos", "Failed", true, 60}}, 1,
     {"a:terminated", "b:out-of-service"}},
  };
  for (const auto& r : table) {
    INFO(r.what);
    pod_gc_options o;
    o.terminated_pod_threshold = r.threshold;
    std::map<std::string, config::timestamp> missing;
    CHECK(describe(plan_pod_gc(make_pods(r.pods), nodes, missing, at(1000), o)) == r.want);
    CHECK(missing.empty());
  }
}

TEST_CASE("pod gc: pods of a missing node go after the quarantine", "[unit][controllers][pod_gc]") {
  const std::map<std::string, pod_gc_node> nodes{{"ok", {true, false}}};
  auto pods = make_pods({{"a", "gone", "Running"}, {"b", "gone", "Succeeded"}, {"c", "ok", "Running"},
                         {"d", "other", "Pending"}});
  pod_gc_options o;  // quarantine 40 s
  std::map<std::string, config::timestamp> missing;
  CHECK(plan_pod_gc(pods, nodes, missing, at(1000), o).empty());
  CHECK(missing == std::map<std::string, config::timestamp>{{"gone", at(1000)}, {"other", at(1000)}});
  CHECK(plan_pod_gc(pods, nodes, missing, at(1039), o).empty());
  CHECK(missing.at("gone").seconds == 1000);  // the first sighting is kept
  CHECK(describe(plan_pod_gc(pods, nodes, missing, at(1040), o)) ==
        std::vector<std::string>{"a:orphaned:failed", "b:orphaned", "d:orphaned:failed"});
  // The node is back: its quarantine ends; a node no pod refers to any more is forgotten.
  auto back = nodes;
  back["gone"] = {true, false};
  auto fewer = make_pods({{"a", "gone", "Running"}});
  CHECK(plan_pod_gc(fewer, back, missing, at(1050), o).empty());
  CHECK(missing.empty());
  // Missing again: a fresh quarantine.
  CHECK(plan_pod_gc(fewer, nodes, missing, at(1060), o).empty());
  CHECK(plan_pod_gc(fewer, nodes, missing, at(1099), o).empty());
  CHECK(plan_pod_gc(fewer, nodes, missing, at(1100), o).size() == 1);
}

TEST_CASE("pod gc: the node facts it reads, and a pod marked Failed", "[unit][controllers][pod_gc]") {
  auto node = make_node();
  CHECK_FALSE(pod_gc_node_of(node).out_of_service);
  auto* c = node.mutable_status()->add_conditions();
  c->set_type("Ready");
  c->set_status("True");
  CHECK(pod_gc_node_of(node).ready);
  c->set_status("Unknown");
  auto* t = node.mutable_spec()->add_taints();
  t->set_key("node.kubernetes.io/out-of-service");
  t->set_effect("NoExecute");
  CHECK_FALSE(pod_gc_node_of(node).ready);
  CHECK(pod_gc_node_of(node).out_of_service);

  auto pod = *make_pods({{"a", "gone", "Running"}})[0];
  pod.mutable_metadata()->set_resourceversion("42");
  auto* old = pod.mutable_status()->add_conditions();
  old->set_type("DisruptionTarget");
  old->set_status("True");
  old->set_reason("DeletionByTaintManager");
  auto orphan = mark_failed_by_pod_gc(pod, pod_gc_reason::orphaned, at(2000));
  CHECK(orphan.status().phase() == "Failed");
  CHECK(orphan.metadata().resourceversion() == "42");
  REQUIRE(orphan.status().conditions_size() == 1);
  const auto& cond = orphan.status().conditions(0);
  CHECK(cond.type() == "DisruptionTarget");
  CHECK(cond.status() == "True");
  CHECK(cond.reason() == "DeletionByPodGC");
  CHECK(cond.message() == "PodGC: node no longer exists");
  CHECK(cond.lasttransitiontime().seconds() == 2000);
  auto other = mark_failed_by_pod_gc(pod, pod_gc_reason::unscheduled_terminating, at(2000));
  CHECK(other.status().phase() == "Failed");
  CHECK(other.status().conditions(0).reason() == "DeletionByTaintManager");  // untouched
}

} // namespace troupe::testing
