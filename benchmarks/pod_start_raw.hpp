#pragma once
// pod_start's raw-CRI half: how fast containerd brings pods up when driven directly through
// cri_runtime, the floor under Troupe's own pod start latency. Each pod is RunPodSandbox +
// CreateContainer + StartContainer of a busybox:1.30 `sleep 3600` container; its latency is the
// sum of the three calls (parts run_sandbox, create, start). run() brings up pods [first,
// first+count) with `workers` threads and adds them to a mode_result; the pods stay until
// remove_all(), so a mode ends with as many pods on containerd as Troupe's. Sandboxes carry
// troupe.io/managed-by=troupe-pod-start-bench, so a node agent on the same containerd neither
// adopts nor removes them.

#include <mutex>
#include <string>
#include <vector>

#include "benchmarks/pod_start_common.hpp"
#include "node-agent/runtime/cri_runtime.hpp"

namespace troupe::bench {

class raw_cri_half {
public:
  /// `cgroup_root`: containerd's /troupe-<bridge>; pods go to <cgroup_root>/pod<uid>.
  raw_cri_half(node_agent::runtime::cri_runtime& cri, std::string run_id, std::string cgroup_root);
  ~raw_cri_half() { remove_all(); }
  raw_cri_half(const raw_cri_half&) = delete;
  raw_cri_half& operator=(const raw_cri_half&) = delete;

  void run(int first, int count, int workers, const std::string& prefix, mode_result* out);
  /// Stops and removes every sandbox run() made (not timed).
  void remove_all();

private:
  node_agent::runtime::cri_runtime& cri_;
  std::string run_id_, cgroup_root_;
  std::mutex mu_;
  std::vector<std::string> sandboxes_;
};

} // namespace troupe::bench
