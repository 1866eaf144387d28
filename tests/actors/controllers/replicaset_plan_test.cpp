// The ReplicaSet controller's decisions (replicaset_plan.hpp, replicaset_pods.hpp,
// replica_expectations.hpp), by table: which pods count, adoption and release, the diff and its
// burst cap, slow-start batches, the deletion order, expectations, the new pod, the status.
#include "actors/controllers/replicaset_plan.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "actors/controllers/replica_expectations.hpp"
#include "tests/config/object_factories.hpp"

using namespace troupe;
using namespace troupe::controllers;

namespace {

namespace v1 = troupe::core::v1;

constexpr int64_t t0 = 1795737600;
const std::string rs_uid = "11111111-2222-3333-4444-555555555555";

config::timestamp at(int64_t offset) { return {t0 + offset, 0}; }

apps::v1::ReplicaSet make_rs(int32_t replicas = 2) {
  auto rs = testing::make_replica_set();
  rs.mutable_metadata()->set_uid(rs_uid);
  rs.mutable_metadata()->set_generation(4);
  rs.mutable_spec()->set_replicas(replicas);
  return rs;
}

// A running, ready pod of the ReplicaSet (controller ref to rs_uid, labels app=web).
struct pod_spec {
  std::string name;
  std::string owner = rs_uid;  // "" = orphan
  bool controller = true;
  std::map<std::string, std::string> labels = {{"app", "web"}};
  std::string phase = "Running";
  std::string node = "n1";
  std::optional<int64_t> ready_at = -100;  // offset; nullopt: not ready
  bool deleting = false;
  int32_t restarts = 0;
  int64_t created = -200;
  std::optional<std::string> cost;

  // One field changed per call (CONVENTIONS 21).
  pod_spec on(std::string n) const { auto c = *this; c.node = std::move(n); return c; }
  pod_spec in_phase(std::string ph) const { auto c = *this; c.phase = std::move(ph); return c; }
  pod_spec ready(std::optional<int64_t> t) const { auto c = *this; c.ready_at = t; return c; }
  pod_spec not_ready() const { return ready(std::nullopt); }
  pod_spec costing(std::string v) const { auto c = *this; c.cost = std::move(v); return c; }
  pod_spec restarted(int32_t n) const { auto c = *this; c.restarts = n; return c; }
  pod_spec created_at(int64_t t) const { auto c = *this; c.created = t; return c; }
  pod_spec labelled(std::map<std::string, std::string> l) const { auto c = *this; c.labels = std::move(l); return c; }
};

pod_spec named(std::string n) {
  pod_spec s;
  s.name = std::move(n);
  return s;
}

pod_ptr pod(const pod_spec& s) {
  auto p = std::make_shared<v1::Pod>(testing::make_pod());
  auto* m = p->mutable_metadata();
  m->set_name(s.name);
  m->set_uid("uid-" + s.name);
  m->mutable_creationtimestamp()->set_seconds(t0 + s.created);
  for (const auto& [k, v] : s.labels)
    (*m->mutable_labels())[k] = v;
  if (!s.owner.empty()) {
    auto* r = m->add_ownerreferences();
    r->set_apiversion("apps/v1");
    r->set_kind("ReplicaSet");
    r->set_name("web-5d4f");
    r->set_uid(s.owner);
    r->set_controller(s.controller);
  }
  if (s.deleting)
    m->mutable_deletiontimestamp()->set_seconds(t0);
  if (s.cost)
    (*m->mutable_annotations())["controller.kubernetes.io/pod-deletion-cost"] = *s.cost;
  p->mutable_spec()->set_nodename(s.node);
  p->mutable_status()->set_phase(s.phase);
  auto* c = p->mutable_status()->add_conditions();
  c->set_type("Ready");
  c->set_status(s.ready_at ? "True" : "False");
  if (s.ready_at)
    c->mutable_lasttransitiontime()->set_seconds(t0 + *s.ready_at);
  auto* cs = p->mutable_status()->add_containerstatuses();
  cs->set_name("web");
  cs->set_restartcount(s.restarts);
  return p;
}

std::vector<std::string> names(const std::vector<pod_ptr>& pods) {
  std::vector<std::string> out;
  for (const auto& p : pods)
    out.push_back(p->metadata().name());
  return out;
}

using strings = std::vector<std::string>;

} // namespace

TEST_CASE("claim_pods keeps, adopts and releases like ClaimPods", "[replicaset][plan]") {
  struct row {
    std::string name;
    pod_spec pod;
    bool rs_deleting;
    bool claimed, adopted, released;
  };
  std::vector<row> rows = {
    {"owned and matching", {"a"}, false, true, false, false},
    {"owned, labels changed: released", {"a", rs_uid, true, {{"app", "db"}}}, false, false, false, true},
    {"owned, labels changed, rs deleting: kept as is", {"a", rs_uid, true, {{"app", "db"}}}, true, false, false, false},
    {"orphan matching: adopted", {"a", ""}, false, true, true, false},
    {"orphan matching, rs deleting: left", {"a", ""}, true, false, false, false},
    {"orphan not matching: left", {"a", "", true, {{"app", "db"}}}, false, false, false, false},
    {"orphan terminating: left", {"a", "", true, {{"app", "web"}}, "Running", "n1", -100, true}, false, false, false, false},
    {"owned by another controller: not ours", {"a", "other-uid"}, false, false, false, false},
    {"non-controller ref only: an orphan", {"a", rs_uid, false}, false, true, true, false},
    {"owned but terminating: not counted", {"a", rs_uid, true, {{"app", "web"}}, "Running", "n1", -100, true}, false, false, false, false},
    {"owned but Failed: not counted", {"a", rs_uid, true, {{"app", "web"}}, "Failed"}, false, false, false, false},
    {"owned but Succeeded: not counted", {"a", rs_uid, true, {{"app", "web"}}, "Succeeded"}, false, false, false, false},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto rs = make_rs();
    if (r.rs_deleting)
      rs.mutable_metadata()->mutable_deletiontimestamp()->set_seconds(t0);
    auto plan = claim_pods(rs, {pod(r.pod)});
    CHECK(plan.claimed.size() == (r.claimed ? 1u : 0u));
    CHECK(plan.adopt.size() == (r.adopted ? 1u : 0u));
    CHECK(plan.release.size() == (r.released ? 1u : 0u));
  }
}

TEST_CASE("claim_pods ignores pods of other namespaces", "[replicaset][plan]") {
  auto p = std::make_shared<v1::Pod>(*pod({"a", ""}));
  p->mutable_metadata()->set_namespace_("other");
  auto plan = claim_pods(make_rs(), {p});
  CHECK(plan.claimed.empty());
  CHECK(plan.adopt.empty());
}

TEST_CASE("adopted_pod and released_pod edit only the controller reference", "[replicaset][plan]") {
  auto rs = make_rs();
  auto adopted = adopted_pod(*pod({"a", ""}), rs);
  REQUIRE(adopted.metadata().ownerreferences_size() == 1);
  const auto& ref = adopted.metadata().ownerreferences(0);
  CHECK(ref.apiversion() == "apps/v1");
  CHECK(ref.kind() == "ReplicaSet");
  CHECK(ref.name() == "web-5d4f");
  CHECK(ref.uid() == rs_uid);
  CHECK(ref.controller());
  CHECK(ref.blockownerdeletion());
  auto released = released_pod(adopted, rs_uid);
  CHECK(released.metadata().ownerreferences_size() == 0);
  CHECK(released.metadata().labels().at("app") == "web");
}

TEST_CASE("plan_replicas creates the missing pods, capped at the burst", "[replicaset][plan]") {
  struct row {
    std::string name;
    int32_t replicas;
    size_t claimed;
    size_t burst;
    size_t creates, deletes;
  };
  std::vector<row> rows = {
    {"in balance", 2, 2, 500, 0, 0},
    {"two missing", 3, 1, 500, 2, 0},
    {"from zero", 3, 0, 500, 3, 0},
    {"one too many", 1, 2, 500, 0, 1},
    {"scaled to zero", 0, 3, 500, 0, 3},
    {"capped at burst", 700, 0, 500, 500, 0},
    {"deletes capped at burst", 0, 5, 2, 0, 2},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    std::vector<pod_ptr> claimed;
    for (size_t i = 0; i < r.claimed; ++i)
      claimed.push_back(pod({"p" + std::to_string(i)}));
    auto plan = plan_replicas(make_rs(r.replicas), claimed, r.burst);
    CHECK(plan.creates == r.creates);
    CHECK(plan.deletes.size() == r.deletes);
  }
  auto rs = make_rs();
  rs.mutable_spec()->clear_replicas();  // nil replicas means 1
  CHECK(plan_replicas(rs, {}).creates == 1);
}

TEST_CASE("pods_to_delete follows ActivePodsWithRanks", "[replicaset][plan]") {
  // Each row: two pods, the one named "first" must be deleted before "second".
  struct row {
    std::string rule;
    pod_spec first, second;
  };
  std::vector<row> rows = {
    {"unassigned before assigned", named("first").on(""), named("second")},
    {"Pending before Running", named("first").in_phase("Pending"), named("second")},
    {"Pending before Unknown", named("first").in_phase("Pending"), named("second").in_phase("Unknown")},
    {"Unknown before Running", named("first").in_phase("Unknown"), named("second")},
    {"not ready before ready", named("first").not_ready(), named("second")},
    {"lower deletion cost first", named("first").costing("-5"), named("second")},
    {"invalid deletion cost counts as 0", named("first").costing("x"), named("second").costing("1")},
    {"ready for less time first", named("first").ready(-10), named("second").ready(-100)},
    {"more restarts first", named("first").restarted(3), named("second").restarted(1)},
    {"newer first", named("first").created_at(-50), named("second").created_at(-500)},
    {"ties by name", named("first"), named("second")},
    {"phase beats readiness", named("first").in_phase("Pending"), named("second").not_ready()},
    {"readiness beats restarts", named("first").not_ready(), named("second").restarted(9)},
  };
  for (const auto& r : rows) {
    INFO(r.rule);
    auto a = pod(r.first), b = pod(r.second);
    CHECK(names(pods_to_delete({b, a}, 1)) == strings{"first"});
    CHECK(names(pods_to_delete({a, b}, 2)) == strings{"first", "second"});
  }
}

TEST_CASE("pods_to_delete prefers pods doubled up on a node", "[replicaset][plan]") {
  // x and y share n1; z is alone on n2 and is otherwise the better victim (newer).
  auto x = pod(named("x").on("n1").created_at(-300));
  auto y = pod(named("y").on("n1").created_at(-300));
  auto z = pod(named("z").on("n2").created_at(-10));
  CHECK(names(pods_to_delete({z, x, y}, 1)) == strings{"x"});
  CHECK(names(pods_to_delete({z, x, y}, 5)) == strings{"x", "y", "z"});
}

TEST_CASE("slow_start_batches doubles from one", "[replicaset][plan]") {
  struct row {
    size_t count;
    std::vector<size_t> batches;
  };
  std::vector<row> rows = {
    {0, {}}, {1, {1}}, {2, {1, 1}}, {3, {1, 2}}, {4, {1, 2, 1}}, {7, {1, 2, 4}}, {10, {1, 2, 4, 3}},
  };
  for (const auto& r : rows) {
    INFO(r.count);
    CHECK(slow_start_batches(r.count) == r.batches);
  }
}

TEST_CASE("expectations hold the controller back until observed or expired", "[replicaset][plan]") {
  replica_expectations e;
  CHECK(e.satisfied(at(0)));
  e.expect(2, {"u1"}, at(0));
  CHECK_FALSE(e.satisfied(at(1)));
  e.creation_observed();
  e.deletion_observed("someone-else");
  CHECK_FALSE(e.satisfied(at(1)));
  e.creation_observed();
  CHECK_FALSE(e.satisfied(at(1)));  // u1 still pending
  e.deletion_observed("u1");
  e.deletion_observed("u1");  // once only
  CHECK(e.satisfied(at(1)));
  CHECK_FALSE(e.expires_at());

  e.expect(1, {}, at(10));
  CHECK(e.expires_at() == at(310));
  CHECK_FALSE(e.satisfied(at(310)));  // not yet past the ttl
  CHECK(e.satisfied(at(311)));        // the timeout: act again
}

TEST_CASE("new_pod is the template as the API server admits a created pod", "[replicaset][plan]") {
  auto rs = make_rs();
  (*rs.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_annotations())["a"] = "b";
  config::admission_options admission;
  admission.default_tolerations.unreachable_seconds = 2;
  auto made = new_pod(rs, "bcd42", admission);
  REQUIRE(std::holds_alternative<v1::Pod>(made));
  const auto& p = std::get<v1::Pod>(made);
  CHECK(p.metadata().name() == "web-5d4f-bcd42");
  CHECK(p.metadata().generatename() == "web-5d4f-");
  CHECK(p.metadata().namespace_() == "default");
  CHECK(p.metadata().labels().at("app") == "web");
  CHECK(p.metadata().annotations().at("a") == "b");
  REQUIRE(p.metadata().ownerreferences_size() == 1);
  CHECK(p.metadata().ownerreferences(0).uid() == rs_uid);
  CHECK(p.metadata().ownerreferences(0).controller());
  CHECK(p.metadata().ownerreferences(0).blockownerdeletion());
  CHECK(p.spec().containers(0).image() == "nginx:1.25");
  CHECK(p.status().phase() == "Pending");
  CHECK(p.status().qosclass() == "Burstable");
  CHECK(p.spec().serviceaccountname() == "default");  // pod defaults applied
  bool unreachable = false;
  for (const auto& t : p.spec().tolerations())
    if (t.key() == "node.kubernetes.io/unreachable")
      unreachable = t.tolerationseconds() == 2;
  CHECK(unreachable);
}

TEST_CASE("new_pod cuts a long name's prefix and reports an invalid template", "[replicaset][plan]") {
  auto rs = make_rs();
  rs.mutable_metadata()->set_name(std::string(60, 'w'));
  auto made = new_pod(rs, "bcd42", {});
  REQUIRE(std::holds_alternative<v1::Pod>(made));
  CHECK(std::get<v1::Pod>(made).metadata().generatename() == std::string(58, 'w'));
  CHECK(std::get<v1::Pod>(made).metadata().name().size() == 63);

  auto bad = make_rs();
  bad.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->clear_image();
  auto failed = new_pod(bad, "bcd42", {});
  REQUIRE(std::holds_alternative<std::string>(failed));
  CHECK(std::get<std::string>(failed).rfind("Pod \"web-5d4f-bcd42\" is invalid: ", 0) == 0);
  CHECK(std::get<std::string>(failed).find("image") != std::string::npos);
}

TEST_CASE("random_suffix uses generateName's alphabet", "[replicaset][plan]") {
  std::mt19937_64 rng{7};
  for (int i = 0; i < 50; ++i) {
    auto s = random_suffix(rng);
    REQUIRE(s.size() == 5);
    CHECK(s.find_first_not_of("bcdfghjklmnpqrstvwxz2456789") == std::string::npos);
  }
}

TEST_CASE("calculate_status counts ready, available and labeled pods", "[replicaset][plan]") {
  auto rs = make_rs(3);
  rs.mutable_spec()->set_minreadyseconds(30);
  std::vector<pod_ptr> claimed = {
    pod(named("old").ready(-100)),                   // available
    pod(named("fresh").ready(-10)),                  // ready, available at +20
    pod(named("starting").not_ready()),      // not ready
    pod(named("extra").labelled({{"app", "web"}, {"x", "y"}})),
  };
  auto s = calculate_status(rs, claimed, std::nullopt, at(0));
  CHECK(s.replicas() == 4);
  CHECK(s.fullylabeledreplicas() == 4);
  CHECK(s.readyreplicas() == 3);
  CHECK(s.availablereplicas() == 2);
  CHECK(s.observedgeneration() == 4);
  CHECK(s.conditions_size() == 0);
  CHECK(next_availability(rs, claimed, at(0)) == at(20));
  CHECK(calculate_status(rs, claimed, std::nullopt, at(21)).availablereplicas() == 3);

  // fullyLabeled: the template's labels, not just the selector's.
  (*rs.mutable_spec()->mutable_template_()->mutable_metadata()->mutable_labels())["tier"] = "fe";
  CHECK(calculate_status(rs, claimed, std::nullopt, at(0)).fullylabeledreplicas() == 0);
}

TEST_CASE("calculate_status sets and clears ReplicaFailure", "[replicaset][plan]") {
  auto rs = make_rs(3);
  std::vector<pod_ptr> claimed = {pod({"a"})};
  auto failed = calculate_status(rs, claimed, std::string("pods \"x\" is forbidden"), at(5));
  REQUIRE(failed.conditions_size() == 1);
  CHECK(failed.conditions(0).type() == "ReplicaFailure");
  CHECK(failed.conditions(0).status() == "True");
  CHECK(failed.conditions(0).reason() == "FailedCreate");
  CHECK(failed.conditions(0).message() == "pods \"x\" is forbidden");
  CHECK(failed.conditions(0).lasttransitiontime().seconds() == t0 + 5);

  *rs.mutable_status() = failed;
  // A second failure keeps the first condition (its time too).
  auto again = calculate_status(rs, claimed, std::string("other"), at(9));
  REQUIRE(again.conditions_size() == 1);
  CHECK(again.conditions(0).message() == "pods \"x\" is forbidden");
  CHECK_FALSE(status_update(rs, again));  // nothing changed: nothing to write
  // A sync without failure removes it.
  auto healed = calculate_status(rs, claimed, std::nullopt, at(10));
  CHECK(healed.conditions_size() == 0);
  CHECK(status_update(rs, healed));

  auto too_many = make_rs(0);
  auto del = calculate_status(too_many, claimed, std::string("boom"), at(5));
  CHECK(del.conditions(0).reason() == "FailedDelete");
}

TEST_CASE("status_update writes only a changed status", "[replicaset][plan]") {
  auto rs = make_rs(1);
  std::vector<pod_ptr> claimed = {pod({"a"})};
  auto s = calculate_status(rs, claimed, std::nullopt, at(0));
  auto u = status_update(rs, s);
  REQUIRE(u);
  CHECK(u->status().replicas() == 1);
  CHECK(u->spec().replicas() == 1);
  *rs.mutable_status() = s;
  CHECK_FALSE(status_update(rs, calculate_status(rs, claimed, std::nullopt, at(1))));
  rs.mutable_metadata()->set_generation(5);  // a new spec: observedGeneration follows
  CHECK(status_update(rs, calculate_status(rs, claimed, std::nullopt, at(1))));
}
