// What the scheduler reads from its watches (issue 6): which pods it places, and which node, pod
// and namespace changes may help pods that did not fit.
#include <catch2/catch.hpp>

#include "actors/scheduler/cluster_changes.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe::scheduler;

namespace {

v1::Pod pending_pod() {
  v1::Pod p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("default");
  p.mutable_metadata()->set_uid("u1");
  (*p.mutable_metadata()->mutable_labels())["app"] = "web";
  p.mutable_spec()->add_containers()->set_name("app");
  p.mutable_status()->set_phase("Pending");
  return p;
}

v1::Pod bound(v1::Pod p, const std::string& node = "node1") {
  p.mutable_spec()->set_nodename(node);
  return p;
}

v1::Pod phase(v1::Pod p, const std::string& ph) {
  p.mutable_status()->set_phase(ph);
  return p;
}

v1::Node ready_node() {
  v1::Node n;
  n.mutable_metadata()->set_name("node1");
  (*n.mutable_metadata()->mutable_labels())["zone"] = "a";
  (*n.mutable_status()->mutable_allocatable())["cpu"].set_string("4");
  (*n.mutable_status()->mutable_capacity())["cpu"].set_string("4");
  return n;
}

} // namespace

TEST_CASE("cluster changes: which pods the default scheduler places", "[scheduler]") {
  struct tc {
    const char* name;
    v1::Pod pod;
    bool want;
  };
  auto with = [](auto f) {
    v1::Pod p = pending_pod();
    f(p);
    return p;
  };
  std::vector<tc> cases = {
    {"unbound, pending", pending_pod(), true},
    {"no phase yet", with([](v1::Pod& p) { p.mutable_status()->clear_phase(); }), true},
    {"schedulerName default-scheduler", with([](v1::Pod& p) { p.mutable_spec()->set_schedulername("default-scheduler"); }), true},
    {"bound", bound(pending_pod()), false},
    {"being deleted", with([](v1::Pod& p) { p.mutable_metadata()->mutable_deletiontimestamp()->set_seconds(1); }), false},
    {"Succeeded", phase(pending_pod(), "Succeeded"), false},
    {"Failed", phase(pending_pod(), "Failed"), false},
    {"another scheduler", with([](v1::Pod& p) { p.mutable_spec()->set_schedulername("my-scheduler"); }), false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(needs_scheduling(c.pod) == c.want);
  }
}

TEST_CASE("cluster changes: bound pods", "[scheduler]") {
  struct tc {
    const char* name;
    std::optional<v1::Pod> before, after;
    cluster_events want;
  };
  const v1::Pod p = pending_pod();
  v1::Pod relabelled = bound(p);
  (*relabelled.mutable_metadata()->mutable_labels())["app"] = "api";
  v1::Pod deleting = bound(p);
  deleting.mutable_metadata()->mutable_deletiontimestamp()->set_seconds(5);
  std::vector<tc> cases = {
    {"pending pod added", std::nullopt, p, 0},
    {"pending pod changed", p, phase(p, "Pending"), 0},
    {"pending pod deleted", p, std::nullopt, 0},
    {"bound (binding seen)", p, bound(p), assigned_pod_added},
    {"bound pod listed", std::nullopt, bound(p), assigned_pod_added},
    {"bound pod status update", bound(p), phase(bound(p), "Running"), 0},
    {"bound pod relabelled", bound(p), relabelled, assigned_pod_added},
    {"bound pod marked for deletion still runs", bound(p), deleting, 0},
    {"bound pod deleted", bound(p), std::nullopt, assigned_pod_removed},
    {"bound pod Succeeded", bound(p), phase(bound(p), "Succeeded"), assigned_pod_removed},
    {"bound pod Failed", phase(bound(p), "Running"), phase(bound(p), "Failed"), assigned_pod_removed},
    {"finished pod deleted", phase(bound(p), "Failed"), std::nullopt, 0},
    {"moved to another node", bound(p), bound(p, "node2"), assigned_pod_added | assigned_pod_removed},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(pod_changes(c.before ? &*c.before : nullptr, c.after ? &*c.after : nullptr) == c.want);
  }
}

TEST_CASE("cluster changes: nodes", "[scheduler]") {
  struct tc {
    const char* name;
    void (*change)(v1::Node&);
    cluster_events want;
  };
  std::vector<tc> cases = {
    {"heartbeat only", [](v1::Node& n) { n.mutable_status()->add_conditions()->set_type("Ready"); }, 0},
    {"label added", [](v1::Node& n) { (*n.mutable_metadata()->mutable_labels())["disk"] = "ssd"; }, node_labels_changed},
    {"label value", [](v1::Node& n) { (*n.mutable_metadata()->mutable_labels())["zone"] = "b"; }, node_labels_changed},
    {"taint added", [](v1::Node& n) { n.mutable_spec()->add_taints()->set_key("k"); }, node_taints_changed},
    {"cordoned", [](v1::Node& n) { n.mutable_spec()->set_unschedulable(true); }, node_unschedulable_changed},
    {"allocatable", [](v1::Node& n) { (*n.mutable_status()->mutable_allocatable())["cpu"].set_string("8"); }, node_allocatable_changed},
    {"capacity", [](v1::Node& n) { (*n.mutable_status()->mutable_capacity())["memory"].set_string("1Gi"); }, node_allocatable_changed},
    {"label and taint", [](v1::Node& n) {
       (*n.mutable_metadata()->mutable_labels())["x"] = "y";
       n.mutable_spec()->add_taints()->set_key("k");
     }, node_labels_changed | node_taints_changed},
  };
  const v1::Node before = ready_node();
  for (const auto& c : cases) {
    INFO(c.name);
    v1::Node after = before;
    c.change(after);
    CHECK(node_changes(&before, &after) == c.want);
  }
  CHECK(node_changes(nullptr, &before) == node_added);
  CHECK(node_changes(&before, nullptr) == 0);
}

TEST_CASE("cluster changes: namespaces", "[scheduler]") {
  v1::Namespace a;
  a.mutable_metadata()->set_name("team-a");
  v1::Namespace b = a;
  (*b.mutable_metadata()->mutable_labels())["team"] = "a";
  v1::Namespace c = b;
  c.mutable_status()->set_phase("Terminating");
  CHECK(namespace_changes(nullptr, &a) == namespace_labels_changed);
  CHECK(namespace_changes(&a, &b) == namespace_labels_changed);
  CHECK(namespace_changes(&b, &c) == 0);
  CHECK(namespace_changes(&b, nullptr) == 0);
}
