// pod_start: pod start latency of Troupe on containerd, side by side with raw CRI calls in the
// same run, on the same private containerd, and the node agent's memory.
//   - raw_cri: RunPodSandbox + CreateContainer + StartContainer through cri_runtime (the floor);
//   - troupe:  a real troupe-server and troupe-node (--profile default); latency from the POST of a
//              Pod to the watch event showing it Running with its container running.
// Both sequentially and with --parallel workers, --pods pods each; modes are interleaved (raw
// then troupe, sequential then parallel) and Troupe's pods are deleted (and gone) between modes.
// RSS (VmRSS) of troupe-node idle (registered, no pods) and with --pods pods, and of troupe-server.
//
//   pod_start [--pods 50] [--parallel 4] [--socket /abs/containerd.sock --node-ip IP --cgroup-root /CG]
// Without --socket it starts a private containerd in a temp dir (scripts/containerd-node, bridge
// trbench0, 10.212.0.0/16), imports the local images (scripts/images) and stops it at the end.
// Needs root (exit 2 otherwise). Everything it started is stopped by PID at the end, also after
// a failure or SIGINT/SIGTERM. Prints one JSON object per figure (docs/benchmarks.md).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "benchmarks/pod_start_common.hpp"
#include "benchmarks/pod_start_raw.hpp"
#include "benchmarks/pod_start_troupe.hpp"
#include "node-agent/runtime/blocking_call.hpp"
#include "node-agent/runtime/cri_runtime.hpp"
#include "node-agent/runtime/runtime_labels.hpp"

namespace rt = troupe::node_agent::runtime;
using namespace troupe::bench;

namespace {

// Kubernetes' pod startup SLO: p99 <= 5 s from creation to all containers started, seen by a
// watch, images pre-pulled; the anchor of the troupe latency figures.
constexpr double slo_ms = 5000;
constexpr double goal_ratio = 1.2;
constexpr double rss_goal_mib = 20;
constexpr double k3s_agent_mib = 275e6 / (1024.0 * 1024.0);  // k3s agent: 275 MB

bool sh(const std::string& cmd) { return std::system(cmd.c_str()) == 0; }

void on_signal(int) { interrupted() = true; }

double mib(long kib) { return kib < 0 ? -1 : round2(static_cast<double>(kib) / 1024.0); }

void report(const mode_result& raw, const mode_result& tr) {
  const double raw50 = percentile(raw.latency_ms, 0.5), raw99 = percentile(raw.latency_ms, 0.99);
  const double tr50 = percentile(tr.latency_ms, 0.5), tr99 = percentile(tr.latency_ms, 0.99);
  auto base = [](const mode_result& m) {
    return json{{"workers", m.workers}, {"pods", m.pods}, {"failures", m.failures}, {"unit", "ms"}};
  };
  auto rl = base(raw);
  rl["metric"] = "raw_cri_p50_ms";
  rl["value"] = round2(raw50);
  rl["wall_ms"] = round2(raw.wall_ms);
  rl["pods_per_s"] = round2(raw.pods / (raw.wall_ms / 1000));
  rl.update(raw.details);
  emit(rl);
  rl = base(raw);
  rl["metric"] = "raw_cri_p99_ms";
  rl["value"] = round2(raw99);
  emit(rl);
  auto tl = base(tr);
  tl["metric"] = "troupe_p50_ms";
  tl["value"] = round2(tr50);
  tl["anchor"] = slo_ms;
  tl["raw_cri"] = round2(raw50);
  tl["ratio_to_raw"] = raw50 > 0 ? round2(tr50 / raw50) : -1;
  tl["wall_ms"] = round2(tr.wall_ms);
  tl["pods_per_s"] = round2(tr.pods / (tr.wall_ms / 1000));
  tl.update(tr.details);
  emit(tl);
  tl = base(tr);
  tl["metric"] = "troupe_p99_ms";
  tl["value"] = round2(tr99);
  tl["anchor"] = slo_ms;
  tl["raw_cri"] = round2(raw99);
  const double ratio = raw99 > 0 ? tr99 / raw99 : -1;
  tl["ratio_to_raw"] = round2(ratio);
  tl["goal_ratio"] = goal_ratio;
  tl["met"] = ratio > 0 && ratio <= goal_ratio && tr.failures == 0;
  emit(tl);
}

void report_rss(const std::string& metric, pid_t pid, bool with_goal, int pods) {
  const double v = mib(rss_kib(pid));
  json line{{"metric", metric}, {"value", v}, {"unit", "MiB"}, {"pods", pods}};
  if (with_goal) {
    line["anchor"] = round2(k3s_agent_mib);
    line["anchor_source"] = "k3s agent, 275 MB";
    line["ratio_to_anchor"] = round2(v / k3s_agent_mib);
    line["goal"] = rss_goal_mib;
    line["met"] = v > 0 && v <= rss_goal_mib;
  }
  emit(line);
}

/// Waits until containerd has no ready sandbox of the node agent (Troupe's pods really gone).
void wait_sandboxes_gone(rt::cri_runtime& cri) {
  rt::sandbox_filter f;
  f.state = rt::sandbox_state::ready;
  f.label_selector = {{rt::labels::managed_by, rt::labels::managed_by_value}};
  const auto deadline = clock_type::now() + std::chrono::seconds(60);
  size_t left = 0;
  while (!interrupted() && clock_type::now() < deadline) {
    auto l = rt::await_result<std::vector<rt::sandbox_info>>(
      [&](auto cb) { cri.list_pod_sandbox(f, std::chrono::seconds(10), cb); });
    left = l ? l->size() : 1;
    if (left == 0)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::fprintf(stderr, "pod_start: %zu sandboxes of deleted pods still ready after 60 s\n", left);
}

struct args {
  std::string socket, node_ip = "127.0.0.1", cgroup_root = "/troupe-pod-start";
  int pods = 50, parallel = 4;
};

/// Runs both halves; false on any failure (after printing why).
bool measure(const args& a) {
  rt::cri_runtime cri({a.socket, static_cast<size_t>(std::max(a.parallel, 1))});
  troupe_cluster cluster({a.socket, a.node_ip, a.cgroup_root});
  std::string why;
  if (!cluster.start(&why)) {
    std::fprintf(stderr, "pod_start: %s\n%s\n", why.c_str(), cluster.log_tails().c_str());
    return false;
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));  // registered and settled, no pods
  report_rss("troupe_node_rss_idle_mib", cluster.node_pid(), true, 0);
  report_rss("troupe_server_rss_idle_mib", cluster.server_pid(), false, 0);
  const std::string run = std::to_string(::getpid());
  bool ok = true;
  for (int workers : {1, a.parallel}) {
    if (interrupted())
      break;
    const auto tag = workers == 1 ? std::string("s") : "p" + std::to_string(workers);
    auto raw = run_raw_cri(cri, a.pods, workers, run + tag, a.cgroup_root);
    auto tr = cluster.run(a.pods, workers, tag);
    if (workers == 1) {
      report_rss("troupe_node_rss_pods_mib", cluster.node_pid(), true, a.pods);
      report_rss("troupe_server_rss_pods_mib", cluster.server_pid(), false, a.pods);
    }
    report(raw, tr);
    ok = ok && raw.failures == 0 && tr.failures == 0;
    if (!cluster.delete_pods(&why)) {
      std::fprintf(stderr, "pod_start: %s\n%s\n", why.c_str(), cluster.log_tails().c_str());
      return false;
    }
    wait_sandboxes_gone(cri);
  }
  if (!ok)
    std::fprintf(stderr, "pod_start: some pods failed\n%s\n", cluster.log_tails().c_str());
  return ok && !interrupted();
}

} // namespace

int main(int argc, char** argv) {
  args a;
  for (int i = 1; i < argc; ++i) {
    const std::string s = argv[i];
    const bool has = i + 1 < argc;
    if (s == "--socket" && has) a.socket = argv[++i];
    else if (s == "--pods" && has) a.pods = std::atoi(argv[++i]);
    else if (s == "--parallel" && has) a.parallel = std::atoi(argv[++i]);
    else if (s == "--node-ip" && has) a.node_ip = argv[++i];
    else if (s == "--cgroup-root" && has) a.cgroup_root = argv[++i];
    else {
      std::fprintf(stderr, "pod_start: unknown argument %s (--pods N, --parallel N, --socket PATH, "
                           "--node-ip IP, --cgroup-root PATH)\n", s.c_str());
      return 2;
    }
  }
  if (a.pods < 1 || a.parallel < 1) {
    std::fprintf(stderr, "pod_start: --pods and --parallel must be at least 1\n");
    return 2;
  }
  if (::geteuid() != 0) {
    std::fprintf(stderr, "pod_start: needs root (containerd, pod cgroups and the pod bridge); run it with sudo\n");
    return 2;
  }
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  const std::string src = TROUPE_SOURCE_DIR;
  std::string own_dir;
  if (a.socket.empty()) {
    char tmpl[] = "/tmp/troupe-pod-start-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      std::fprintf(stderr, "pod_start: cannot make a temp dir\n");
      return 1;
    }
    own_dir = tmpl;
    a.socket = own_dir + "/ctd/containerd.sock";
    a.node_ip = "10.212.0.1";
    a.cgroup_root = "/troupe-trbench0";
    if (!sh(src + "/scripts/containerd-node start " + own_dir +
            " --bridge trbench0 --subnet 10.212.0.0/16 >/dev/null") ||
        !sh(src + "/scripts/images --socket " + a.socket + " >/dev/null")) {
      sh(src + "/scripts/containerd-node stop " + own_dir);
      sh("rm -rf " + own_dir);
      std::fprintf(stderr, "pod_start: could not start containerd in %s\n", own_dir.c_str());
      return 1;
    }
  }
  const bool ok = measure(a);  // stops troupe-node and troupe-server on its way out
  if (!own_dir.empty()) {
    sh(src + "/scripts/containerd-node stop " + own_dir);
    sh("rm -rf " + own_dir);
  }
  sh("rm -rf /tmp/troupe-pod-start-logs");
  if (interrupted())
    std::fprintf(stderr, "pod_start: interrupted; everything it started is stopped\n");
  return ok ? 0 : 1;
}
