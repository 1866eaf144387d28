// The resource half of pod_runtime_config.hpp: QoS class and the cgroup v1 numbers the kubelet
// gives a container (pkg/apis/core/v1/helper/qos, pkg/kubelet/qos/policy.go,
// kuberuntime_container_linux.go calculateLinuxResources, cm/helpers_linux.go).
#include <algorithm>
#include <map>

#include "config/quantity.hpp"
#include "node-agent/pod/pod_runtime_config.hpp"

namespace troupe::node_agent::pod {

namespace v1 = troupe::core::v1;
using troupe::config::quantity;

namespace {

constexpr int64_t min_shares = 2;
constexpr int64_t max_shares = 262144;
constexpr int64_t shares_per_cpu = 1024;
constexpr int64_t quota_period = 100000;  // 100 ms in µs
constexpr int64_t min_quota = 1000;
constexpr int64_t guaranteed_oom_score_adj = -997;
constexpr int64_t besteffort_oom_score_adj = 1000;

using resource_map = google::protobuf::Map<std::string, troupe::meta::Quantity>;

// The quantity for `name`, when present and parseable.
std::optional<quantity> find(const resource_map& m, const char* name) {
  auto it = m.find(name);
  if (it == m.end())
    return std::nullopt;
  return config::parse_quantity(it->second.string());
}

int64_t milli_cpu_to_shares(int64_t milli) {
  if (milli <= 0)
    return min_shares;
  // 1 CPU = 1024 shares; 250m -> 256; 1m -> 1 -> raised to 2.
  int64_t shares = milli * shares_per_cpu / 1000;
  return std::clamp(shares, min_shares, max_shares);
}

int64_t milli_cpu_to_quota(int64_t milli) {
  if (milli <= 0)
    return 0;
  // 500m -> 50000 µs of every 100000; 5m -> 500 -> raised to the 1 ms minimum.
  return std::max(milli * quota_period / 1000, min_quota);
}

} // namespace

// ComputePodQOS: sums of positive cpu/memory requests and limits over all containers;
// Guaranteed when every container sets both limits and the summed requests equal the limits.
// Only cpu and memory count (isSupportedQoSComputeResource).
std::string qos_class(const v1::PodSpec& spec) {
  std::map<std::string, quantity> requests, limits;
  bool guaranteed = true;
  auto add_to = [](std::map<std::string, quantity>& sum, const std::string& name,
                   const quantity& q) {
    auto it = sum.find(name);
    if (it == sum.end()) {
      sum.emplace(name, q);
    } else if (auto s = config::add(it->second, q)) {
      it->second = *s;
    }
  };
  auto visit = [&](const v1::Container& c) {
    for (const char* name : {"cpu", "memory"}) {
      // A limit without a request is the request too: API defaulting has done that to every pod
      // the server stored; repeated here for a pod that skipped it (as the kubelet repeats it
      // for cpu shares).
      auto q = find(c.resources().requests(), name);
      if (!q)
        q = find(c.resources().limits(), name);
      if (q && q->sign() > 0)
        add_to(requests, name, *q);
    }
    int limits_found = 0;
    for (const char* name : {"cpu", "memory"}) {
      if (auto q = find(c.resources().limits(), name); q && q->sign() > 0) {
        add_to(limits, name, *q);
        ++limits_found;
      }
    }
    if (limits_found < 2)
      guaranteed = false;
  };
  for (const auto& c : spec.containers())
    visit(c);
  for (const auto& c : spec.initcontainers())
    visit(c);
  if (requests.empty() && limits.empty())
    return "BestEffort";
  if (guaranteed) {
    for (const auto& [name, req] : requests) {
      auto it = limits.find(name);
      if (it == limits.end() || it->second != req) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size() == limits.size() ? "Guaranteed" : "Burstable";
}

runtime::linux_resources container_resources(const v1::PodSpec& spec, const v1::Container& c,
                                             const node_facts& node) {
  runtime::linux_resources r;
  auto cpu_request = find(c.resources().requests(), "cpu");
  auto cpu_limit = find(c.resources().limits(), "cpu");
  auto mem_limit = find(c.resources().limits(), "memory");
  int64_t limit_milli = cpu_limit ? cpu_limit->milli_value() : 0;
  // No request but a limit: the request defaults to the limit (as API defaulting does).
  if (!cpu_request && limit_milli > 0)
    r.cpu_shares = milli_cpu_to_shares(limit_milli);
  else
    r.cpu_shares = milli_cpu_to_shares(cpu_request ? cpu_request->milli_value() : 0);
  if (mem_limit && mem_limit->value() > 0)
    r.memory_limit_in_bytes = mem_limit->value();
  // The kubelet (cpuCFSQuota on, the default) always sets the period; quota 0 = unlimited.
  r.cpu_period = quota_period;
  r.cpu_quota = milli_cpu_to_quota(limit_milli);

  // GetContainerOOMScoreAdjust.
  auto qos = qos_class(spec);
  if (spec.priorityclassname() == "system-node-critical" || qos == "Guaranteed") {
    r.oom_score_adj = guaranteed_oom_score_adj;
  } else if (qos == "BestEffort") {
    r.oom_score_adj = besteffort_oom_score_adj;
  } else {
    // Burstable: a container requesting 10% of the node's memory gets 900. Never as low as a
    // Guaranteed container could reach (3), never as high as BestEffort (1000 -> 999).
    auto mem_request = find(c.resources().requests(), "memory");
    int64_t request = mem_request ? mem_request->value() : 0;
    int64_t adj = 1000;
    if (node.memory_capacity_bytes > 0) {
      // 1000*request can overflow for requests above ~9.2 PB; compute in 128 bits.
      adj = 1000 - static_cast<int64_t>(static_cast<__int128>(1000) * request /
                                        node.memory_capacity_bytes);
    }
    if (adj < 1000 + guaranteed_oom_score_adj)
      adj = 1000 + guaranteed_oom_score_adj;
    if (adj == besteffort_oom_score_adj)
      adj = besteffort_oom_score_adj - 1;
    r.oom_score_adj = adj;
  }
  return r;
}

} // namespace troupe::node_agent::pod
