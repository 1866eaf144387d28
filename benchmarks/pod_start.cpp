// pod_start: pod start latency of Troupe on containerd, side by side with raw CRI calls in the
// same run, on the same private containerd, and the node agent's memory.
//   - raw_cri: RunPodSandbox + CreateContainer + StartContainer through cri_runtime (the floor);
//   - troupe:  a real troupe-server and troupe-node (--profile default); latency from the POST of a
//              Pod to the watch event showing it Running with its container running.
// Two modes, --pods pods per half each: sequential, then --parallel workers. Within a mode the
// halves take turns (one pod each sequentially, --chunk pods each in parallel) so the machine's
// load hits both alike; at the mode's end both halves' pods are removed (Troupe's deleted through
// the API and gone from containerd), so both modes start from the same state.
// RSS (VmRSS) of troupe-node idle (registered, no pods) and with --pods pods, and of troupe-server.
//
//   pod_start [--pods 50] [--parallel 4] [--chunk 10]
//             [--socket /abs/containerd.sock --node-ip IP --cgroup-root /CG]
// Without --socket it starts a private containerd in a temp dir (scripts/containerd-node, bridge
// trbench0, 10.212.0.0/16), imports the local images (scripts/images) and stops it at the end;
// then Troupe's latency is also split by containerd's log (pod_start_cri_log.hpp).
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
  auto line = [](const mode_result& m, const char* metric, double v) {
    return json{{"metric", metric}, {"workers", m.workers}, {"pods", m.pods},
                {"failures", m.failures}, {"value", round2(v)}, {"unit", "ms"}};
  };
  auto rl = line(raw, "raw_cri_p50_ms", raw50);
  rl["pods_per_s"] = round2(raw.pods / (raw.wall_ms / 1000));
  rl.update(raw.part_figures());
  emit(rl);
  emit(line(raw, "raw_cri_p99_ms", raw99));
  auto tl = line(tr, "troupe_p50_ms", tr50);
  tl["anchor"] = slo_ms;
  tl["raw_cri"] = round2(raw50);
  tl["ratio_to_raw"] = raw50 > 0 ? round2(tr50 / raw50) : -1;
  tl["pods_per_s"] = round2(tr.pods / (tr.wall_ms / 1000));
  tl.update(tr.part_figures());
  emit(tl);
  tl = line(tr, "troupe_p99_ms", tr99);
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
  // RssAnon is the process's own heap and stacks; RssFile mostly its binary and shared libraries'
  // pages (clean, shared with every process mapping them); Pss splits shared pages among those.
  json line{{"metric", metric},
            {"value", v},
            {"unit", "MiB"},
            {"pods", pods},
            {"rss_anon_mib", mib(proc_status_field(pid, "RssAnon"))},
            {"rss_file_mib", mib(proc_status_field(pid, "RssFile"))},
            {"pss_mib", mib(proc_status_field(pid, "Pss", "smaps_rollup"))},
            {"threads", proc_status_field(pid, "Threads")}};
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
  std::string containerd_log;  // of the benchmark's own containerd ("" with --socket)
  int pods = 50, parallel = 4, chunk = 10;
};

/// Runs both halves; false on any failure (after printing why). Per mode the two halves take
/// turns, chunk by chunk (one pod at a time sequentially, --chunk pods in parallel), so a change of
/// load on the machine hits both alike; each half keeps its pods until the mode ends.
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
  raw_cri_half raw_half(cri, std::to_string(::getpid()), a.cgroup_root);
  bool ok = true;
  for (int workers : {1, a.parallel}) {
    if (interrupted())
      break;
    const auto tag = workers == 1 ? std::string("s") : "p" + std::to_string(workers);
    const int chunk = workers == 1 ? 1 : a.chunk;
    mode_result raw, tr;
    raw.workers = tr.workers = workers;
    for (int first = 0; first < a.pods && !interrupted(); first += chunk) {
      const int n = std::min(chunk, a.pods - first);
      raw_half.run(first, n, workers, "raw-" + tag, &raw);
      cluster.run(first, n, workers, tag, &tr);
    }
    if (!a.containerd_log.empty())
      cluster.add_cri_breakdown(a.containerd_log, &tr);
    report(raw, tr);
    if (workers == 1) {
      report_rss("troupe_node_rss_pods_mib", cluster.node_pid(), true, a.pods);
      report_rss("troupe_server_rss_pods_mib", cluster.server_pid(), false, a.pods);
    }
    ok = ok && raw.failures == 0 && tr.failures == 0;
    raw_half.remove_all();
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
    else if (s == "--chunk" && has) a.chunk = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "pod_start: unknown argument %s (--pods N, --parallel N, --socket PATH, "
                           "--node-ip IP, --cgroup-root PATH, --chunk N)\n", s.c_str());
      return 2;
    }
  }
  if (a.pods < 1 || a.parallel < 1 || a.chunk < 1) {
    std::fprintf(stderr, "pod_start: --pods, --parallel and --chunk must be at least 1\n");
    return 2;
  }
  if (::geteuid() != 0) {
    std::fprintf(stderr, "pod_start: needs root (containerd, pod cgroups and the pod bridge); run it with sudo\n");
    return 2;
  }
  unix_ns(clock_type::now());  // fixes the steady -> Unix time offset now
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
    a.containerd_log = own_dir + "/logs/containerd.log";
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
