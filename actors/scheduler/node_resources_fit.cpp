#include "actors/scheduler/node_resources_fit.hpp"

#include "actors/scheduler/resource_requests.hpp"

namespace troupe::scheduler {

namespace v1 = troupe::core::v1;

namespace {

// What pre_filter / pre_score compute once per pod (Kubernetes' preFilterState / preScoreState).
struct requests_state final : plugin_state {
  explicit requests_state(resources r) : requests(r) {}
  resources requests;
};

// `state` is null or what this plugin's pre_filter / pre_score left (the framework keeps one state
// per plugin and extension point), so the cast needs no check.
resources state_or(const plugin_state* state, const v1::Pod& pod,
                   resources (*compute)(const v1::Pod&)) {
  if (state)
    return static_cast<const requests_state*>(state)->requests;
  return compute(pod);
}

} // namespace

fit node_resources_fit::pre_filter(const v1::Pod& pod, const cluster_view&,
                                   std::unique_ptr<plugin_state>& state) const {
  state = std::make_unique<requests_state>(pod_requests(pod));
  return fit::ok();
}

fit node_resources_fit::filter(const v1::Pod& pod, const plugin_state* state,
                               const node_info& info) const {
  return fits_request(state_or(state, pod, &pod_requests), info);
}

// Kubernetes' fitsRequest for cpu, memory and the pod count; the order of the checks is the
// order of the reasons.
fit node_resources_fit::fits_request(const resources& pod_request, const node_info& info) {
  const bool too_many_pods = info.pods + 1 > info.allowed_pods;
  const bool short_cpu = pod_request.milli_cpu > 0 &&
                         pod_request.milli_cpu > info.allocatable.milli_cpu - info.requested.milli_cpu;
  const bool short_memory = pod_request.memory > 0 &&
                            pod_request.memory > info.allocatable.memory - info.requested.memory;
  if (!too_many_pods && !short_cpu && !short_memory)
    return fit::ok();  // the common case: nothing allocated
  fit f;
  f.code = fit_code::unschedulable;
  if (too_many_pods)
    f.and_no("Too many pods");
  if (short_cpu)
    f.and_no("Insufficient cpu");
  if (short_memory)
    f.and_no("Insufficient memory");
  return f;
}

void node_resources_fit::pre_score(const v1::Pod& pod, const cluster_view&,
                                   const std::vector<const node_info*>&,
                                   std::unique_ptr<plugin_state>& state) const {
  state = std::make_unique<requests_state>(pod_non_zero_requests(pod));
}

int64_t node_resources_fit::score(const v1::Pod& pod, const plugin_state* state,
                                  const node_info& info) const {
  return least_allocated(state_or(state, pod, &pod_non_zero_requests), info);
}

int64_t node_resources_fit::least_requested_score(int64_t requested, int64_t capacity) {
  if (capacity == 0 || requested > capacity)
    return 0;
  return (capacity - requested) * max_node_score / capacity;
}

// Kubernetes' leastResourceScorer over cpu and memory, weight 1 each: a resource the node has
// none of is left out of the mean.
int64_t node_resources_fit::least_allocated(const resources& pod_non_zero, const node_info& info) {
  int64_t sum = 0, weights = 0;
  if (info.allocatable.milli_cpu != 0) {
    sum += least_requested_score(info.non_zero_requested.milli_cpu + pod_non_zero.milli_cpu,
                                 info.allocatable.milli_cpu);
    ++weights;
  }
  if (info.allocatable.memory != 0) {
    sum += least_requested_score(info.non_zero_requested.memory + pod_non_zero.memory,
                                 info.allocatable.memory);
    ++weights;
  }
  return weights == 0 ? 0 : sum / weights;
}

} // namespace troupe::scheduler
