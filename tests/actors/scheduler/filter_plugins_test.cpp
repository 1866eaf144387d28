// The first filter plugins of the scheduler chain (issue 6): NodeName, NodeUnschedulable,
// TaintToleration, the toleration rules they share, and Kubernetes' FailedScheduling summary.
#include <catch2/catch.hpp>

#include "actors/scheduler/node_name.hpp"
#include "actors/scheduler/node_unschedulable.hpp"
#include "actors/scheduler/taint_toleration.hpp"
#include "actors/scheduler/tolerations.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe::scheduler;

namespace {

/// One filter call on a node with nothing bound to it yet.
fit run(const filter_plugin& plugin, const v1::Pod& pod, const v1::Node& node) {
  return plugin.filter(pod, nullptr, node_info{node});
}

v1::Taint taint(const std::string& key, const std::string& value, const std::string& effect) {
  v1::Taint t;
  t.set_key(key);
  t.set_value(value);
  t.set_effect(effect);
  return t;
}

v1::Toleration toleration(const std::string& key, const std::string& op, const std::string& value,
                          const std::string& effect) {
  v1::Toleration t;
  t.set_key(key);
  t.set_operator_(op);
  t.set_value(value);
  t.set_effect(effect);
  return t;
}

v1::Node node(const std::string& name, std::vector<v1::Taint> taints = {}, bool cordoned = false) {
  v1::Node n;
  n.mutable_metadata()->set_name(name);
  for (auto& t : taints)
    *n.mutable_spec()->add_taints() = t;
  if (cordoned)
    n.mutable_spec()->set_unschedulable(true);
  return n;
}

v1::Pod pod(std::vector<v1::Toleration> tolerations = {}, const std::string& node_name = "") {
  v1::Pod p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("default");
  for (auto& t : tolerations)
    *p.mutable_spec()->add_tolerations() = t;
  if (!node_name.empty())
    p.mutable_spec()->set_nodename(node_name);
  return p;
}

} // namespace

TEST_CASE("tolerations match taints as Kubernetes' ToleratesTaint", "[scheduler]") {
  struct tc {
    const char* name;
    v1::Toleration tol;
    v1::Taint t;
    bool want;
  };
  std::vector<tc> cases = {
    {"equal key, value, effect", toleration("k", "Equal", "v", "NoSchedule"), taint("k", "v", "NoSchedule"), true},
    {"empty operator means Equal", toleration("k", "", "v", "NoSchedule"), taint("k", "v", "NoSchedule"), true},
    {"other value", toleration("k", "Equal", "v", "NoSchedule"), taint("k", "w", "NoSchedule"), false},
    {"other key", toleration("j", "Equal", "v", "NoSchedule"), taint("k", "v", "NoSchedule"), false},
    {"other effect", toleration("k", "Equal", "v", "NoExecute"), taint("k", "v", "NoSchedule"), false},
    {"empty effect matches every effect", toleration("k", "Equal", "v", ""), taint("k", "v", "NoExecute"), true},
    {"Exists ignores the value", toleration("k", "Exists", "", "NoSchedule"), taint("k", "any", "NoSchedule"), true},
    {"empty key with Exists matches every key", toleration("", "Exists", "", ""), taint("x", "y", "NoExecute"), true},
    {"empty key with Exists still checks the effect", toleration("", "Exists", "", "NoSchedule"), taint("x", "y", "NoExecute"), false},
    {"unknown operator", toleration("k", "In", "v", "NoSchedule"), taint("k", "v", "NoSchedule"), false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(tolerates(c.tol, c.t) == c.want);
  }
}

TEST_CASE("NodeName: a pod naming its node fits only there", "[scheduler]") {
  node_name plugin;
  CHECK(run(plugin, pod(), node("node1")).fits());
  CHECK(run(plugin, pod({}, "node1"), node("node1")).fits());
  auto f = run(plugin, pod({}, "node2"), node("node1"));
  CHECK(f.code == fit_code::unschedulable_and_unresolvable);
  CHECK(f.reason() == "node(s) didn't match the requested node name");
}

TEST_CASE("NodeUnschedulable: cordoned nodes take only pods tolerating the cordon", "[scheduler]") {
  node_unschedulable plugin;
  CHECK(run(plugin, pod(), node("n")).fits());
  auto f = run(plugin, pod(), node("n", {}, true));
  CHECK(!f.fits());
  CHECK(f.reason() == "node(s) were unschedulable");
  CHECK(run(plugin, pod({toleration("node.kubernetes.io/unschedulable", "Exists", "", "NoSchedule")}),
                      node("n", {}, true)).fits());
  CHECK(run(plugin, pod({toleration("", "Exists", "", "")}), node("n", {}, true)).fits());
  CHECK(!run(plugin, pod({toleration("node.kubernetes.io/unschedulable", "Exists", "", "NoExecute")}),
                       node("n", {}, true)).fits());
}

TEST_CASE("TaintToleration: NoSchedule and NoExecute filter, PreferNoSchedule only scores",
          "[scheduler]") {
  taint_toleration plugin;
  struct tc {
    const char* name;
    v1::Pod p;
    v1::Node n;
    std::string want_reason;  // "" = fits
  };
  std::vector<tc> cases = {
    {"no taints", pod(), node("n"), ""},
    {"untolerated NoSchedule", pod(), node("n", {taint("k", "v", "NoSchedule")}), "node(s) had untolerated taint {k: v}"},
    {"untolerated NoExecute", pod(), node("n", {taint("dedicated", "gpu", "NoExecute")}),
     "node(s) had untolerated taint {dedicated: gpu}"},
    {"PreferNoSchedule does not filter", pod(), node("n", {taint("k", "v", "PreferNoSchedule")}), ""},
    {"tolerated", pod({toleration("k", "Equal", "v", "NoSchedule")}), node("n", {taint("k", "v", "NoSchedule")}), ""},
    {"the first untolerated taint names the reason", pod({toleration("a", "Exists", "", "")}),
     node("n", {taint("a", "1", "NoSchedule"), taint("b", "2", "NoSchedule"), taint("c", "3", "NoExecute")}),
     "node(s) had untolerated taint {b: 2}"},
    {"a taint without value", pod(), node("n", {taint("k", "", "NoSchedule")}), "node(s) had untolerated taint {k: }"},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto f = run(plugin, c.p, c.n);
    CHECK(f.fits() == c.want_reason.empty());
    CHECK(f.reason() == c.want_reason);
  }
  auto n = node("n", {taint("a", "1", "PreferNoSchedule"), taint("b", "2", "PreferNoSchedule"),
                      taint("c", "3", "NoSchedule")});
  CHECK(taint_toleration::intolerable_preferred(pod(), n) == 2);
  CHECK(taint_toleration::intolerable_preferred(pod({toleration("a", "Exists", "", "PreferNoSchedule")}), n) == 1);
  CHECK(taint_toleration::intolerable_preferred(pod({toleration("b", "Exists", "", "NoSchedule")}), n) == 2);
}

TEST_CASE("FailedScheduling summary counts and sorts the reasons as kube-scheduler", "[scheduler]") {
  CHECK(fit_summary(2, {"node(s) had untolerated taint {k: v}", "node(s) didn't match Pod's node affinity/selector"}) ==
        "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated "
        "taint {k: v}.");
  CHECK(fit_summary(3, {"node(s) were unschedulable", "node(s) were unschedulable", "node(s) had untolerated taint {a: }"}) ==
        "0/3 nodes are available: 1 node(s) had untolerated taint {a: }, 2 node(s) were unschedulable.");
  CHECK(fit_summary(0, {}) == "0/0 nodes are available.");
}
