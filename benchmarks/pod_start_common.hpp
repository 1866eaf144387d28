#pragma once
// pod_start's shared bits (header-only): timing, percentiles, the JSON line printer, VmRSS of a
// process, and the interrupt flag that SIGINT/SIGTERM set so every wait ends early and main still
// stops what it started.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <sys/types.h>
#include <vector>

#include <nlohmann/json.hpp>

namespace troupe::bench {

using json = nlohmann::json;
using clock_type = std::chrono::steady_clock;

/// Set by SIGINT/SIGTERM (main installs the handler); every loop of the benchmark checks it.
inline std::atomic<bool>& interrupted() {
  static std::atomic<bool> flag{false};
  return flag;
}

inline double ms_between(clock_type::time_point a, clock_type::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}
inline double ms_since(clock_type::time_point t0) { return ms_between(t0, clock_type::now()); }

/// Nearest-rank percentile (p in [0,1]); of 50 values p99 is the largest.
inline double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  const size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

inline double round2(double v) { return static_cast<double>(static_cast<long long>(v * 100 + 0.5)) / 100; }

/// Prints one figure as a JSON line with "bench":"pod_start".
inline void emit(json line) {
  line["bench"] = "pod_start";
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
}

/// A field of /proc/<pid>/status in KiB ("VmRSS", "RssAnon", "RssFile"), or the count for
/// "Threads"; -1 when it cannot be read.
/// `file`: "status" (default) or "smaps_rollup" ("Pss": the proportional share of shared pages).
inline long proc_status_field(pid_t pid, const std::string& field, const std::string& file = "status") {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0)
      return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}
inline long rss_kib(pid_t pid) { return proc_status_field(pid, "VmRSS"); }

/// Unix time in ns of a steady_clock point (through one offset taken at the first call), so
/// the benchmark's moments can be set against containerd's log.
inline int64_t unix_ns(clock_type::time_point t) {
  static const auto steady0 = clock_type::now();
  static const auto wall0 = std::chrono::system_clock::now();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(wall0.time_since_epoch() + (t - steady0)).count();
}

/// One mode (raw or troupe, at one parallelism), filled chunk by chunk: the latency of every pod
/// that came up, how many were tried and failed, the time spent creating, and named parts of
/// the latency (ms per pod; printed as <name>_p50_ms and <name>_p99_ms).
struct mode_result {
  std::vector<double> latency_ms;
  int pods = 0;
  int workers = 1;
  int failures = 0;
  double wall_ms = 0;
  std::map<std::string, std::vector<double>> parts;

  json part_figures() const {
    json out = json::object();
    for (const auto& [name, v] : parts) {
      out[name + "_p50_ms"] = round2(percentile(v, 0.5));
      out[name + "_p99_ms"] = round2(percentile(v, 0.99));
    }
    return out;
  }
};

} // namespace troupe::bench
