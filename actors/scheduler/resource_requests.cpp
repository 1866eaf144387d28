#include "actors/scheduler/resource_requests.hpp"

#include <algorithm>
#include <optional>

#include "config/quantity.hpp"

namespace troupe::scheduler {

namespace v1 = troupe::core::v1;

namespace {

using quantity_map = google::protobuf::Map<std::string, troupe::meta::Quantity>;

// The value of `name` in `m`, through `get` (milli_value for cpu, value for memory); nullopt when
// absent or unparseable.
template <class Get>
std::optional<int64_t> find(const quantity_map& m, const char* name, Get get) {
  auto it = m.find(name);
  if (it == m.end())
    return std::nullopt;
  auto q = config::parse_quantity(it->second.string());
  if (!q)
    return std::nullopt;
  return get(*q);
}

std::optional<int64_t> cpu(const quantity_map& m) {
  return find(m, "cpu", [](const config::quantity& q) { return q.milli_value(); });
}
std::optional<int64_t> memory(const quantity_map& m) {
  return find(m, "memory", [](const config::quantity& q) { return q.value(); });
}

resources container_requests(const v1::Container& c, bool non_zero) {
  const auto& req = c.resources().requests();
  resources r;
  auto c_cpu = cpu(req);
  auto c_mem = memory(req);
  r.milli_cpu = c_cpu ? *c_cpu : (non_zero ? default_milli_cpu_request : 0);
  r.memory = c_mem ? *c_mem : (non_zero ? default_memory_request : 0);
  return r;
}

void max_into(resources& into, const resources& r) {
  into.milli_cpu = std::max(into.milli_cpu, r.milli_cpu);
  into.memory = std::max(into.memory, r.memory);
}

// Kubernetes' AggregateContainerRequests plus the overhead (PodRequests).
resources requests(const v1::Pod& pod, bool non_zero) {
  resources sum;
  for (const auto& c : pod.spec().containers())
    sum += container_requests(c, non_zero);
  resources sidecars;  // the restartable init containers started so far
  resources init_max;  // the most any init step needs
  for (const auto& c : pod.spec().initcontainers()) {
    auto r = container_requests(c, non_zero);
    if (c.has_restartpolicy() && c.restartpolicy() == "Always") {
      sum += r;  // a sidecar runs on next to the containers
      sidecars += r;
      max_into(init_max, sidecars);
    } else {
      r += sidecars;  // runs while the sidecars before it do
      max_into(init_max, r);
    }
  }
  max_into(sum, init_max);
  const auto& overhead = pod.spec().overhead();
  if (auto c = cpu(overhead))
    sum.milli_cpu += *c;
  if (auto m = memory(overhead))
    sum.memory += *m;
  return sum;
}

// What the node offers: allocatable, or all of capacity when it reports no allocatable.
const quantity_map& offered(const v1::Node& node) {
  const auto& alloc = node.status().allocatable();
  return alloc.empty() ? node.status().capacity() : alloc;
}

} // namespace

resources pod_requests(const v1::Pod& pod) {
  return requests(pod, false);
}

resources pod_non_zero_requests(const v1::Pod& pod) {
  return requests(pod, true);
}

resources node_allocatable(const v1::Node& node) {
  const auto& m = offered(node);
  resources r;
  r.milli_cpu = cpu(m).value_or(0);
  r.memory = memory(m).value_or(0);
  return r;
}

int64_t node_allowed_pods(const v1::Node& node) {
  return find(offered(node), "pods", [](const config::quantity& q) { return q.value(); })
    .value_or(0);
}

} // namespace troupe::scheduler
