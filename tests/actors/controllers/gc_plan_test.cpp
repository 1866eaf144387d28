// The garbage collector's graph and decisions, by table.
#include "actors/controllers/gc_plan.hpp"

#include <catch2/catch.hpp>

#include "actors/controllers/ownership_graph.hpp"

using namespace troupe;
using namespace troupe::controllers;

namespace {

const config::kind_info& pods() { return *config::find_kind("v1", "Pod"); }
const config::kind_info& replica_sets() { return *config::find_kind("apps/v1", "ReplicaSet"); }

struct owner_spec {
  std::string uid;
  bool block = false;
};

meta::ObjectMeta object(const std::string& uid, std::vector<owner_spec> owners = {},
                        bool deleting = false, std::vector<std::string> finalizers = {}) {
  meta::ObjectMeta m;
  m.set_uid(uid);
  m.set_name("n-" + uid);
  m.set_namespace_("demo");
  for (const auto& o : owners) {
    auto* r = m.add_ownerreferences();
    r->set_uid(o.uid);
    r->set_apiversion("apps/v1");
    r->set_kind("ReplicaSet");
    r->set_name("n-" + o.uid);
    if (o.block)
      r->set_blockownerdeletion(true);
  }
  if (deleting)
    m.mutable_deletiontimestamp()->set_seconds(1);
  for (const auto& f : finalizers)
    m.add_finalizers(f);
  return m;
}

graph_node node(const std::string& uid, std::vector<owner_spec> owners = {}, bool deleting = false,
                std::vector<std::string> finalizers = {}) {
  graph_node n;
  auto m = object(uid, owners, deleting, finalizers);
  n.uid = uid;
  n.kind = &pods();
  n.ns = "demo";
  n.name = m.name();
  n.being_deleted = deleting;
  n.finalizers = finalizers;
  n.owners = owner_refs_of(m);
  return n;
}

std::vector<std::string> describe(const std::vector<gc_action>& actions) {
  std::vector<std::string> out;
  for (const auto& a : actions) {
    std::string s = std::string(to_string(a.type)) + " " + a.uid;
    for (const auto& o : a.owner_uids)
      s += " -" + o;
    if (!a.finalizer.empty())
      s += " " + a.finalizer;
    out.push_back(s);
  }
  return out;
}

std::vector<std::string> sorted(std::set<std::string> s) { return {s.begin(), s.end()}; }

} // namespace

TEST_CASE("gc plan for a dependent: by the states of its owners", "[unit][controllers]") {
  using os = owner_state;
  struct row {
    std::string name;
    graph_node n;
    std::map<std::string, owner_state> owners;
    bool has_dependents;
    std::vector<std::string> expected;
  };
  std::vector<row> rows = {
    {"no owners: nothing", node("p"), {}, false, {}},
    {"owner exists: nothing", node("p", {{"rs"}}), {{"rs", os::solid}}, false, {}},
    {"owner gone: delete in the background", node("p", {{"rs"}}), {{"rs", os::dangling}}, false,
     {"delete_background p"}},
    {"one of two owners gone: drop the dangling reference only", node("p", {{"a"}, {"b"}}),
     {{"a", os::solid}, {"b", os::dangling}}, false, {"drop_owner_refs p -b"}},
    {"every owner gone: delete", node("p", {{"a"}, {"b"}}), {{"a", os::dangling}, {"b", os::dangling}},
     false, {"delete_background p"}},
    {"owner waiting, no dependents of its own: delete in the background", node("p", {{"rs", true}}),
     {{"rs", os::waiting}}, false, {"delete_background p"}},
    {"owner waiting, with dependents: delete Foreground (chains cascade)", node("rs", {{"d", true}}),
     {{"d", os::waiting}}, true, {"delete_foreground rs"}},
    {"a solid owner and a waiting one: drop the waiting reference", node("p", {{"a"}, {"b", true}}),
     {{"a", os::solid}, {"b", os::waiting}}, false, {"drop_owner_refs p -b"}},
    {"an owner of an unknown kind: leave it", node("p", {{"a"}, {"b"}}),
     {{"a", os::dangling}, {"b", os::unknown}}, false, {}},
    {"an owner with no state given: leave it", node("p", {{"a"}}), {}, false, {}},
    {"already being deleted: nothing", node("p", {{"rs"}}, true), {{"rs", os::dangling}}, false, {}},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(describe(plan_for_dependent(r.n, r.owners, r.has_dependents)) == r.expected);
  }
}

TEST_CASE("gc plan for an owner being deleted: Orphan and Foreground", "[unit][controllers]") {
  auto p1 = node("p1", {{"rs", true}});
  auto p2 = node("p2", {{"rs", true}}, true);
  auto loose = node("p3", {{"rs", false}});
  struct row {
    std::string name;
    graph_node owner;
    std::vector<const graph_node*> dependents;
    std::vector<std::string> actions;
    std::vector<std::string> dirty;
  };
  std::vector<row> rows = {
    {"orphan: release every dependent, then the finalizer", node("rs", {}, true, {"orphan"}), {&p1, &loose},
     {"drop_owner_refs p1 -rs", "drop_owner_refs p3 -rs", "remove_finalizer rs orphan"}, {}},
    {"orphan without dependents: the finalizer", node("rs", {}, true, {"orphan"}), {},
     {"remove_finalizer rs orphan"}, {}},
    {"foreground: blocking dependents not yet deleted are re-evaluated; the owner waits",
     node("rs", {}, true, {"foregroundDeletion"}), {&p1, &p2, &loose}, {}, {"p1"}},
    {"foreground: only non-blocking dependents left: the finalizer goes",
     node("rs", {}, true, {"foregroundDeletion"}), {&loose}, {"remove_finalizer rs foregroundDeletion"}, {}},
    {"not being deleted: nothing", node("rs", {}, false, {"orphan"}), {&p1}, {}, {}},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto plan = plan_for_deleting_owner(r.owner, r.dependents);
    CHECK(describe(plan.actions) == r.actions);
    CHECK(plan.dirty == r.dirty);
  }
}

TEST_CASE("gc owner state from the live object: same uid exists, recreated, waiting", "[unit][controllers]") {
  owner_ref ref{"rs-1", "apps/v1", "ReplicaSet", "web", true};
  CHECK(classify_owner(ref, nullptr) == owner_state::dangling);
  auto live = object("rs-1");
  CHECK(classify_owner(ref, &live) == owner_state::solid);
  auto recreated = object("rs-2");
  CHECK(classify_owner(ref, &recreated) == owner_state::dangling);
  auto waiting = object("rs-1", {}, true, {"foregroundDeletion"});
  CHECK(classify_owner(ref, &waiting) == owner_state::waiting);
  auto orphaning = object("rs-1", {}, true, {"orphan"});
  CHECK(classify_owner(ref, &orphaning) == owner_state::solid);
}

TEST_CASE("ownership graph: edges by uid, and what each event makes dirty", "[unit][controllers]") {
  ownership_graph g;
  // A dependent seen before its owner: the edge exists, the owner has no node.
  CHECK(sorted(g.upsert(pods(), object("p1", {{"rs"}}))) == std::vector<std::string>{"p1"});
  CHECK(g.find("rs") == nullptr);
  REQUIRE(g.dependents_of("rs").size() == 1);
  CHECK(sorted(g.upsert(replica_sets(), object("rs"))).empty());
  CHECK(sorted(g.upsert(pods(), object("p2", {{"rs", true}}))) == std::vector<std::string>{"p2"});
  CHECK(g.dependents_of("rs").size() == 2);

  // The owner starts Foreground deletion: it and its dependents are dirty.
  CHECK(sorted(g.upsert(replica_sets(), object("rs", {}, true, {"foregroundDeletion"}))) ==
        std::vector<std::string>{"p1", "p2", "rs"});
  // A dependent starts being deleted: its owner (waiting for it) is dirty, and so is it.
  CHECK(sorted(g.upsert(pods(), object("p2", {{"rs", true}}, true))) == std::vector<std::string>{"p2", "rs"});
  // A dependent drops its reference: the owner it left is dirty, and the edge is gone.
  CHECK(sorted(g.upsert(pods(), object("p1"))) == std::vector<std::string>{"rs"});
  CHECK(g.dependents_of("rs").size() == 1);
  // A dependent is removed: its owner is dirty.
  CHECK(sorted(g.remove("p2")) == std::vector<std::string>{"rs"});
  CHECK(g.dependents_of("rs").empty());

  // The owner is removed: its dependents are dirty.
  g.upsert(pods(), object("p3", {{"rs"}}));
  CHECK(sorted(g.remove("rs")) == std::vector<std::string>{"p3"});
  CHECK(g.find("rs") == nullptr);
  CHECK(g.dependents_of("rs").size() == 1);  // p3 still names it
  CHECK(sorted(g.remove("unknown")).empty());
  CHECK(g.size() == 2);
  g.upsert(replica_sets(), object("rs2"));
  CHECK(g.uids_of(pods()) == std::vector<std::string>{"p1", "p3"});
  CHECK(g.uids_of(replica_sets()) == std::vector<std::string>{"rs2"});
}
