#pragma once
// pod_start's raw-CRI half: how fast containerd brings pods up when driven directly through
// cri_runtime, the floor under Troupe's own pod start latency. Each pod is RunPodSandbox +
// CreateContainer + StartContainer of a busybox:1.30 `sleep 3600` container; its latency is the
// sum of the three calls. `workers` threads share `pods` pods; every pod is stopped and removed
// after the mode (not timed). Sandboxes carry troupe.io/managed-by=troupe-pod-start-bench, so a
// node agent on the same containerd neither adopts nor removes them.

#include <string>

#include "benchmarks/pod_start_common.hpp"
#include "node-agent/runtime/cri_runtime.hpp"

namespace troupe::bench {

/// The cgroup under which the raw pods go; `cgroup_root` is the containerd's /troupe-<bridge>.
mode_result run_raw_cri(node_agent::runtime::cri_runtime& cri, int pods, int workers,
                        const std::string& run_id, const std::string& cgroup_root);

} // namespace troupe::bench
