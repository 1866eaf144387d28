#pragma once
// scheduler_bench (b): the scheduler actor end to end through a RocksDB store actor.
#include <cstdint>
#include <string>

namespace troupe::bench {

struct end_to_end_result {
  double pods_per_second = 0;
  size_t pods = 0;
  uint64_t syncs = 0;      // the store's group commits during the run
  uint64_t max_batch = 0;  // most writes in one of them
  double first_bind_seconds = 0;  // start → the first binding seen (initial lists, warm-up)
  // From the first binding seen to the last: the rate once the scheduler has its lists (what
  // kube-scheduler's scheduler_perf reports as SchedulingThroughput, where the scheduler is
  // already running when the pods come).
  double steady_pods_per_second = 0;
  std::string error;
};

/// `nodes` Node objects and `pods` unbound pods in a fresh store (temp dir); then the scheduler
/// starts and the clock runs until a watch has seen every pod bound.
end_to_end_result run_end_to_end(size_t nodes, size_t pods);

} // namespace troupe::bench
