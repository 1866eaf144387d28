// NodeAffinity (issue 6): nodeSelector, required terms with every operator, matchFields on
// metadata.name, and the preferred terms' weight sum.
#include <catch2/catch.hpp>

#include "actors/scheduler/node_affinity.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe::scheduler;

namespace {

/// One filter call on a node with nothing bound to it yet.
fit run(const filter_plugin& plugin, const v1::Pod& pod, const v1::Node& node) {
  return plugin.filter(pod, nullptr, node_info{node});
}

v1::Node node(const std::string& name, std::map<std::string, std::string> labels) {
  v1::Node n;
  n.mutable_metadata()->set_name(name);
  for (auto& [k, v] : labels)
    (*n.mutable_metadata()->mutable_labels())[k] = v;
  return n;
}

v1::NodeSelectorRequirement req(const std::string& key, const std::string& op,
                                std::vector<std::string> values = {}) {
  v1::NodeSelectorRequirement r;
  r.set_key(key);
  r.set_operator_(op);
  for (auto& v : values)
    r.add_values(v);
  return r;
}

v1::NodeSelectorTerm term(std::vector<v1::NodeSelectorRequirement> exprs,
                          std::vector<v1::NodeSelectorRequirement> fields = {}) {
  v1::NodeSelectorTerm t;
  for (auto& e : exprs)
    *t.add_matchexpressions() = e;
  for (auto& f : fields)
    *t.add_matchfields() = f;
  return t;
}

v1::Pod pod_required(std::vector<v1::NodeSelectorTerm> terms) {
  v1::Pod p;
  auto* sel = p.mutable_spec()->mutable_affinity()->mutable_nodeaffinity()
                ->mutable_requiredduringschedulingignoredduringexecution();
  for (auto& t : terms)
    *sel->add_nodeselectorterms() = t;
  return p;
}

} // namespace

TEST_CASE("NodeAffinity: nodeSelector needs every pair", "[scheduler]") {
  node_affinity plugin;
  v1::Pod p;
  (*p.mutable_spec()->mutable_nodeselector())["disk"] = "ssd";
  (*p.mutable_spec()->mutable_nodeselector())["zone"] = "a";
  CHECK(run(plugin, p, node("n", {{"disk", "ssd"}, {"zone", "a"}, {"x", "y"}})).fits());
  auto f = run(plugin, p, node("n", {{"disk", "ssd"}, {"zone", "b"}}));
  CHECK(f.code == fit_code::unschedulable_and_unresolvable);
  CHECK(f.reason() == "node(s) didn't match Pod's node affinity/selector");
  CHECK(!run(plugin, p, node("n", {{"disk", "ssd"}})).fits());
  CHECK(run(plugin, v1::Pod{}, node("n", {})).fits());
}

TEST_CASE("NodeAffinity: required terms and operators", "[scheduler]") {
  node_affinity plugin;
  const auto n = node("node2", {{"zone", "a"}, {"cores", "8"}, {"gpu", "yes"}});
  struct tc {
    const char* name;
    v1::Pod p;
    bool want;
  };
  std::vector<tc> cases = {
    {"In matches", pod_required({term({req("zone", "In", {"a", "b"})})}), true},
    {"In misses", pod_required({term({req("zone", "In", {"c"})})}), false},
    {"In on a missing label", pod_required({term({req("rack", "In", {"1"})})}), false},
    {"NotIn", pod_required({term({req("zone", "NotIn", {"c"})})}), true},
    {"NotIn on a missing label holds", pod_required({term({req("rack", "NotIn", {"1"})})}), true},
    {"NotIn misses", pod_required({term({req("zone", "NotIn", {"a"})})}), false},
    {"Exists", pod_required({term({req("gpu", "Exists")})}), true},
    {"DoesNotExist", pod_required({term({req("gpu", "DoesNotExist")})}), false},
    {"Gt", pod_required({term({req("cores", "Gt", {"4"})})}), true},
    {"Gt equal is not greater", pod_required({term({req("cores", "Gt", {"8"})})}), false},
    {"Lt", pod_required({term({req("cores", "Lt", {"16"})})}), true},
    {"Gt on a non-integer label", pod_required({term({req("zone", "Gt", {"1"})})}), false},
    {"Gt with a non-integer value", pod_required({term({req("cores", "Gt", {"x"})})}), false},
    {"expressions in a term are ANDed", pod_required({term({req("zone", "In", {"a"}), req("gpu", "DoesNotExist")})}), false},
    {"terms are ORed", pod_required({term({req("zone", "In", {"z"})}), term({req("gpu", "Exists")})}), true},
    {"an empty term matches nothing", pod_required({term({})}), false},
    {"matchFields metadata.name In", pod_required({term({}, {req("metadata.name", "In", {"node2"})})}), true},
    {"matchFields metadata.name NotIn", pod_required({term({}, {req("metadata.name", "NotIn", {"node2"})})}), false},
    {"matchFields on another field", pod_required({term({}, {req("metadata.uid", "In", {"node2"})})}), false},
    {"no terms at all matches nothing", pod_required({}), false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto f = run(plugin, c.p, n);
    CHECK(f.fits() == c.want);
    if (!c.want)
      CHECK(f.reason() == node_affinity::reason);
  }
}

TEST_CASE("NodeAffinity: preferred terms add their weights", "[scheduler]") {
  v1::Pod p;
  auto* aff = p.mutable_spec()->mutable_affinity()->mutable_nodeaffinity();
  auto add = [&](int32_t w, v1::NodeSelectorTerm t) {
    auto* pt = aff->add_preferredduringschedulingignoredduringexecution();
    pt->set_weight(w);
    *pt->mutable_preference() = t;
  };
  add(10, term({req("zone", "In", {"a"})}));
  add(5, term({req("gpu", "Exists")}));
  add(50, term({}));  // an empty preference matches nothing
  CHECK(node_affinity::preferred_weight(p, node("n", {{"zone", "a"}, {"gpu", "1"}})) == 15);
  CHECK(node_affinity::preferred_weight(p, node("n", {{"zone", "b"}, {"gpu", "1"}})) == 5);
  CHECK(node_affinity::preferred_weight(p, node("n", {})) == 0);
  // Preferred terms never filter.
  CHECK(run(node_affinity{}, p, node("n", {})).fits());
}
