#pragma once
// Reading a container's log file as the kubelet does for pods/log (pkg/kubelet/kuberuntime/logs):
// the file is in the CRI format, one record per line:
//   <RFC3339Nano timestamp> <stdout|stderr> <F|P> <text>
// F ends a line; P is a partial piece (the runtime split a long line) joined with what follows.
// Output is the text as `kubectl logs` prints it; with timestamps each line starts with its first
// record's timestamp and a space. CAF-free and blocking (file I/O): the node actor calls it off
// its worker threads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace troupe::node_agent {

struct cri_log_record {
  std::string timestamp;  // as written, RFC 3339 with nanoseconds
  int64_t time_ns = 0;    // the same, nanoseconds since the epoch
  std::string stream;     // "stdout" or "stderr"
  bool partial = false;   // "P"
  std::string text;       // without the trailing newline
};

/// One line of a CRI log (without its '\n'); nullopt if it is not in the format.
std::optional<cri_log_record> parse_cri_log_line(std::string_view line);

struct log_options {
  bool timestamps = false;
  int64_t tail_lines = -1;     // < 0: all
  int64_t since_seconds = 0;   // 0: no limit; else only lines from now - since on
  int64_t limit_bytes = 0;     // 0: no limit
  int64_t offset = -1;         // < 0: a first read (tail/since apply); else continue from here
  int64_t now_ns = 0;          // for since_seconds
};

struct log_chunk {
  std::string text;
  int64_t next_offset = 0;  // where the next read continues (after the last complete record)
  std::string error;        // empty on success
};

/// Reads `path` with `options`. A missing file is an error naming it. Only complete records
/// (ending in '\n') are read; the next offset points after the last one returned, so a follow
/// never loses or repeats a byte. With limit_bytes the text is cut at that many bytes.
log_chunk read_cri_log(const std::string& path, const log_options& options);

/// The same on text in memory (`data` is the file's content from byte `base` on).
log_chunk format_cri_log(std::string_view data, int64_t base, const log_options& options);

} // namespace troupe::node_agent
