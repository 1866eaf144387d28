#pragma once
// What a pod asks for and what a node offers, as the scheduler counts them (Kubernetes 1.32's
// resource helpers: PodRequests / AggregateContainerRequests, NodeInfo's Allocatable). CAF-free.
//
// A pod's request is, per resource, the larger of
//   (a) the sum over its containers plus its restartable init containers (sidecars: an init
//       container with restartPolicy Always keeps running next to the containers), and
//   (b) the largest need while an init container runs: that init container plus the sidecars
//       started before it (init containers run one at a time, in order),
// plus spec.overhead. Each resource takes its own maximum.
// Worked examples:
//   containers 100m + 200m, init containers 500m and 50m → max(300m, 500m) = 500m cpu.
//   containers 100m; init: sidecar 50m, init 500m, sidecar 20m →
//     (a) 100 + 50 + 20 = 170m; (b) 50m, 50 + 500 = 550m, 50 + 20 = 70m → 550m cpu.
// Pod-level resources (spec.resources, alpha and off by default in 1.32) are not read.
// Unparseable quantities count as absent (the API server validated them on admission).

#include "actors/scheduler/plugin.hpp"

namespace troupe::scheduler {

/// Kubernetes' defaults for a container that requests nothing, used only for scoring
/// (DefaultMilliCPURequest, DefaultMemoryRequest).
constexpr int64_t default_milli_cpu_request = 100;
constexpr int64_t default_memory_request = 200 * 1024 * 1024;

/// The pod's requests as above (what NodeResourcesFit compares with allocatable).
resources pod_requests(const troupe::core::v1::Pod& pod);

/// The same where a container (init containers included) without a cpu (memory) request counts
/// the default above; an explicit "0" stays 0 (Kubernetes' NonMissingContainerRequests). Overhead
/// is added as is. What LeastAllocated adds to a node's non_zero_requested.
resources pod_non_zero_requests(const troupe::core::v1::Pod& pod);

/// status.allocatable cpu and memory; status.capacity when allocatable is empty (what the API
/// server's defaulting does for a node reporting no allocatable); 0 for one absent.
resources node_allocatable(const troupe::core::v1::Node& node);

/// status.allocatable["pods"] (capacity's when allocatable is empty); 0 when absent: no pod fits.
int64_t node_allowed_pods(const troupe::core::v1::Node& node);

} // namespace troupe::scheduler
