// What a pod requests and a node offers, as the scheduler counts them (Kubernetes 1.32's
// PodRequests: containers summed, init containers as a maximum, sidecars added, overhead on top;
// the non-zero defaults for scoring) [scheduler].
#include <catch2/catch.hpp>

#include "actors/scheduler/resource_requests.hpp"
#include "tests/actors/scheduler/resource_factories.hpp"

using namespace troupe::scheduler;
using namespace troupe::scheduler::testing;

TEST_CASE("pod_requests and pod_non_zero_requests as Kubernetes' PodRequests", "[scheduler]") {
  struct tc {
    const char* name;
    v1::Pod pod;
    resources want;           // pod_requests
    resources want_non_zero;  // pod_non_zero_requests
  };
  const int64_t dm = default_memory_request, dc = default_milli_cpu_request;
  std::vector<tc> cases = {
    {"no containers", make_pod(), {0, 0}, {0, 0}},
    {"a container requesting nothing: 0, defaults for scoring", make_pod({{}}), {0, 0}, {dc, dm}},
    {"containers are summed", make_pod({{"100m", "64Mi"}, {"200m", "128Mi"}}),
     {300, 192 * Mi}, {300, 192 * Mi}},
    {"header example: the largest init container wins over the sum",
     make_pod({{"100m", ""}, {"200m", ""}}, {{"500m", ""}, {"50m", ""}}),
     {500, 0}, {500, 2 * dm}},  // two containers' default memory beat one init container's
    {"Kubernetes' fit.go example: cpu from the containers, memory from an init container",
     make_pod({{"2", "1G"}, {"1", "1G"}}, {{"2", "1G"}, {"2", "3G"}}),
     {3000, 3000000000}, {3000, 3000000000}},
    {"each resource takes its own maximum", make_pod({{"100m", "1Gi"}}, {{"500m", "100Mi"}}),
     {500, Gi}, {500, Gi}},
    {"overhead is added", make_pod({{"100m", "64Mi"}}, {}, {"250m", "120Mi"}),
     {350, 184 * Mi}, {350, 184 * Mi}},
    {"overhead is added to the defaults, never defaulted itself", make_pod({{}}, {}, {"250m", ""}),
     {250, 0}, {dc + 250, dm}},
    {"overhead goes on top of the init maximum", make_pod({{"100m", ""}}, {{"500m", ""}}, {"10m", ""}),
     {510, 0}, {510, dm}},
    {"header example: sidecars add to the containers and to the init steps after them",
     make_pod({{"100m", ""}}, {{"50m", "", true}, {"500m", ""}, {"20m", "", true}}),
     {550, 0}, {550, 3 * dm}},  // memory: the container and both sidecars default
    {"sidecars summed beyond the largest init step",
     make_pod({{"100m", "100Mi"}}, {{"100m", "50Mi"}, {"300m", "200Mi", true}}),
     {400, 300 * Mi}, {400, 300 * Mi}},
    {"a sidecar started after an init container does not add to it",
     make_pod({}, {{"1", ""}, {"200m", "", true}}), {1000, 0}, {1000, dm}},
    {"an init container after two sidecars needs all three",
     make_pod({{"10m", ""}}, {{"100m", "", true}, {"100m", "", true}, {"900m", ""}}),
     {1100, 0}, {1100, 3 * dm}},
    {"an explicit 0 is not defaulted", make_pod({{"0", ""}}), {0, 0}, {0, dm}},
    {"init containers requesting nothing count the defaults for scoring",
     make_pod({{"50m", "50Mi"}}, {{}}), {50, 50 * Mi}, {dc, dm}},
    {"a sidecar requesting nothing adds the defaults for scoring",
     make_pod({{"50m", "50Mi"}}, {{"", "", true}}), {50, 50 * Mi}, {50 + dc, 50 * Mi + dm}},
    {"quantity forms", make_pod({{"1.5", "1e3"}, {"0.25", "1k"}}), {1750, 2000}, {1750, 2000}},
    {"an unparseable quantity counts as absent", make_pod({{"lots", "x"}}), {0, 0}, {dc, dm}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto got = pod_requests(c.pod);
    CHECK(got.milli_cpu == c.want.milli_cpu);
    CHECK(got.memory == c.want.memory);
    auto nz = pod_non_zero_requests(c.pod);
    CHECK(nz.milli_cpu == c.want_non_zero.milli_cpu);
    CHECK(nz.memory == c.want_non_zero.memory);
  }
}

TEST_CASE("node_allocatable and node_allowed_pods read allocatable, capacity only when it is empty",
          "[scheduler]") {
  struct tc {
    const char* name;
    v1::Node node;
    resources want;
    int64_t want_pods;
  };
  auto with_capacity = [](v1::Node n, const std::string& cpu, const std::string& memory,
                          const std::string& pods) {
    auto& cap = *n.mutable_status()->mutable_capacity();
    set_quantities(cap, cpu, memory);
    cap["pods"].set_string(pods);
    return n;
  };
  std::vector<tc> cases = {
    {"allocatable", make_node("4", "8Gi", "110"), {4000, 8 * Gi}, 110},
    {"allocatable wins over capacity", with_capacity(make_node("3500m", "7Gi", "100"), "4", "8Gi", "110"),
     {3500, 7 * Gi}, 100},
    {"no allocatable: capacity", with_capacity(v1::Node{}, "2", "1Gi", "20"), {2000, Gi}, 20},
    {"allocatable without memory: none (no fallback per resource)",
     with_capacity(make_node("2", "", ""), "4", "8Gi", "110"), {2000, 0}, 0},
    {"no status: nothing", v1::Node{}, {0, 0}, 0},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto got = node_allocatable(c.node);
    CHECK(got.milli_cpu == c.want.milli_cpu);
    CHECK(got.memory == c.want.memory);
    CHECK(node_allowed_pods(c.node) == c.want_pods);
    node_info info{c.node};
    CHECK(info.allocatable == c.want);
    CHECK(info.allowed_pods == c.want_pods);
  }
}
