// InterPodAffinity (issue 6) on a small cluster: required affinity and anti-affinity with their
// reasons, namespaces and namespaceSelector, a node without the topology key, the first pod of
// a group, existing pods' anti-affinity, relabelled nodes, removed pods, and the score order.
#include <catch2/catch.hpp>

#include "actors/scheduler/inter_pod_affinity.hpp"
#include "actors/scheduler/pod_topology_index.hpp"
#include "tests/actors/scheduler/affinity_factories.hpp"

using namespace troupe::scheduler;
using namespace troupe::scheduler::affinity_testing;

namespace {

const std::string zone = "topology.kubernetes.io/zone";
const std::string host = "kubernetes.io/hostname";

/// n1, n2 in zone a; n3 in zone b; n4 without a zone. Namespaces default {team: a} and
/// other {env: prod}. Bound: web1 (app=web) on n1, db3 (app=db) on n3, web-o (app=web, in
/// "other") on n3.
struct cluster {
  std::vector<v1::Node> nodes;
  std::vector<std::unique_ptr<node_info>> infos;
  std::vector<const node_info*> view_nodes;
  pod_topology_index index;

  cluster() {
    nodes = {make_node("n1", {{zone, "a"}, {host, "n1"}}), make_node("n2", {{zone, "a"}, {host, "n2"}}),
             make_node("n3", {{zone, "b"}, {host, "n3"}}), make_node("n4", {{host, "n4"}})};
    for (const auto& n : nodes)
      index.set_node(n);
    index.set_namespace(make_namespace("default", {{"team", "a"}}));
    index.set_namespace(make_namespace("other", {{"env", "prod"}}));
    index.add_pod(shared(make_pod("web1", {{"app", "web"}}, "n1")));
    index.add_pod(shared(make_pod("db3", {{"app", "db"}}, "n3")));
    index.add_pod(shared(make_pod("web-o", {{"app", "web"}}, "n3", "other")));
    refresh();
  }
  void relabel(size_t i, const labels& l) {
    nodes[i] = make_node(nodes[i].metadata().name(), l);
    index.set_node(nodes[i]);
    refresh();
  }
  void refresh() {
    infos.clear();
    view_nodes.clear();
    for (const auto& n : nodes) {
      infos.push_back(std::make_unique<node_info>(n));
      view_nodes.push_back(infos.back().get());
    }
  }
  cluster_view view() const { return {&view_nodes, &index}; }
};

/// The filter outcome on each node, "ok" or the reason, plus the codes of the non-fits.
struct outcome {
  std::vector<std::string> reasons;  // per node
  std::vector<fit_code> codes;       // per node
  bool stateless = false;
};

outcome run_filter(const cluster& c, const v1::Pod& pod) {
  inter_pod_affinity plugin;
  std::unique_ptr<plugin_state> state;
  outcome out;
  fit pre = plugin.pre_filter(pod, c.view(), state);
  out.stateless = !state;
  for (const auto* info : c.view_nodes) {
    fit f = pre.fits() ? plugin.filter(pod, state.get(), *info) : pre;
    out.reasons.push_back(f.fits() ? "ok" : f.reason());
    out.codes.push_back(f.code);
  }
  return out;
}

std::vector<int64_t> run_score(const cluster& c, const v1::Pod& pod) {
  inter_pod_affinity plugin;
  std::unique_ptr<plugin_state> state;
  plugin.pre_score(pod, c.view(), c.view_nodes, state);
  std::vector<int64_t> scores;
  for (const auto* info : c.view_nodes)
    scores.push_back(plugin.score(pod, state.get(), *info));
  plugin.normalize(scores);
  return scores;
}

const std::string ok = "ok";
const std::string aff = inter_pod_affinity::affinity_reason;
const std::string anti = inter_pod_affinity::anti_affinity_reason;
const std::string existing = inter_pod_affinity::existing_anti_affinity_reason;

v1::Pod incoming(const labels& l = {{"app", "new"}}) {
  return make_pod("new", l);
}

} // namespace

TEST_CASE("InterPodAffinity filter: the incoming pod's required terms", "[scheduler]") {
  cluster c;
  struct tc {
    const char* name;
    v1::Pod pod;
    std::vector<std::string> want;  // n1..n4
  };
  const v1::Pod pod = incoming();
  std::vector<tc> cases = {
    {"affinity by zone; a node without the key never fits",
     with_term(pod, kind::affinity, {labels{{"app", "web"}}, zone}), {ok, ok, aff, aff}},
    {"affinity by hostname", with_term(pod, kind::affinity, {labels{{"app", "web"}}, host}), {ok, aff, aff, aff}},
    {"affinity to pods of a listed namespace",
     with_term(pod, kind::affinity, {labels{{"app", "web"}}, zone, {"other"}}), {aff, aff, ok, aff}},
    {"affinity to pods of namespaces selected by labels",
     with_term(pod, kind::affinity, {labels{{"app", "web"}}, zone, {}, labels{{"env", "prod"}}}), {aff, aff, ok, aff}},
    {"affinity with namespaceSelector {}: every namespace",
     with_term(pod, kind::affinity, {labels{{"app", "web"}}, zone, {}, labels{}}), {ok, ok, ok, aff}},
    {"affinity to a pod in another namespace is not the default",
     with_term(pod, kind::affinity, {labels{{"app", "db"}}, zone, {"other"}}), {aff, aff, aff, aff}},
    {"two affinity terms need one pod matching both",
     with_term(with_term(pod, kind::affinity, {labels{{"app", "web"}}, zone}), kind::affinity,
               {labels{{"app", "db"}}, zone}),
     {aff, aff, aff, aff}},
    {"first pod of a group: nothing matches yet and the pod matches its own term",
     with_term(incoming({{"app", "cache"}}), kind::affinity, {labels{{"app", "cache"}}, zone}), {ok, ok, ok, aff}},
    {"not the first pod of its own group: nothing matches and it does not match itself",
     with_term(pod, kind::affinity, {labels{{"app", "cache"}}, zone}), {aff, aff, aff, aff}},
    {"no exception when some pod matches elsewhere",
     with_term(incoming({{"app", "db"}}), kind::affinity, {labels{{"app", "db"}}, host}), {aff, aff, ok, aff}},
    {"affinity without labelSelector selects nothing", with_term(pod, kind::affinity, {std::nullopt, zone}),
     {aff, aff, aff, aff}},
    {"anti-affinity by zone; a node without the key fits",
     with_term(pod, kind::anti_affinity, {labels{{"app", "web"}}, zone}), {anti, anti, ok, ok}},
    {"anti-affinity by hostname", with_term(pod, kind::anti_affinity, {labels{{"app", "web"}}, host}),
     {anti, ok, ok, ok}},
    {"anti-affinity to a listed namespace",
     with_term(pod, kind::anti_affinity, {labels{{"app", "web"}}, zone, {"other"}}), {ok, ok, anti, ok}},
    {"anti-affinity by namespaceSelector",
     with_term(pod, kind::anti_affinity, {labels{{"app", "web"}}, zone, {}, labels{{"team", "a"}}}),
     {anti, anti, ok, ok}},
    {"anti-affinity matching no pod", with_term(pod, kind::anti_affinity, {labels{{"app", "cache"}}, zone}),
     {ok, ok, ok, ok}},
    {"affinity checked before anti-affinity",
     with_term(with_term(pod, kind::affinity, {labels{{"app", "db"}}, zone}), kind::anti_affinity,
               {labels{{"app", "web"}}, host}),
     {aff, aff, ok, aff}},
    {"no pod affinity at all", pod, {ok, ok, ok, ok}},
  };
  for (const auto& tcase : cases) {
    INFO(tcase.name);
    auto got = run_filter(c, tcase.pod);
    CHECK(got.reasons == tcase.want);
    for (size_t i = 0; i < got.reasons.size(); ++i) {
      if (got.reasons[i] == aff)
        CHECK(got.codes[i] == fit_code::unschedulable_and_unresolvable);
      if (got.reasons[i] == anti)
        CHECK(got.codes[i] == fit_code::unschedulable);
    }
  }
}

TEST_CASE("InterPodAffinity filter: existing pods' required anti-affinity", "[scheduler]") {
  cluster c;
  c.index.add_pod(shared(with_term(make_pod("guard", {{"app", "guard"}}, "n2"), kind::anti_affinity,
                                   {labels{{"app", "api"}}, zone})));
  c.index.add_pod(shared(with_term(make_pod("guard-o", {{"app", "guard"}}, "n4", "other"),
                                   kind::anti_affinity, {labels{{"app", "api"}}, host})));
  struct tc {
    const char* name;
    v1::Pod pod;
    std::vector<std::string> want;
  };
  std::vector<tc> cases = {
    {"a selected pod avoids the guard's zone", incoming({{"app", "api"}}), {existing, existing, ok, ok}},
    {"an unselected pod goes anywhere", incoming({{"app", "web"}}), {ok, ok, ok, ok}},
    {"the other namespace's guard selects its own namespace",
     make_pod("api", {{"app", "api"}}, "", "other"), {ok, ok, ok, existing}},
    {"the pod's own anti-affinity is checked first",
     with_term(incoming({{"app", "api"}}), kind::anti_affinity, {labels{{"app", "web"}}, host}),
     {anti, existing, ok, ok}},
  };
  for (const auto& tcase : cases) {
    INFO(tcase.name);
    auto got = run_filter(c, tcase.pod);
    CHECK(got.reasons == tcase.want);
    for (size_t i = 0; i < got.reasons.size(); ++i)
      if (got.reasons[i] == existing)
        CHECK(got.codes[i] == fit_code::unschedulable);
  }
}

TEST_CASE("InterPodAffinity filter: a namespaceSelector term of an existing pod", "[scheduler]") {
  cluster c;
  c.index.add_pod(shared(with_term(make_pod("guard", {}, "n3", "other"), kind::anti_affinity,
                                   {labels{{"app", "api"}}, zone, {}, labels{{"team", "a"}}})));
  CHECK(run_filter(c, incoming({{"app", "api"}})).reasons == std::vector<std::string>{ok, ok, existing, ok});
  CHECK(run_filter(c, make_pod("api", {{"app", "api"}}, "", "other")).reasons ==
        std::vector<std::string>{ok, ok, ok, ok});
}

TEST_CASE("InterPodAffinity filter: a pod without affinity costs nothing", "[scheduler]") {
  cluster c;
  auto got = run_filter(c, incoming());
  CHECK(got.stateless);
  CHECK(got.reasons == std::vector<std::string>{ok, ok, ok, ok});
  // An existing anti-affinity term that does not select the pod leaves no state either.
  c.index.add_pod(shared(with_term(make_pod("guard", {}, "n2"), kind::anti_affinity, {labels{{"app", "api"}}, zone})));
  CHECK(run_filter(c, incoming()).stateless);
}

TEST_CASE("InterPodAffinity filter: an invalid selector refuses every node", "[scheduler]") {
  cluster c;
  auto pod = with_term(incoming(), kind::affinity, {labels{{"app", "web"}}, zone});
  pod.mutable_spec()->mutable_affinity()->mutable_podaffinity()->mutable_requiredduringschedulingignoredduringexecution(0)
    ->mutable_labelselector()->add_matchexpressions()->set_key("app");  // no operator
  auto got = run_filter(c, pod);
  REQUIRE(got.reasons.size() == 4);
  CHECK(got.reasons[0].rfind("parsing pod: spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector", 0) == 0);
  CHECK(got.codes[0] == fit_code::unschedulable_and_unresolvable);
}

TEST_CASE("InterPodAffinity filter: relabelled nodes and removed pods", "[scheduler]") {
  cluster c;
  auto pod = with_term(incoming(), kind::affinity, {labels{{"app", "web"}}, zone});
  auto avoid = with_term(incoming(), kind::anti_affinity, {labels{{"app", "web"}}, zone});
  CHECK(run_filter(c, pod).reasons == std::vector<std::string>{ok, ok, aff, aff});

  c.relabel(3, {{zone, "a"}, {host, "n4"}});  // n4 joins zone a
  CHECK(run_filter(c, pod).reasons == std::vector<std::string>{ok, ok, aff, ok});
  c.relabel(0, {{zone, "b"}, {host, "n1"}});  // web1's node moves to zone b
  CHECK(run_filter(c, pod).reasons == std::vector<std::string>{ok, aff, ok, aff});
  CHECK(run_filter(c, avoid).reasons == std::vector<std::string>{anti, ok, anti, ok});

  c.index.remove_pod("default/web1");  // the only app=web pod of "default"
  CHECK(run_filter(c, pod).reasons == std::vector<std::string>{aff, aff, aff, aff});
  CHECK(run_filter(c, avoid).reasons == std::vector<std::string>{ok, ok, ok, ok});
  auto first = with_term(incoming({{"app", "web"}}), kind::affinity, {labels{{"app", "web"}}, zone});
  CHECK(run_filter(c, first).reasons == std::vector<std::string>{ok, ok, ok, ok});
}

TEST_CASE("InterPodAffinity score: preferred terms and existing pods' terms", "[scheduler]") {
  struct tc {
    const char* name;
    v1::Pod pod;
    std::vector<v1::Pod> existing;
    std::vector<int64_t> want;  // normalized, n1..n4
  };
  const v1::Pod pod = incoming({{"app", "api"}});
  std::vector<tc> cases = {
    {"no terms anywhere: all 0", pod, {}, {0, 0, 0, 0}},
    {"preferred affinity to the zone of web1",
     with_term(pod, kind::preferred_affinity, {labels{{"app", "web"}}, zone}, 10), {}, {100, 100, 0, 0}},
    {"preferred anti-affinity to web1's host",
     with_term(pod, kind::preferred_anti_affinity, {labels{{"app", "web"}}, host}, 5), {}, {0, 100, 100, 100}},
    {"both: zone a +50, zone b −80 → n4 (0) in between",
     with_term(with_term(pod, kind::preferred_affinity, {labels{{"app", "web"}}, zone}, 50),
               kind::preferred_anti_affinity, {labels{{"app", "db"}}, zone}, 80),
     {}, {100, 100, 0, 61}},
    {"an existing pod's preferred affinity to the incoming pod", pod,
     {with_term(make_pod("fan", {}, "n3"), kind::preferred_affinity, {labels{{"app", "api"}}, zone}, 20)},
     {0, 0, 100, 0}},
    {"an existing pod's preferred anti-affinity", pod,
     {with_term(make_pod("hater", {}, "n2"), kind::preferred_anti_affinity, {labels{{"app", "api"}}, host}, 20)},
     {100, 0, 100, 100}},
    {"an existing pod's required affinity counts with weight 1", pod,
     {with_term(make_pod("friend", {}, "n4"), kind::affinity, {labels{{"app", "api"}}, host})},
     {0, 0, 0, 100}},
    {"existing terms that do not select the pod", pod,
     {with_term(make_pod("fan", {}, "n3"), kind::preferred_affinity, {labels{{"app", "web"}}, zone}, 20)},
     {0, 0, 0, 0}},
  };
  for (const auto& tcase : cases) {
    INFO(tcase.name);
    cluster c;
    for (const auto& e : tcase.existing)
      c.index.add_pod(shared(e));
    CHECK(run_score(c, tcase.pod) == tcase.want);
  }
}

TEST_CASE("InterPodAffinity score: min-max normalization", "[scheduler]") {
  inter_pod_affinity plugin;
  std::vector<int64_t> s = {-80, 50, 0, 50};
  plugin.normalize(s);
  CHECK(s == std::vector<int64_t>{0, 100, 61, 100});
  s = {7, 7};
  plugin.normalize(s);
  CHECK(s == std::vector<int64_t>{0, 0});
  s = {};
  plugin.normalize(s);
  CHECK(s.empty());
}
