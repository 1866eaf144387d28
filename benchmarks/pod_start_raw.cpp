// pod_start's raw-CRI half; see pod_start_raw.hpp.
#include "benchmarks/pod_start_raw.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "node-agent/runtime/blocking_call.hpp"
#include "node-agent/runtime/runtime_labels.hpp"

namespace troupe::bench {
namespace {

namespace rt = node_agent::runtime;
constexpr auto call_timeout = std::chrono::milliseconds(60000);

struct pod_timing {
  double run_sandbox_ms = 0, create_ms = 0, start_ms = 0;
  bool ok = false;
  double total() const { return run_sandbox_ms + create_ms + start_ms; }
};

rt::sandbox_config sandbox_for(int i, const std::string& run, const std::string& cgroup_root) {
  rt::sandbox_config c;
  c.name = "raw-" + std::to_string(i);
  c.uid = run + "-" + std::to_string(i);
  c.namespace_ = "bench";
  c.hostname = c.name;
  c.log_directory = "/tmp/troupe-pod-start-logs/" + c.uid;
  c.labels = {{rt::labels::managed_by, "troupe-pod-start-bench"}, {rt::labels::pod_uid, c.uid}};
  c.cgroup_parent = cgroup_root + "/pod" + c.uid;  // containerd-node stop removes the tree
  return c;
}

/// One pod up; false (and a message on stderr) when a call failed. `sandbox_id` is set as soon
/// as the sandbox exists, so a half-made pod is still removed.
bool start_pod(rt::cri_runtime& cri, const rt::sandbox_config& pod, pod_timing* t,
               std::string* sandbox_id) {
  auto t0 = clock_type::now();
  auto sb = rt::await_result<std::string>([&](auto cb) { cri.run_pod_sandbox(pod, call_timeout, cb); });
  t->run_sandbox_ms = ms_since(t0);
  if (!sb) {
    std::fprintf(stderr, "pod_start: RunPodSandbox: %s\n", sb.status().to_string().c_str());
    return false;
  }
  *sandbox_id = *sb;
  rt::container_config c;
  c.name = "app";
  c.image = "busybox:1.30";
  c.command = {"sleep", "3600"};
  c.log_path = "app/0.log";
  c.labels = pod.labels;
  t0 = clock_type::now();
  auto id = rt::await_result<std::string>(
    [&](auto cb) { cri.create_container(*sb, c, pod, call_timeout, cb); });
  t->create_ms = ms_since(t0);
  if (!id) {
    std::fprintf(stderr, "pod_start: CreateContainer: %s\n", id.status().to_string().c_str());
    return false;
  }
  t0 = clock_type::now();
  auto s = rt::await_status([&](auto cb) { cri.start_container(*id, call_timeout, cb); });
  t->start_ms = ms_since(t0);
  if (!s)
    std::fprintf(stderr, "pod_start: StartContainer: %s\n", s.to_string().c_str());
  return s.is_ok();
}

void remove_pods(rt::cri_runtime& cri, const std::vector<std::string>& sandboxes) {
  for (const auto& id : sandboxes) {
    if (id.empty())
      continue;
    rt::await_status([&](auto cb) { cri.stop_pod_sandbox(id, call_timeout, cb); });
    rt::await_status([&](auto cb) { cri.remove_pod_sandbox(id, call_timeout, cb); });
  }
}

} // namespace

mode_result run_raw_cri(rt::cri_runtime& cri, int pods, int workers, const std::string& run_id,
                        const std::string& cgroup_root) {
  std::vector<pod_timing> timings(static_cast<size_t>(pods));
  std::vector<std::string> sandboxes(static_cast<size_t>(pods));
  std::atomic<int> next{0};
  const auto t0 = clock_type::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (int i; !interrupted() && (i = next++) < pods;) {
        const auto n = static_cast<size_t>(i);
        timings[n].ok = start_pod(cri, sandbox_for(i, run_id, cgroup_root), &timings[n], &sandboxes[n]);
      }
    });
  }
  for (auto& t : threads)
    t.join();
  mode_result r;
  r.wall_ms = ms_since(t0);
  remove_pods(cri, sandboxes);
  r.pods = pods;
  r.workers = workers;
  std::vector<double> sandbox, create_start;
  for (const auto& t : timings) {
    if (!t.ok) {
      ++r.failures;
      continue;
    }
    r.latency_ms.push_back(t.total());
    sandbox.push_back(t.run_sandbox_ms);
    create_start.push_back(t.create_ms + t.start_ms);
  }
  r.details["run_sandbox_p50_ms"] = round2(percentile(sandbox, 0.5));
  r.details["create_start_p50_ms"] = round2(percentile(create_start, 0.5));
  return r;
}

} // namespace troupe::bench
