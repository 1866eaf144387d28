#pragma once
// What a pod asks for and what a node offers, as the scheduler counts them (Kubernetes'
// resource helpers: PodRequests, NonZeroRequested, NodeInfo's Allocatable). CAF-free.
//
// A pod's request is, per resource, the larger of (a) the sum over its containers and (b) the
// largest single init container (init containers run one at a time, before the others), plus
// spec.overhead. Worked example: containers 100m + 200m, init containers 500m and 50m →
// max(300m, 500m) = 500m cpu.
// Unparseable quantities count as zero (the API server validated them on admission).

#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

/// Kubernetes' defaults for a container that requests nothing, used only for scoring
/// (DefaultMilliCPURequest, DefaultMemoryRequest).
constexpr int64_t default_milli_cpu_request = 100;
constexpr int64_t default_memory_request = 200 * 1024 * 1024;

/// The pod's requests as above (what NodeResourcesFit compares with allocatable).
resources pod_requests(const troupe::core::v1::Pod& pod);

/// The same where a container without a cpu (memory) request counts the default above
/// (what LeastAllocated and BalancedAllocation add to a node's non_zero_requested).
resources pod_non_zero_requests(const troupe::core::v1::Pod& pod);

/// status.allocatable cpu and memory (status.capacity for one that allocatable lacks).
resources node_allocatable(const troupe::core::v1::Node& node);

/// status.allocatable["pods"] (capacity's when absent); 0 when neither says.
int64_t node_allowed_pods(const troupe::core::v1::Node& node);

} // namespace troupe::scheduler
