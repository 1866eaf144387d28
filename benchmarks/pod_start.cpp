// pod_start, raw-CRI half: how fast containerd brings pods up when driven directly through
// cri_runtime, the floor under Troupe's own pod start latency (the create -> Running-by-watch half
// comes with the node agent). Each pod is RunPodSandbox + CreateContainer + StartContainer of a
// busybox container; latency per pod is the sum of the three calls. Measured sequentially and with
// --parallel workers, over --pods pods each; every pod is stopped and removed after its phase.
//
//   pod_start [--socket /abs/containerd.sock] [--pods 20] [--parallel 4]
// Without --socket it starts a private containerd in a temp dir (scripts/containerd-node, root
// needed), imports the local images (scripts/images) and stops it at the end.
// Prints JSON lines: {"bench":"pod_start","mode":"raw_cri","workers":N,"pods":...,"p50_ms":...}.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "node-agent/runtime/blocking_call.hpp"
#include "node-agent/runtime/cri_runtime.hpp"
#include "node-agent/runtime/runtime_labels.hpp"

namespace rt = troupe::node_agent::runtime;
using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

constexpr auto call_timeout = std::chrono::milliseconds(60000);

double ms_since(clock_type::time_point t0) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

double round2(double v) { return static_cast<double>(static_cast<long long>(v * 100 + 0.5)) / 100; }

struct pod_timing {
  double run_sandbox_ms = 0, create_ms = 0, start_ms = 0;
  double total() const { return run_sandbox_ms + create_ms + start_ms; }
};

struct started_pod {
  std::string sandbox_id;
};

rt::sandbox_config sandbox_for(int i, const std::string& run) {
  rt::sandbox_config c;
  c.name = "bench-" + std::to_string(i);
  c.uid = run + "-" + std::to_string(i);
  c.namespace_ = "bench";
  c.hostname = c.name;
  c.log_directory = "/tmp/troupe-pod-start-logs/" + c.uid;
  c.labels = {{rt::labels::managed_by, "troupe-pod-start-bench"}, {rt::labels::pod_uid, c.uid}};
  c.cgroup_parent = "/troupe-trbench0/pod" + c.uid;  // containerd-node stop removes the tree
  return c;
}

/// One pod up; false (and a message on stderr) when a call failed.
bool start_pod(rt::cri_runtime& cri, int i, const std::string& run, pod_timing* t, started_pod* p) {
  const auto pod = sandbox_for(i, run);
  auto t0 = clock_type::now();
  auto sb = rt::await_result<std::string>([&](auto cb) { cri.run_pod_sandbox(pod, call_timeout, cb); });
  t->run_sandbox_ms = ms_since(t0);
  if (!sb) {
    std::fprintf(stderr, "pod_start: RunPodSandbox: %s\n", sb.status().to_string().c_str());
    return false;
  }
  p->sandbox_id = *sb;
  rt::container_config c;
  c.name = "app";
  c.image = "busybox:1.30";
  c.command = {"sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"};
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
  if (!s) std::fprintf(stderr, "pod_start: StartContainer: %s\n", s.to_string().c_str());
  return s.is_ok();
}

void remove_pods(rt::cri_runtime& cri, const std::vector<started_pod>& pods) {
  for (const auto& p : pods) {
    if (p.sandbox_id.empty()) continue;
    rt::await_status([&](auto cb) { cri.stop_pod_sandbox(p.sandbox_id, call_timeout, cb); });
    rt::await_status([&](auto cb) { cri.remove_pod_sandbox(p.sandbox_id, call_timeout, cb); });
  }
}

/// Brings `pods` pods up with `workers` threads; emits one JSON line; false on any failure.
bool phase(rt::cri_runtime& cri, int pods, int workers, const std::string& run) {
  std::vector<pod_timing> timings(static_cast<size_t>(pods));
  std::vector<started_pod> started(static_cast<size_t>(pods));
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  const auto t0 = clock_type::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      for (int i; (i = next++) < pods;) {
        if (!start_pod(cri, i, run, &timings[static_cast<size_t>(i)], &started[static_cast<size_t>(i)]))
          ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  const double wall = ms_since(t0);
  remove_pods(cri, started);
  std::vector<double> total, sandbox, create_start;
  for (const auto& t : timings) {
    total.push_back(t.total());
    sandbox.push_back(t.run_sandbox_ms);
    create_start.push_back(t.create_ms + t.start_ms);
  }
  json line{{"bench", "pod_start"},
            {"mode", "raw_cri"},
            {"workers", workers},
            {"pods", pods},
            {"failures", failures.load()},
            {"p50_ms", round2(percentile(total, 0.5))},
            {"p99_ms", round2(percentile(total, 0.99))},
            {"run_sandbox_p50_ms", round2(percentile(sandbox, 0.5))},
            {"create_start_p50_ms", round2(percentile(create_start, 0.5))},
            {"wall_ms", round2(wall)},
            {"pods_per_s", round2(pods / (wall / 1000))}};
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
  return failures == 0;
}

bool sh(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }

} // namespace

int main(int argc, char** argv) {
  std::string socket;
  int pods = 20, parallel = 4;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--socket" && i + 1 < argc) socket = argv[++i];
    else if (a == "--pods" && i + 1 < argc) pods = std::atoi(argv[++i]);
    else if (a == "--parallel" && i + 1 < argc) parallel = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "pod_start: unknown argument %s (--socket PATH, --pods N, --parallel N)\n",
                   a.c_str());
      return 2;
    }
  }
  std::string own_dir;
  if (socket.empty()) {
    char tmpl[] = "/tmp/troupe-pod-start-XXXXXX";
    if (::geteuid() != 0 || ::mkdtemp(tmpl) == nullptr) {
      std::fprintf(stderr, "pod_start: needs root to start a private containerd (or --socket)\n");
      return 1;
    }
    own_dir = tmpl;
    socket = own_dir + "/ctd/containerd.sock";
    const std::string src = TROUPE_SOURCE_DIR;
    if (!sh(src + "/scripts/containerd-node start " + own_dir +
            " --bridge trbench0 --subnet 10.212.0.0/16 >/dev/null") ||
        !sh(src + "/scripts/images --socket " + socket + " >/dev/null")) {
      sh(src + "/scripts/containerd-node stop " + own_dir);
      std::fprintf(stderr, "pod_start: could not start containerd in %s\n", own_dir.c_str());
      return 1;
    }
  }
  bool ok;
  {
    rt::cri_runtime cri({socket, static_cast<size_t>(std::max(parallel, 1))});
    const std::string run = std::to_string(::getpid());
    ok = phase(cri, pods, 1, run + "s") && phase(cri, pods, parallel, run + "p");
  }
  if (!own_dir.empty()) {
    sh(std::string(TROUPE_SOURCE_DIR) + "/scripts/containerd-node stop " + own_dir);
    sh("rm -rf " + own_dir);
  }
  sh("rm -rf /tmp/troupe-pod-start-logs");
  return ok ? 0 : 1;
}
