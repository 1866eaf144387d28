#include "node-agent/agent/container_log.hpp"

#include <cerrno>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <vector>

#include "config/time_format.hpp"

namespace troupe::node_agent {

namespace {

// One line as kubectl shows it: its records (one F, or P... then F, or P... at the end of the
// data when the rest is not written yet).
struct logical_line {
  std::vector<cri_log_record> records;
  bool complete = false;
};

} // namespace

std::optional<cri_log_record> parse_cri_log_line(std::string_view line) {
  auto first = line.find(' ');
  if (first == std::string_view::npos)
    return std::nullopt;
  auto second = line.find(' ', first + 1);
  if (second == std::string_view::npos)
    return std::nullopt;
  cri_log_record r;
  r.timestamp = std::string(line.substr(0, first));
  r.stream = std::string(line.substr(first + 1, second - first - 1));
  if (r.stream != "stdout" && r.stream != "stderr")
    return std::nullopt;
  auto time = config::parse_rfc3339(r.timestamp);
  if (!time)
    return std::nullopt;
  r.time_ns = time->seconds * 1'000'000'000 + time->nanos;
  auto rest = line.substr(second + 1);
  // The tag: "F" or "P" (newer runtimes may add ":"-separated tags after it).
  auto tag_end = rest.find(' ');
  auto tag = rest.substr(0, tag_end);
  auto main_tag = tag.substr(0, tag.find(':'));
  if (main_tag != "F" && main_tag != "P")
    return std::nullopt;
  r.partial = main_tag == "P";
  r.text = tag_end == std::string_view::npos ? std::string{} : std::string(rest.substr(tag_end + 1));
  return r;
}

log_chunk format_cri_log(std::string_view data, int64_t base, const log_options& options) {
  log_chunk out;
  std::deque<logical_line> lines;
  size_t pos = 0;
  size_t consumed = 0;
  while (pos < data.size()) {
    auto end = data.find('\n', pos);
    if (end == std::string_view::npos)
      break;  // an unfinished record: the runtime is still writing it
    auto record = parse_cri_log_line(data.substr(pos, end - pos));
    pos = end + 1;
    consumed = pos;
    if (!record)
      continue;
    if (lines.empty() || lines.back().complete)
      lines.emplace_back();
    lines.back().complete = !record->partial;
    lines.back().records.push_back(std::move(*record));
  }
  out.next_offset = base + static_cast<int64_t>(consumed);
  if (options.offset < 0) {
    if (options.since_seconds > 0) {
      int64_t from = options.now_ns - options.since_seconds * 1'000'000'000;
      while (!lines.empty() && lines.front().records.front().time_ns < from)
        lines.pop_front();
    }
    if (options.tail_lines >= 0)
      while (static_cast<int64_t>(lines.size()) > options.tail_lines)
        lines.pop_front();
  }
  for (const auto& line : lines) {
    if (options.timestamps)
      out.text += line.records.front().timestamp + " ";
    for (const auto& r : line.records)
      out.text += r.text;
    if (line.complete)
      out.text += '\n';
  }
  if (options.limit_bytes > 0 && static_cast<int64_t>(out.text.size()) > options.limit_bytes)
    out.text.resize(static_cast<size_t>(options.limit_bytes));
  return out;
}

log_chunk read_cri_log(const std::string& path, const log_options& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    log_chunk out;
    out.error = "failed to open log file \"" + path + "\": " + std::strerror(errno);
    return out;
  }
  int64_t base = options.offset > 0 ? options.offset : 0;
  in.seekg(0, std::ios::end);
  int64_t size = static_cast<int64_t>(in.tellg());
  if (base > size)
    base = 0;  // the file was rotated or truncated: start over
  in.seekg(base);
  std::string data(static_cast<size_t>(size - base), '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  return format_cri_log(data, base, options);
}

} // namespace troupe::node_agent
