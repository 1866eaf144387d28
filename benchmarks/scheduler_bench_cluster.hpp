#pragma once
// The clusters and pods scheduler_bench schedules (Kubernetes' scheduler_perf shapes): nodes
// with 4 cpu / 16Gi / 110 pods, a hostname label and one of 10 zones; pods requesting
// 100m / 128Mi, plain or with required anti-affinity (one pod per node) or required node
// affinity (one zone in ten).

#include <memory>
#include <string>
#include <vector>

#include "proto/core_v1.pb.h"

namespace troupe::bench {

enum class pod_shape { plain, anti_affinity, node_affinity };

const char* to_string(pod_shape s);

std::shared_ptr<core::v1::Node> bench_node(size_t i);

/// Pod i of a run (uid and name unique per run).
std::shared_ptr<core::v1::Pod> bench_pod(size_t i, pod_shape shape, const std::string& ns = "bench");

} // namespace troupe::bench
