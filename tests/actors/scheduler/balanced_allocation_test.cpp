// NodeResourcesBalancedAllocation (issue 6): 1 - the deviation of the cpu and memory fractions
// after placing the pod, from the real requests (Kubernetes 1.32's useRequested) [scheduler].
#include <catch2/catch.hpp>

#include "actors/scheduler/balanced_allocation.hpp"
#include "tests/actors/scheduler/resource_factories.hpp"

using namespace troupe::scheduler;
using namespace troupe::scheduler::testing;

TEST_CASE("BalancedAllocation scores the balance of cpu and memory use", "[scheduler]") {
  balanced_allocation plugin;
  CHECK(plugin.name() == "NodeResourcesBalancedAllocation");
  CHECK(plugin.default_weight() == 1);
  struct tc {
    const char* name;
    v1::Pod pod;
    v1::Node node;
    resources requested;
    resources non_zero_requested;
    int64_t want;
  };
  std::vector<tc> cases = {
    {"header example: 0.5 and 0.75 → 87", make_pod({{"1", "2Gi"}}), make_node("4", "8Gi"),
     {1000, 4 * Gi}, {1000, 4 * Gi}, 87},
    {"Kubernetes' example: 0.75 and 0.5 → 87", make_pod({{"1", "2000"}, {"2", "3000"}}),
     make_node("4", "10000"), {}, {}, 87},
    {"Kubernetes' example, the larger node: 0.5 and 0.5 → 100",
     make_pod({{"1", "2000"}, {"2", "3000"}}), make_node("6", "10000"), {}, {}, 100},
    {"a third and nothing → 83", make_pod({{"1", ""}}), make_node("3", "8Gi"), {}, {}, 83},
    {"all of one, none of the other → 50", make_pod({{"4", ""}}), make_node("4", "8Gi"), {}, {}, 50},
    {"a fraction over 1 counts as 1", make_pod({{"1", "4Gi"}}), make_node("4", "8Gi"), {6000, 0}, {}, 75},
    {"real requests, not the non-zero defaults: a pod requesting nothing on an idle node",
     make_pod({{}}), make_node("4", "8Gi"), {}, {2000, 0}, 100},
    {"a pod requesting nothing is scored by the node's own balance", make_pod({{}}),
     make_node("4", "8Gi"), {2000, 0}, {2000, 200 * Mi}, 75},
    {"one resource: no deviation", make_pod({{"1", "1Gi"}}), make_node("", "8Gi"), {}, {}, 100},
    {"no allocatable: no deviation", make_pod({{"1", "1Gi"}}), v1::Node{}, {}, {}, 100},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    node_info info{c.node};
    info.requested = c.requested;
    info.non_zero_requested = c.non_zero_requested;
    CHECK(plugin.score(c.pod, nullptr, info) == c.want);
    std::unique_ptr<plugin_state> state;
    std::vector<const node_info*> feasible{&info};
    plugin.pre_score(c.pod, cluster_view{}, feasible, state);
    REQUIRE(state);
    CHECK(plugin.score(c.pod, state.get(), info) == c.want);
  }
}
