// scheduler_bench (issue 6): pods scheduled per second, as JSON lines.
//   (a) the pure chain (framework + cache, no actors, no store): 5,000 nodes × 10,000 and × 50,000
//       plain pods;
//   (b) end to end through the store: scheduler actor on a RocksDB store actor, 5,000 hollow
//       nodes (Node objects, as scheduler_perf), 10,000 pods created unbound, timed until the
//       last binding is seen on a watch (scheduler_bench_e2e.cpp);
//   (c) required pod anti-affinity, 5,000 nodes × 2,000 pods (one per node);
//   (d) required node affinity (one zone in ten), 5,000 nodes × 10,000 pods.
// Anchors (kube-scheduler at 5,000 nodes, ../shared/reference/kubernetes-semantics.md §1.3):
// 1,150 pods/s plain, anti-affinity floor 60, node affinity 220. Goals here: ≥ 10,000 (a, b),
// ≥ 2,000 (c).
// Flags: --nodes N (5000), --only a|b|c|d, --quick (smaller runs for a smoke test).

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "actors/scheduler/framework.hpp"
#include "actors/scheduler/scheduler_cache.hpp"
#include "benchmarks/scheduler_bench_cluster.hpp"
#include "benchmarks/scheduler_bench_e2e.hpp"

namespace {

using namespace troupe;
using namespace troupe::bench;

void emit(const char* metric, double value, const char* unit, double anchor,
          const std::string& extra = "") {
  std::printf("{\"bench\":\"scheduler\",\"metric\":\"%s\",\"value\":%.1f,\"unit\":\"%s\"", metric,
              value, unit);
  if (anchor > 0)
    std::printf(",\"anchor\":%.0f,\"ratio_to_anchor\":%.2f", anchor, value / anchor);
  std::printf("%s}\n", extra.c_str());
  std::fflush(stdout);
}

struct pure_run {
  double pods_per_second = 0;
  size_t unscheduled = 0;
  size_t nodes_used = 0;
};

pure_run run_pure(size_t nodes, size_t pods, pod_shape shape) {
  scheduler::scheduler_cache cache;
  for (size_t i = 0; i < nodes; ++i)
    cache.upsert_node(bench_node(i));
  std::vector<std::shared_ptr<core::v1::Pod>> queue;
  queue.reserve(pods);
  for (size_t i = 0; i < pods; ++i)
    queue.push_back(bench_pod(i, shape));
  auto chain = scheduler::default_chain();
  scheduler::schedule_options options;
  scheduler::schedule_cursor cursor;
  cursor.random = 42;
  pure_run out;
  auto t0 = std::chrono::steady_clock::now();
  for (auto& pod : queue) {
    auto r = scheduler::schedule_one(*pod, cache.view(), chain, options, cursor);
    if (r.scheduled())
      cache.assume(pod, r.node);
    else
      ++out.unscheduled;
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  out.pods_per_second = static_cast<double>(pods) / s;
  for (size_t i = 0; i < nodes; ++i)
    if (cache.info(bench_node(i)->metadata().name())->pods > 0)
      ++out.nodes_used;
  return out;
}

void report_pure(const char* metric, size_t nodes, size_t pods, pod_shape shape, double anchor) {
  auto r = run_pure(nodes, pods, shape);
  emit(metric, r.pods_per_second, "pods/s", anchor,
       ",\"nodes\":" + std::to_string(nodes) + ",\"pods\":" + std::to_string(pods) +
         ",\"shape\":\"" + to_string(shape) + "\",\"unscheduled\":" + std::to_string(r.unscheduled) +
         ",\"nodes_used\":" + std::to_string(r.nodes_used));
}

} // namespace

int main(int argc, char** argv) {
  size_t nodes = 5000;
  std::string only;
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--nodes" && i + 1 < argc) {
      nodes = std::stoul(argv[++i]);
    } else if (a == "--only" && i + 1 < argc) {
      only = argv[++i];
    } else if (a == "--quick") {
      quick = true;
    } else {
      std::fprintf(stderr, "scheduler_bench: unknown argument %s (use --nodes N, --only a|b|c|d, --quick)\n",
                   a.c_str());
      return 2;
    }
  }
  size_t scale = quick ? 10 : 1;
  if (quick && nodes == 5000)
    nodes = 500;
  auto want = [&](const char* part) { return only.empty() || only == part; };
  if (want("a")) {
    report_pure("a_pure_plain_10k_pods_per_second", nodes, 10000 / scale, pod_shape::plain, 1150);
    report_pure("a_pure_plain_50k_pods_per_second", nodes, 50000 / scale, pod_shape::plain, 1150);
  }
  if (want("b")) {
    auto r = run_end_to_end(nodes, 10000 / scale);
    if (!r.error.empty()) {
      std::fprintf(stderr, "scheduler_bench (b): %s\n", r.error.c_str());
      return 1;
    }
    emit("b_end_to_end_pods_per_second", r.pods_per_second, "pods/s", 1150,
         ",\"nodes\":" + std::to_string(nodes) + ",\"pods\":" + std::to_string(r.pods) +
           ",\"store\":\"rocksdb\",\"store_syncs\":" + std::to_string(r.syncs) +
           ",\"store_max_batch\":" + std::to_string(r.max_batch) +
           ",\"first_bind_seconds\":" + std::to_string(r.first_bind_seconds));
    emit("b_end_to_end_steady_pods_per_second", r.steady_pods_per_second, "pods/s", 1150,
         ",\"nodes\":" + std::to_string(nodes) + ",\"pods\":" + std::to_string(r.pods) +
           ",\"from\":\"first binding\",\"to\":\"last binding\"");
  }
  if (want("c"))
    report_pure("c_pod_anti_affinity_pods_per_second", nodes, 2000 / scale,
                pod_shape::anti_affinity, 60);
  if (want("d"))
    report_pure("d_node_affinity_pods_per_second", nodes, 10000 / scale, pod_shape::node_affinity,
                220);
  return 0;
}
