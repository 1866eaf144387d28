// NodeResourcesFit (issue 6): the filter's reasons as Kubernetes' fitsRequest ("Too many pods",
// "Insufficient cpu", "Insufficient memory", every shortfall, in that order) and the
// LeastAllocated score [scheduler].
#include <catch2/catch.hpp>

#include "actors/scheduler/node_resources_fit.hpp"
#include "actors/scheduler/resource_requests.hpp"
#include "tests/actors/scheduler/resource_factories.hpp"

using namespace troupe::scheduler;
using namespace troupe::scheduler::testing;

namespace {

/// What the node's bound pods already take.
struct bound {
  bound() = default;
  bound(resources r, int64_t p = 0) : requested(r), pods(p), non_zero(r) {}
  bound(resources r, int64_t p, resources nz) : requested(r), pods(p), non_zero(nz) {}
  resources requested;
  int64_t pods = 0;
  resources non_zero;  // for scores
};

node_info info_for(const v1::Node& node, const bound& b) {
  node_info info{node};
  info.requested = b.requested;
  info.pods = b.pods;
  info.non_zero_requested = b.non_zero;
  return info;
}

} // namespace

TEST_CASE("NodeResourcesFit filter: every shortfall named, in Kubernetes' order", "[scheduler]") {
  node_resources_fit plugin;
  struct tc {
    const char* name;
    v1::Pod pod;
    v1::Node node;
    bound used;
    std::vector<std::string> want;  // empty: fits
  };
  const std::string pods = "Too many pods", cpu = "Insufficient cpu", mem = "Insufficient memory";
  std::vector<tc> cases = {
    {"empty node", make_pod({{"1", "1Gi"}}), make_node(), {}, {}},
    {"fits exactly what is left", make_pod({{"1", "2Gi"}}), make_node(), {{3000, 6 * Gi}, 5}, {}},
    {"one millicore short", make_pod({{"1001m", "1Gi"}}), make_node(), {{3000, 6 * Gi}, 5}, {cpu}},
    {"one byte short", make_pod({{"1", "2Gi"}}), make_node(), {{3000, 6 * Gi + 1}, 5}, {mem}},
    {"cpu and memory short", make_pod({{"2", "3Gi"}}), make_node(), {{3000, 6 * Gi}, 5}, {cpu, mem}},
    {"the last pod slot is taken", make_pod({{"1", "1Gi"}}), make_node("4", "8Gi", "3"), {{0, 0}, 3},
     {pods}},
    {"room for exactly one more pod", make_pod({{"1", "1Gi"}}), make_node("4", "8Gi", "3"), {{0, 0}, 2},
     {}},
    {"all three, in order", make_pod({{"5", "9Gi"}}), make_node("4", "8Gi", "1"), {{0, 0}, 1},
     {pods, cpu, mem}},
    {"a pod requesting nothing fits a full node", make_pod({{}}), make_node(), {{4000, 8 * Gi}, 9}, {}},
    {"a pod requesting nothing fits an overcommitted node", make_pod({{}}), make_node(),
     {{9000, 9 * Gi}, 9}, {}},
    {"a pod requesting nothing still needs a pod slot", make_pod({{}}), make_node("4", "8Gi", "9"),
     {{0, 0}, 9}, {pods}},
    {"a node with no allocatable at all takes no pod", make_pod({{}}), v1::Node{}, {}, {pods}},
    {"a node with no cpu or memory takes a pod requesting nothing", make_pod({{}}), make_node("", "", "110"),
     {}, {}},
    {"a node with no cpu and a pod requesting 1m", make_pod({{"1m", ""}}), make_node("", "8Gi", "110"),
     {}, {cpu}},
    {"a pod requesting only memory ignores an overcommitted cpu", make_pod({{"", "1Gi"}}), make_node(),
     {{9000, 0}, 1}, {}},
    {"an overcommitted node rejects any cpu request", make_pod({{"1m", ""}}), make_node(), {{4001, 0}, 1},
     {cpu}},
    {"the largest init container counts", make_pod({{"100m", ""}}, {{"2", ""}}), make_node(),
     {{3000, 0}, 1}, {cpu}},
    {"overhead counts", make_pod({{"900m", ""}}, {}, {"200m", ""}), make_node("1", "8Gi"), {}, {cpu}},
    {"sidecars count", make_pod({{"500m", "7Gi"}}, {{"", "2Gi", true}}), make_node(), {}, {mem}},
    {"the defaults for pods requesting nothing do not count in the filter", make_pod({{}, {}}),
     make_node("100m", "100Mi", "110"), {}, {}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto info = info_for(c.node, c.used);
    // Without state (computed on the spot) and through pre_filter's state: the same answer.
    auto direct = plugin.filter(c.pod, nullptr, info);
    std::unique_ptr<plugin_state> state;
    CHECK(plugin.pre_filter(c.pod, cluster_view{}, state).fits());
    REQUIRE(state);
    auto staged = plugin.filter(c.pod, state.get(), info);
    for (const auto* f : {&direct, &staged}) {
      CHECK(f->reasons() == c.want);
      CHECK(f->fits() == c.want.empty());
      // A pod leaving may make room: never unresolvable (Kubernetes 1.32).
      CHECK(f->code == (c.want.empty() ? fit_code::fits : fit_code::unschedulable));
    }
  }
}

TEST_CASE("LeastAllocated: the free share after placing the pod, averaged over cpu and memory",
          "[scheduler]") {
  node_resources_fit plugin;
  CHECK(plugin.name() == "NodeResourcesFit");
  CHECK(plugin.default_weight() == 1);
  struct tc {
    const char* name;
    v1::Pod pod;
    v1::Node node;
    bound used;
    int64_t want;
  };
  std::vector<tc> cases = {
    {"header example", make_pod({{"1", "2Gi"}}), make_node("4", "8Gi"), {{1000, 2 * Gi}}, 50},
    {"Kubernetes' example: (25 + 50) / 2", make_pod({{"3", "5000"}}), make_node("4", "10000"), {}, 37},
    {"Kubernetes' example, the larger node", make_pod({{"3", "5000"}}), make_node("6", "10000"), {}, 50},
    {"integer division per resource and for the mean", make_pod({{"500m", "1Gi"}}),
     make_node("3", "3Gi"), {{500, Gi}}, 49},  // cpu 66, memory 33
    {"a pod requesting nothing counts 100m / 200Mi", make_pod({{}}), make_node("4", "8Gi"), {}, 97},
    {"the node's non-zero requests are what counts", make_pod({{"1", "2Gi"}}), make_node("4", "8Gi"),
     {{0, 0}, 0, {1000, 2 * Gi}}, 50},
    {"full node scores 0", make_pod({{"1", "2Gi"}}), make_node("4", "8Gi"), {{3000, 6 * Gi}}, 0},
    {"an over-full resource scores 0, the other still counts", make_pod({{"1", "2Gi"}}),
     make_node("4", "8Gi"), {{4000, 0}}, 37},  // cpu 0, memory 75
    {"a resource the node lacks is left out of the mean", make_pod({{"", "2Gi"}}), make_node("", "8Gi"),
     {}, 75},
    {"a node with no cpu or memory scores 0", make_pod({{"1", "1Gi"}}), v1::Node{}, {}, 0},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto info = info_for(c.node, c.used);
    CHECK(plugin.score(c.pod, nullptr, info) == c.want);
    std::unique_ptr<plugin_state> state;
    std::vector<const node_info*> feasible{&info};
    plugin.pre_score(c.pod, cluster_view{}, feasible, state);
    REQUIRE(state);
    CHECK(plugin.score(c.pod, state.get(), info) == c.want);
  }
}

TEST_CASE("leastRequestedScore for one resource", "[scheduler]") {
  CHECK(node_resources_fit::least_requested_score(0, 4000) == 100);
  CHECK(node_resources_fit::least_requested_score(1000, 4000) == 75);
  CHECK(node_resources_fit::least_requested_score(1, 3) == 66);
  CHECK(node_resources_fit::least_requested_score(4000, 4000) == 0);
  CHECK(node_resources_fit::least_requested_score(4001, 4000) == 0);
  CHECK(node_resources_fit::least_requested_score(0, 0) == 0);
  // Memory in bytes times 100 stays within int64 for a petabyte node.
  CHECK(node_resources_fit::least_requested_score(0, int64_t{1} << 50) == 100);
}
