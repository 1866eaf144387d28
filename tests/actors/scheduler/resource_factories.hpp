#pragma once
// Factories for the resource plugins' tests (resource_requests, NodeResourcesFit,
// BalancedAllocation): pods with per-container requests and nodes with allocatable.
#include <map>
#include <string>
#include <vector>

#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler::testing {

namespace v1 = troupe::core::v1;

constexpr int64_t Mi = 1024 * 1024;
constexpr int64_t Gi = 1024 * Mi;

/// One container's requests; "" leaves the resource out. `sidecar`: an init container with
/// restartPolicy Always.
struct ctr {
  std::string cpu;
  std::string memory;
  bool sidecar = false;
};

inline void set_quantities(google::protobuf::Map<std::string, troupe::meta::Quantity>& m,
                           const std::string& cpu, const std::string& memory) {
  if (!cpu.empty())
    m["cpu"].set_string(cpu);
  if (!memory.empty())
    m["memory"].set_string(memory);
}

inline v1::Pod make_pod(std::vector<ctr> containers = {}, std::vector<ctr> init = {},
                        ctr overhead = {}) {
  v1::Pod p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("default");
  int i = 0;
  for (const auto& c : containers) {
    auto* k = p.mutable_spec()->add_containers();
    k->set_name("c" + std::to_string(i++));
    set_quantities(*k->mutable_resources()->mutable_requests(), c.cpu, c.memory);
  }
  for (const auto& c : init) {
    auto* k = p.mutable_spec()->add_initcontainers();
    k->set_name("i" + std::to_string(i++));
    set_quantities(*k->mutable_resources()->mutable_requests(), c.cpu, c.memory);
    if (c.sidecar)
      k->set_restartpolicy("Always");
  }
  set_quantities(*p.mutable_spec()->mutable_overhead(), overhead.cpu, overhead.memory);
  return p;
}

/// A node offering cpu / memory / pods in status.allocatable ("" leaves one out).
inline v1::Node make_node(const std::string& cpu = "4", const std::string& memory = "8Gi",
                          const std::string& pods = "110") {
  v1::Node n;
  n.mutable_metadata()->set_name("node1");
  auto& alloc = *n.mutable_status()->mutable_allocatable();
  set_quantities(alloc, cpu, memory);
  if (!pods.empty())
    alloc["pods"].set_string(pods);
  return n;
}

} // namespace troupe::scheduler::testing
