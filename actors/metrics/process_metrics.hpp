#pragma once
// The process_* metrics every Prometheus client exposes (prometheus-cpp has none):
// process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_start_time_seconds, process_open_fds, process_max_fds, process_threads — read from
// /proc when scraped. Linux only.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace troupe::metrics {

/// The fields of /proc/<pid>/stat that the metrics need (clock ticks and pages as the kernel
/// counts them).
struct proc_stat {
  uint64_t utime_ticks = 0, stime_ticks = 0;
  uint64_t start_ticks = 0;  // since boot
  uint64_t vsize_bytes = 0;
  uint64_t rss_pages = 0;
  uint64_t threads = 0;
};

/// Pure: parses one /proc/<pid>/stat line. The command name (field 2) may hold spaces and ')':
/// fields are counted from the last ')'. Empty if the line is malformed.
std::optional<proc_stat> parse_proc_stat(std::string_view line);

class process_metrics : public prometheus::Collectable {
public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

} // namespace troupe::metrics
