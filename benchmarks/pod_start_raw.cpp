// pod_start's raw-CRI half; see pod_start_raw.hpp.
#include "benchmarks/pod_start_raw.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

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

rt::sandbox_config sandbox_for(const std::string& name, const std::string& run, const std::string& cgroup_root) {
  rt::sandbox_config c;
  c.name = name;
  c.uid = run + "-" + name;
  c.namespace_ = "bench";
  c.hostname = c.name;
  c.log_directory = "/tmp/troupe-pod-start-logs/" + c.uid;
  c.labels = {{rt::labels::managed_by, "troupe-pod-start-bench"}, {rt::labels::pod_uid, c.uid}};
  c.cgroup_parent = cgroup_root + "/pod" + c.uid;  // containerd-node stop removes the tree
  return c;
}

/// One pod up; false (and a message on stderr) when a call failed. `sandbox_id` is set as soon
/// as the sandbox exists, so a half-made pod is still removed.
bool start_pod(rt::cri_runtime& cri, const rt::sandbox_config& pod, pod_timing* t, std::string* sandbox_id) {
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
  auto id = rt::await_result<std::string>([&](auto cb) { cri.create_container(*sb, c, pod, call_timeout, cb); });
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

} // namespace

raw_cri_half::raw_cri_half(rt::cri_runtime& cri, std::string run_id, std::string cgroup_root)
    : cri_(cri), run_id_(std::move(run_id)), cgroup_root_(std::move(cgroup_root)) {}

void raw_cri_half::run(int first, int count, int workers, const std::string& prefix, mode_result* out) {
  std::vector<pod_timing> timings(static_cast<size_t>(count));
  std::atomic<int> next{0};
  const auto t0 = clock_type::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (int i; !interrupted() && (i = next++) < count;) {
        std::string sandbox;
        auto& t = timings[static_cast<size_t>(i)];
        t.ok = start_pod(cri_, sandbox_for(prefix + "-" + std::to_string(first + i), run_id_, cgroup_root_), &t,
                         &sandbox);
        std::lock_guard<std::mutex> lock(mu_);
        if (!sandbox.empty())
          sandboxes_.push_back(sandbox);
      }
    });
  }
  for (auto& t : threads)
    t.join();
  out->wall_ms += ms_since(t0);
  out->pods += count;
  for (const auto& t : timings) {
    if (!t.ok) {
      ++out->failures;
      continue;
    }
    out->latency_ms.push_back(t.total());
    out->parts["run_sandbox"].push_back(t.run_sandbox_ms);
    out->parts["create"].push_back(t.create_ms);
    out->parts["start"].push_back(t.start_ms);
  }
}

void raw_cri_half::remove_all() {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& id : sandboxes_) {
    rt::await_status([&](auto cb) { cri_.stop_pod_sandbox(id, call_timeout, cb); });
    rt::await_status([&](auto cb) { cri_.remove_pod_sandbox(id, call_timeout, cb); });
  }
  sandboxes_.clear();
}

} // namespace troupe::bench
