// One scheduling decision (framework.hpp): how many nodes are searched, where the search starts,
// how filters reject and scores choose, ties replayed by seed, and the default chain's
// FailedScheduling text on a small cluster.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <set>

#include "actors/scheduler/framework.hpp"
#include "actors/scheduler/scheduler_cache.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe::scheduler;

namespace {

std::shared_ptr<v1::Node> make_node(const std::string& name,
                                    std::map<std::string, std::string> labels = {}) {
  auto n = std::make_shared<v1::Node>();
  n->mutable_metadata()->set_name(name);
  for (auto& [k, v] : labels)
    (*n->mutable_metadata()->mutable_labels())[k] = v;
  auto& alloc = *n->mutable_status()->mutable_allocatable();
  alloc["cpu"].set_string("4");
  alloc["memory"].set_string("8Gi");
  alloc["pods"].set_string("110");
  return n;
}

v1::Pod make_pod(const std::string& name = "web") {
  v1::Pod p;
  p.mutable_metadata()->set_name(name);
  p.mutable_metadata()->set_namespace_("default");
  p.mutable_metadata()->set_uid("uid-" + name);
  auto* c = p.mutable_spec()->add_containers();
  c->set_name("app");
  c->set_image("busybox");
  return p;
}

// Rejects nodes labelled bad=<anything> with a reason naming the value.
struct label_filter final : filter_plugin {
  fit_code code = fit_code::unschedulable_and_unresolvable;
  std::string_view name() const override { return "LabelFilter"; }
  fit filter(const v1::Pod&, const plugin_state*, const node_info& info) const override {
    const auto& labels = info.node.metadata().labels();
    auto it = labels.find("bad");
    if (it == labels.end())
      return fit::ok();
    return fit::no("node(s) were " + it->second, code);
  }
};

// Rejects everything before any node is looked at.
struct refusing_pre_filter final : filter_plugin {
  std::string_view name() const override { return "Refuse"; }
  fit pre_filter(const v1::Pod&, const cluster_view&, std::unique_ptr<plugin_state>&) const override {
    return fit::no("pod refused", fit_code::unschedulable);
  }
  fit filter(const v1::Pod&, const plugin_state*, const node_info&) const override {
    FAIL("filter after a failed pre_filter");
    return fit::ok();
  }
};

// Scores the integer label "score" (missing = 0); counts its calls.
struct label_score final : score_plugin {
  mutable int calls = 0;
  std::string_view name() const override { return "LabelScore"; }
  int64_t default_weight() const override { return 1; }
  int64_t score(const v1::Pod&, const plugin_state*, const node_info& info) const override {
    ++calls;
    const auto& labels = info.node.metadata().labels();
    auto it = labels.find("score");
    return it == labels.end() ? 0 : std::stoll(it->second);
  }
};

struct cluster {
  scheduler_cache cache;
  explicit cluster(const std::vector<std::shared_ptr<v1::Node>>& nodes) {
    for (const auto& n : nodes)
      cache.upsert_node(n);
  }
};

} // namespace

TEST_CASE("feasible_nodes_to_find follows Kubernetes' numFeasibleNodesToFind", "[scheduler]") {
  struct row {
    const char* name;
    size_t nodes;
    int percentage;
    size_t want;
  } rows[] = {
    {"fewer than 100 nodes: all", 50, 0, 50},
    {"100 nodes adaptive: 49% is under the floor of 100", 100, 0, 100},
    {"1,000 nodes adaptive: 50 - 8 = 42%", 1000, 0, 420},
    {"5,000 nodes adaptive: 50 - 40 = 10%", 5000, 0, 500},
    {"10,000 nodes adaptive: at least 5%", 10000, 0, 500},
    {"configured 10% of 200 is under the floor", 200, 10, 100},
    {"configured 30% of 1,000", 1000, 30, 300},
    {"100% means every node", 5000, 100, 5000},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    schedule_options o;
    o.percentage_of_nodes_to_score = r.percentage;
    CHECK(feasible_nodes_to_find(r.nodes, o) == r.want);
  }
}

TEST_CASE("schedule_one filters, scores and explains", "[scheduler]") {
  auto filter = std::make_shared<label_filter>();
  auto score = std::make_shared<label_score>();
  plugin_chain chain;
  chain.filters = {filter};
  chain.scores = {{score, 1}};
  schedule_options options;
  auto pod = make_pod();

  SECTION("the best score wins") {
    cluster c({make_node("a", {{"score", "1"}}), make_node("b", {{"score", "7"}}),
               make_node("c", {{"bad", "cordoned"}, {"score", "9"}})});
    schedule_cursor cursor;
    auto r = schedule_one(pod, c.cache.view(), chain, options, cursor);
    CHECK(r.node == "b");
    CHECK(r.feasible == 2);
    CHECK(r.nodes_evaluated == 3);
    CHECK(r.reasons.empty());  // only kept when nothing fits
    CHECK(r.rejected_by.at("LabelFilter") == 1);
  }
  SECTION("no node fits: every reason counted, sorted, and resolvability") {
    cluster c({make_node("a", {{"bad", "red"}}), make_node("b", {{"bad", "blue"}}),
               make_node("c", {{"bad", "red"}})});
    schedule_cursor cursor;
    auto r = schedule_one(pod, c.cache.view(), chain, options, cursor);
    CHECK_FALSE(r.scheduled());
    CHECK(r.message(3) == "0/3 nodes are available: 1 node(s) were blue, 2 node(s) were red.");
    CHECK_FALSE(r.resolvable);
    filter->code = fit_code::unschedulable;
    r = schedule_one(pod, c.cache.view(), chain, options, cursor);
    CHECK(r.resolvable);
  }
  SECTION("a pre_filter refusal rejects every node without filtering") {
    plugin_chain refusing;
    refusing.filters = {std::make_shared<refusing_pre_filter>()};
    cluster c({make_node("a"), make_node("b")});
    schedule_cursor cursor;
    auto r = schedule_one(pod, c.cache.view(), refusing, options, cursor);
    CHECK(r.message(2) == "0/2 nodes are available: 2 pod refused.");
    CHECK(r.resolvable);
  }
  SECTION("one feasible node is taken without scoring") {
    cluster c({make_node("a", {{"bad", "x"}}), make_node("b")});
    schedule_cursor cursor;
    auto r = schedule_one(pod, c.cache.view(), chain, options, cursor);
    CHECK(r.node == "b");
    CHECK(score->calls == 0);
  }
  SECTION("no nodes at all") {
    cluster c({});
    schedule_cursor cursor;
    auto r = schedule_one(pod, c.cache.view(), chain, options, cursor);
    CHECK(r.message(0) == "0/0 nodes are available.");
  }
}

TEST_CASE("schedule_one searches from where it stopped and only as many nodes as needed",
          "[scheduler]") {
  std::vector<std::shared_ptr<v1::Node>> nodes;
  for (int i = 0; i < 1000; ++i) {
    char name[16];
    std::snprintf(name, sizeof name, "n%04d", i);
    nodes.push_back(make_node(name));
  }
  cluster c(nodes);
  plugin_chain chain;
  chain.filters = {std::make_shared<label_filter>()};
  chain.scores = {{std::make_shared<label_score>(), 1}};
  schedule_options options;
  schedule_cursor cursor;
  auto pod = make_pod();
  auto r = schedule_one(pod, c.cache.view(), chain, options, cursor);
  CHECK(r.nodes_evaluated == 420);  // 42% of 1,000
  CHECK(cursor.next_start == 420);
  r = schedule_one(pod, c.cache.view(), chain, options, cursor);
  CHECK(r.nodes_evaluated == 420);
  CHECK(cursor.next_start == 840);
  r = schedule_one(pod, c.cache.view(), chain, options, cursor);
  CHECK(cursor.next_start == 260);  // wrapped
}

TEST_CASE("ties are broken by the seeded generator: same seed, same choices", "[scheduler]") {
  std::vector<std::shared_ptr<v1::Node>> nodes;
  for (int i = 0; i < 20; ++i)
    nodes.push_back(make_node("n" + std::to_string(i)));
  cluster c(nodes);
  plugin_chain chain;
  chain.filters = {std::make_shared<label_filter>()};
  chain.scores = {{std::make_shared<label_score>(), 1}};  // every node scores 0: all tie
  auto run = [&](uint64_t seed) {
    schedule_cursor cursor;
    cursor.random = seed;
    std::vector<std::string> picks;
    for (int i = 0; i < 30; ++i)
      picks.push_back(schedule_one(make_pod(), c.cache.view(), chain, {}, cursor).node);
    return picks;
  };
  auto a = run(1), b = run(1), other = run(2);
  CHECK(a == b);
  CHECK(a != other);
  std::set<std::string> distinct(a.begin(), a.end());
  CHECK(distinct.size() > 5);  // ties spread, not always the first node
}

TEST_CASE("the default chain explains a pod that fits nowhere as kube-scheduler", "[scheduler]") {
  auto labelled = make_node("node1", {{"disk", "hdd"}});
  auto tainted = make_node("node2", {{"disk", "ssd"}});
  auto* t = tainted->mutable_spec()->add_taints();
  t->set_key("k");
  t->set_value("v");
  t->set_effect("NoSchedule");
  cluster c({labelled, tainted});
  auto pod = make_pod();
  (*pod.mutable_spec()->mutable_nodeselector())["disk"] = "ssd";
  auto chain = default_chain();
  schedule_cursor cursor;
  auto r = schedule_one(pod, c.cache.view(), chain, {}, cursor);
  CHECK_FALSE(r.scheduled());
  CHECK(r.message(2) ==
        "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) "
        "had untolerated taint {k: v}.");
  auto* tol = pod.mutable_spec()->add_tolerations();
  tol->set_key("k");
  tol->set_operator_("Exists");
  r = schedule_one(pod, c.cache.view(), chain, {}, cursor);
  CHECK(r.node == "node2");
}

TEST_CASE("the default chain spreads plain pods by LeastAllocated as they are assumed",
          "[scheduler]") {
  cluster c({make_node("a"), make_node("b"), make_node("c")});
  auto chain = default_chain();
  schedule_cursor cursor;
  std::map<std::string, int> placed;
  for (int i = 0; i < 30; ++i) {
    auto pod = std::make_shared<v1::Pod>(make_pod("p" + std::to_string(i)));
    auto* req = pod->mutable_spec()->mutable_containers(0)->mutable_resources()->mutable_requests();
    (*req)["cpu"].set_string("100m");
    (*req)["memory"].set_string("64Mi");
    auto r = schedule_one(*pod, c.cache.view(), chain, {}, cursor);
    REQUIRE(r.scheduled());
    c.cache.assume(pod, r.node);
    ++placed[r.node];
  }
  CHECK(placed["a"] == 10);
  CHECK(placed["b"] == 10);
  CHECK(placed["c"] == 10);
}
