#pragma once
// pod_start's shared bits (header-only): timing, percentiles, the JSON line printer, VmRSS of a
// process, and the interrupt flag that SIGINT/SIGTERM set so every wait ends early and main still
// stops what it started.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
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

/// VmRSS of `pid` in KiB from /proc/<pid>/status; -1 when it cannot be read.
inline long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stol(line.substr(6));
  }
  return -1;
}

/// Latencies of one mode (raw or troupe) with the pods it tried and how many failed.
struct mode_result {
  std::vector<double> latency_ms;  // one per pod that came up
  int pods = 0;
  int workers = 1;
  int failures = 0;
  double wall_ms = 0;
  json details = json::object();  // extra per-mode figures (breakdowns), printed with p50
};

} // namespace troupe::bench
