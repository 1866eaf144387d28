// pod_topology_index (issue 6): per-domain counts of the pods a term selects and of existing
// pods' terms, kept current as pods come and go, nodes are relabelled and namespaces change.
#include <catch2/catch.hpp>

#include "actors/scheduler/pod_topology_index.hpp"
#include "tests/actors/scheduler/affinity_factories.hpp"

using namespace troupe::scheduler;
using namespace troupe::scheduler::affinity_testing;

namespace {

const std::string zone = "topology.kubernetes.io/zone";
const std::string host = "kubernetes.io/hostname";

affinity_term parse_one(const term_spec& s, const std::string& ns = "default") {
  auto terms = parse_affinity_terms(with_term(make_pod("q", {}, "", ns), kind::affinity, s));
  REQUIRE(terms.error.empty());
  REQUIRE(terms.required_affinity.size() == 1);
  return terms.required_affinity[0];
}

/// The domains of a single-term query as a sorted map (value → count).
std::map<std::string, int64_t> counts(const pod_topology_index& index, const term_spec& s,
                                      const std::string& ns = "default") {
  auto q = index.match({parse_one(s, ns)});
  const auto* c = q->domains(0).counts;
  return {c->begin(), c->end()};
}

std::map<std::string, int64_t> as_map(const domain_ref& d) {
  return {d.counts->begin(), d.counts->end()};
}

// n1, n2 in zone a; n3 in zone b; n4 without a zone. web on n1, n3, n4; db on n2.
void small_cluster(pod_topology_index& index) {
  index.set_node(make_node("n1", {{zone, "a"}, {host, "n1"}}));
  index.set_node(make_node("n2", {{zone, "a"}, {host, "n2"}}));
  index.set_node(make_node("n3", {{zone, "b"}, {host, "n3"}}));
  index.set_node(make_node("n4", {{host, "n4"}}));
  index.add_pod(shared(make_pod("web1", {{"app", "web"}}, "n1")));
  index.add_pod(shared(make_pod("web3", {{"app", "web"}}, "n3")));
  index.add_pod(shared(make_pod("web4", {{"app", "web"}}, "n4")));
  index.add_pod(shared(make_pod("db2", {{"app", "db"}}, "n2")));
}

using counts_t = std::map<std::string, int64_t>;

} // namespace

TEST_CASE("pod_topology_index: the pods a term selects, per domain of its topology key", "[scheduler]") {
  pod_topology_index index;
  small_cluster(index);
  index.set_namespace(make_namespace("default", {{"team", "a"}}));
  index.set_namespace(make_namespace("prod", {{"env", "prod"}}));
  index.add_pod(shared(make_pod("web-p", {{"app", "web"}}, "n2", "prod")));
  CHECK(index.pods() == 5);

  struct tc {
    const char* name;
    term_spec term;
    counts_t want;
  };
  std::vector<tc> cases = {
    {"by zone; a node without the key is in no domain", {labels{{"app", "web"}}, zone}, {{"a", 1}, {"b", 1}}},
    {"by hostname", {labels{{"app", "web"}}, host}, {{"n1", 1}, {"n3", 1}, {"n4", 1}}},
    {"other label value", {labels{{"app", "db"}}, zone}, {{"a", 1}}},
    {"no pod matches", {labels{{"app", "cache"}}, zone}, {}},
    {"empty selector: every pod of the namespace", {labels{}, zone}, {{"a", 2}, {"b", 1}}},
    {"no selector: no pod", {std::nullopt, zone}, {}},
    {"listed namespace only", {labels{{"app", "web"}}, zone, {"prod"}}, {{"a", 1}}},
    {"listed namespaces", {labels{{"app", "web"}}, zone, {"prod", "default"}}, {{"a", 2}, {"b", 1}}},
    {"namespaceSelector by labels", {labels{{"app", "web"}}, zone, {}, labels{{"env", "prod"}}}, {{"a", 1}}},
    {"namespaceSelector {} selects every namespace", {labels{{"app", "web"}}, zone, {}, labels{}}, {{"a", 2}, {"b", 1}}},
    {"namespaceSelector ORed with namespaces", {labels{{"app", "web"}}, zone, {"default"}, labels{{"env", "prod"}}}, {{"a", 2}, {"b", 1}}},
    {"namespaceSelector matching no namespace", {labels{{"app", "web"}}, zone, {}, labels{{"env", "qa"}}}, {}},
    {"NotIn expression (scan of the namespace)", {labels{}, zone, {}, std::nullopt, {"web"}}, {{"a", 1}}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(counts(index, c.term) == c.want);
  }
}

TEST_CASE("pod_topology_index: a cached query follows pods, nodes and namespaces", "[scheduler]") {
  pod_topology_index index;
  small_cluster(index);
  const term_spec web_zone{labels{{"app", "web"}}, zone};
  auto q = index.match({parse_one(web_zone)});
  REQUIRE(as_map(q->domains(0)) == counts_t{{"a", 1}, {"b", 1}});
  CHECK(index.cached_queries() == 1);
  CHECK(index.match({parse_one(web_zone)}) == q);  // the cached one

  SECTION("a new pod counts, a removed pod no longer does") {
    index.add_pod(shared(make_pod("web2", {{"app", "web"}}, "n2")));
    CHECK(as_map(q->domains(0)) == counts_t{{"a", 2}, {"b", 1}});
    index.remove_pod("default/web1");
    index.remove_pod("default/web3");
    CHECK(as_map(q->domains(0)) == counts_t{{"a", 1}});
    CHECK_FALSE(q->empty());
    index.remove_pod("default/web2");
    CHECK(q->empty());
    CHECK(index.pods() == 2);  // web4 (no zone) and db2
  }
  SECTION("a status update of a bound pod does not count it twice") {
    auto again = make_pod("web1", {{"app", "web"}}, "n1");
    again.mutable_status()->set_phase("Running");
    index.add_pod(shared(again));
    CHECK(as_map(q->domains(0)) == counts_t{{"a", 1}, {"b", 1}});
    CHECK(index.pods() == 4);
  }
  SECTION("relabelled pod leaves the query") {
    index.add_pod(shared(make_pod("web1", {{"app", "db"}}, "n1")));
    CHECK(as_map(q->domains(0)) == counts_t{{"b", 1}});
  }
  SECTION("a pod without nodeName drops its entry") {
    index.add_pod(shared(make_pod("web1", {{"app", "web"}})));
    CHECK(as_map(q->domains(0)) == counts_t{{"b", 1}});
    CHECK(index.pods() == 3);
  }
  SECTION("relabelled node moves its pods to another domain") {
    index.set_node(make_node("n1", {{zone, "b"}, {host, "n1"}}));
    CHECK(as_map(q->domains(0)) == counts_t{{"b", 2}});
    index.set_node(make_node("n4", {{zone, "c"}, {host, "n4"}}));
    CHECK(as_map(q->domains(0)) == counts_t{{"b", 2}, {"c", 1}});
  }
  SECTION("a removed node's pods are in no domain until it comes back") {
    index.remove_node("n3");
    CHECK(as_map(q->domains(0)) == counts_t{{"a", 1}});
    CHECK(index.pods() == 4);
    index.set_node(make_node("n3", {{zone, "c"}}));
    CHECK(as_map(q->domains(0)) == counts_t{{"a", 1}, {"c", 1}});
  }
  SECTION("a pod bound before its node is known counts once the node comes") {
    index.add_pod(shared(make_pod("web5", {{"app", "web"}}, "n5")));
    CHECK(as_map(q->domains(0)) == counts_t{{"a", 1}, {"b", 1}});
    index.set_node(make_node("n5", {{zone, "b"}}));
    CHECK(as_map(q->domains(0)) == counts_t{{"a", 1}, {"b", 2}});
  }
  SECTION("namespace labels change what a namespaceSelector query selects") {
    const term_spec prod{labels{{"app", "web"}}, zone, {}, labels{{"env", "prod"}}};
    CHECK(counts(index, prod).empty());  // "default" is not known, so it has no labels
    index.set_namespace(make_namespace("default", {{"env", "prod"}}));
    CHECK(counts(index, prod) == counts_t{{"a", 1}, {"b", 1}});
    index.add_pod(shared(make_pod("web2", {{"app", "web"}}, "n2")));
    CHECK(counts(index, prod) == counts_t{{"a", 2}, {"b", 1}});
    index.set_namespace(make_namespace("default", {{"env", "qa"}}));
    CHECK(counts(index, prod).empty());
    index.remove_namespace("default");
    CHECK(counts(index, prod).empty());
    CHECK(as_map(q->domains(0)) == counts_t{{"a", 2}, {"b", 1}});  // no namespaceSelector: kept
  }
}

TEST_CASE("pod_topology_index: pods matching all terms count in each term's domain", "[scheduler]") {
  pod_topology_index index;
  small_cluster(index);
  index.add_pod(shared(make_pod("both", {{"app", "web"}, {"tier", "fe"}}, "n2")));
  auto terms = parse_affinity_terms(
    with_term(with_term(make_pod("q", {}), kind::affinity, {labels{{"app", "web"}}, zone}),
              kind::affinity, {labels{{"tier", "fe"}}, host}));
  auto q = index.match(terms.required_affinity);
  CHECK(as_map(q->domains(0)) == counts_t{{"a", 1}});   // zone of n2
  CHECK(as_map(q->domains(1)) == counts_t{{"n2", 1}});  // hostname of n2
}

TEST_CASE("pod_topology_index: the query cache keeps the most recently used", "[scheduler]") {
  pod_topology_index index;
  small_cluster(index);
  auto first = index.match({parse_one({labels{{"app", "web"}}, zone})});
  for (size_t i = 0; i < pod_topology_index::max_cached_queries + 5; ++i)
    index.match({parse_one({labels{{"app", "x" + std::to_string(i)}}, zone})});
  CHECK(index.cached_queries() == pod_topology_index::max_cached_queries);
  // An evicted query stays readable for whoever holds it; a new lookup rebuilds it.
  CHECK(as_map(first->domains(0)) == counts_t{{"a", 1}, {"b", 1}});
  auto again = index.match({parse_one({labels{{"app", "web"}}, zone})});
  CHECK(again != first);
  CHECK(as_map(again->domains(0)) == counts_t{{"a", 1}, {"b", 1}});
}

TEST_CASE("pod_topology_index: existing pods' terms grouped by identical term", "[scheduler]") {
  pod_topology_index index;
  small_cluster(index);
  auto api = make_pod("api", {{"app", "api"}});
  const term_spec anti_api{labels{{"app", "api"}}, zone};
  index.add_pod(shared(with_term(make_pod("g1", {{"app", "guard"}}, "n1"), kind::anti_affinity, anti_api)));
  index.add_pod(shared(with_term(make_pod("g2", {{"app", "guard"}}, "n2"), kind::anti_affinity, anti_api)));
  index.add_pod(shared(with_term(make_pod("g3", {{"app", "guard"}}, "n3"), kind::anti_affinity, anti_api)));
  REQUIRE(index.any_required_anti_affinity());
  CHECK_FALSE(index.any_scoring_terms());

  std::vector<domain_ref> refs;
  index.existing_anti_affinity(api, nullptr, refs);
  REQUIRE(refs.size() == 1);  // one group for three pods
  CHECK(*refs[0].key == zone);
  CHECK(as_map(refs[0]) == counts_t{{"a", 2}, {"b", 1}});

  refs.clear();
  index.existing_anti_affinity(make_pod("other", {{"app", "other"}}), nullptr, refs);
  CHECK(refs.empty());
  refs.clear();
  index.existing_anti_affinity(make_pod("api", {{"app", "api"}}, "", "prod"), nullptr, refs);
  CHECK(refs.empty());  // the terms' namespace is their pods' own

  index.set_node(make_node("n1", {{zone, "b"}}));
  refs.clear();
  index.existing_anti_affinity(api, nullptr, refs);
  REQUIRE(refs.size() == 1);
  CHECK(as_map(refs[0]) == counts_t{{"a", 1}, {"b", 2}});

  index.remove_pod("default/g1");
  index.remove_pod("default/g2");
  index.remove_pod("default/g3");
  CHECK_FALSE(index.any_required_anti_affinity());
}

TEST_CASE("pod_topology_index: existing pods' scoring terms sum their weights per domain", "[scheduler]") {
  pod_topology_index index;
  small_cluster(index);
  const term_spec api_zone{labels{{"app", "api"}}, zone};
  index.add_pod(shared(with_term(make_pod("p1", {}, "n1"), kind::preferred_affinity, api_zone, 20)));
  index.add_pod(shared(with_term(make_pod("p2", {}, "n3"), kind::preferred_affinity, api_zone, 30)));
  index.add_pod(shared(with_term(make_pod("p3", {}, "n2"), kind::preferred_anti_affinity, api_zone, 5)));
  index.add_pod(shared(with_term(make_pod("p4", {}, "n3"), kind::affinity, api_zone)));
  REQUIRE(index.any_scoring_terms());
  CHECK_FALSE(index.any_required_anti_affinity());

  std::vector<domain_ref> refs;
  index.existing_scoring_terms(make_pod("api", {{"app", "api"}}), nullptr, refs);
  REQUIRE(refs.size() == 1);
  // zone a: +20 (p1) −5 (p3); zone b: +30 (p2) +1 (p4's required term, hardPodAffinityWeight).
  CHECK(as_map(refs[0]) == counts_t{{"a", 15}, {"b", 31}});
}
