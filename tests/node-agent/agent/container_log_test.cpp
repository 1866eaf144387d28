// Reading CRI log files as `kubectl logs` shows them (node-agent/agent/container_log.hpp).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "node-agent/agent/container_log.hpp"

using namespace troupe::node_agent;

namespace {

// Three lines, the second split by the runtime into two partial records.
const std::string sample =
  "2024-05-01T10:00:00.000000001Z stdout F first\n"
  "2024-05-01T10:00:01.5Z stderr P sec\n"
  "2024-05-01T10:00:01.6Z stderr F ond\n"
  "2024-05-01T10:00:02Z stdout F third\n";

int64_t at(int64_t seconds) {
  return seconds * 1'000'000'000;
}
constexpr int64_t t0 = 1714557600;  // 2024-05-01T10:00:00Z

} // namespace

TEST_CASE("parse_cri_log_line", "[node]") {
  auto r = parse_cri_log_line("2024-05-01T10:00:01.5Z stderr P sec ond");
  REQUIRE(r);
  CHECK(r->stream == "stderr");
  CHECK(r->partial);
  CHECK(r->text == "sec ond");
  CHECK(r->time_ns == at(t0 + 1) + 500'000'000);
  auto empty = parse_cri_log_line("2024-05-01T10:00:01Z stdout F");
  REQUIRE(empty);
  CHECK(empty->text.empty());
  CHECK_FALSE(parse_cri_log_line("2024-05-01T10:00:01Z console F x"));
  CHECK_FALSE(parse_cri_log_line("yesterday stdout F x"));
  CHECK_FALSE(parse_cri_log_line("2024-05-01T10:00:01Z stdout X x"));
}

TEST_CASE("format_cri_log: options as kubectl logs has them", "[node]") {
  struct row {
    const char* name;
    log_options options;
    std::string text;
  };
  log_options all;
  log_options ts;
  ts.timestamps = true;
  log_options tail1;
  tail1.tail_lines = 1;
  log_options tail2;
  tail2.tail_lines = 2;
  log_options tail0;
  tail0.tail_lines = 0;
  log_options since;
  since.since_seconds = 2;
  since.now_ns = at(t0 + 3);
  log_options limit;
  limit.limit_bytes = 8;
  const std::vector<row> rows = {
    {"all, partials joined", all, "first\nsecond\nthird\n"},
    {"timestamps: the first record's", ts,
     "2024-05-01T10:00:00.000000001Z first\n2024-05-01T10:00:01.5Z second\n"
     "2024-05-01T10:00:02Z third\n"},
    {"tail 1", tail1, "third\n"},
    {"tail 2 counts a joined line once", tail2, "second\nthird\n"},
    {"tail 0", tail0, ""},
    {"since 2 s at 10:00:03", since, "second\nthird\n"},
    {"limitBytes", limit, "first\nse"},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto chunk = format_cri_log(sample, 0, r.options);
    CHECK(chunk.text == r.text);
    CHECK(chunk.next_offset == static_cast<int64_t>(sample.size()));
  }
}

TEST_CASE("read_cri_log: following from an offset never repeats or loses a byte", "[node]") {
  auto path = (std::filesystem::temp_directory_path() /
               ("troupe-log-" + std::to_string(::getpid()) + ".log")).string();
  std::ofstream(path) << "2024-05-01T10:00:00Z stdout F one\n2024-05-01T10:00:01Z stdout F tw";
  log_options first;
  first.tail_lines = 10;
  auto a = read_cri_log(path, first);
  REQUIRE(a.error.empty());
  CHECK(a.text == "one\n");  // the second record is not complete yet
  CHECK(a.next_offset == 34);

  std::ofstream(path, std::ios::app) << "o\n2024-05-01T10:00:02Z stdout F three\n";
  log_options follow;
  follow.offset = a.next_offset;
  follow.tail_lines = 0;  // ignored when continuing
  auto b = read_cri_log(path, follow);
  CHECK(b.text == "two\nthree\n");
  follow.offset = b.next_offset;
  auto c = read_cri_log(path, follow);
  CHECK(c.text.empty());
  CHECK(c.next_offset == b.next_offset);

  std::filesystem::remove(path);
  auto missing = read_cri_log(path, first);
  CHECK(missing.error.rfind("failed to open log file \"" + path + "\"", 0) == 0);
}
