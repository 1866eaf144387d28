#include "actors/metrics/process_metrics.hpp"

#include <charconv>
#include <dirent.h>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace troupe::metrics {

std::optional<proc_stat> parse_proc_stat(std::string_view line) {
  auto close = line.rfind(')');
  if (close == std::string_view::npos)
    return std::nullopt;
  // After ") " comes field 3 (state); we need fields 14, 15, 20, 22, 23, 24.
  std::vector<std::string_view> fields;
  size_t i = close + 1;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ')
      ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\n')
      ++j;
    if (j > i)
      fields.push_back(line.substr(i, j - i));
    if (j < line.size() && line[j] == '\n')
      break;
    i = j;
  }
  if (fields.size() < 22)  // fields[0] is field 3
    return std::nullopt;
  auto num = [&](size_t field, uint64_t& out) {
    auto f = fields[field - 3];
    return std::from_chars(f.data(), f.data() + f.size(), out).ec == std::errc{};
  };
  proc_stat s;
  if (!num(14, s.utime_ticks) || !num(15, s.stime_ticks) || !num(20, s.threads) || !num(22, s.start_ticks)
      || !num(23, s.vsize_bytes) || !num(24, s.rss_pages))
    return std::nullopt;
  return s;
}

namespace {

std::string read_file(const char* path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

double boot_time_seconds() {
  std::istringstream in(read_file("/proc/stat"));
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime") {
      in >> value;
      return value;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

double open_fds() {
  double n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (auto* e = ::readdir(d))
      if (e->d_name[0] != '.')
        ++n;
    ::closedir(d);
  }
  return n - 1;  // the directory stream's own descriptor
}

prometheus::MetricFamily family(const char* name, const char* help, prometheus::MetricType type, double v) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  prometheus::ClientMetric m;
  if (type == prometheus::MetricType::Counter)
    m.counter.value = v;
  else
    m.gauge.value = v;
  f.metric.push_back(m);
  return f;
}

} // namespace

std::vector<prometheus::MetricFamily> process_metrics::Collect() const {
  std::vector<prometheus::MetricFamily> out;
  auto stat = parse_proc_stat(read_file("/proc/self/stat"));
  if (!stat)
    return out;
  static const double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  static const double page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  static const double boot = boot_time_seconds();
  using prometheus::MetricType;
  out.push_back(family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                       MetricType::Counter, (stat->utime_ticks + stat->stime_ticks) / ticks));
  out.push_back(family("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
                       stat->rss_pages * page));
  out.push_back(family("process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge,
                       static_cast<double>(stat->vsize_bytes)));
  out.push_back(family("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                       MetricType::Gauge, boot + stat->start_ticks / ticks));
  out.push_back(family("process_threads", "Number of OS threads in the process.", MetricType::Gauge,
                       static_cast<double>(stat->threads)));
  out.push_back(family("process_open_fds", "Number of open file descriptors.", MetricType::Gauge, open_fds()));
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0)
    out.push_back(family("process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge,
                         static_cast<double>(lim.rlim_cur)));
  return out;
}

} // namespace troupe::metrics
