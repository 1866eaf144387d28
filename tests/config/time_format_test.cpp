#include <catch2/catch.hpp>

#include "config/time_format.hpp"

using namespace troupe::config;

TEST_CASE("RFC 3339 times parse to Unix seconds and format back in UTC", "[unit][time]") {
  struct row {
    const char* text;
    int64_t seconds;
    int32_t nanos;
  };
  // Seconds worked out by hand: 2026-11-27 is day 20784 since 1970-01-01 (56 years, 14 leap days,
  // 330 days into 2026): 20784 * 86400 = 1795737600.
  const row rows[] = {
    {"1970-01-01T00:00:00Z", 0, 0},
    {"2026-11-27T00:00:00Z", 1795737600, 0},
    {"2026-11-27T08:30:00Z", 1795737600 + 8 * 3600 + 30 * 60, 0},
    {"2026-11-27T09:30:00+01:00", 1795737600 + 8 * 3600 + 30 * 60, 0},
    {"2026-11-27T08:00:00.123456Z", 1795737600 + 8 * 3600, 123456000},
    {"2000-02-29T12:00:00Z", 951825600, 0},
    {"1969-12-31T23:59:59Z", -1, 0},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.text) {
      auto t = parse_rfc3339(r.text);
      REQUIRE(t);
      CHECK(t->seconds == r.seconds);
      CHECK(t->nanos == r.nanos);
    }
  }
  CHECK(format_rfc3339(1795737600 + 8 * 3600 + 30 * 60) == "2026-11-27T08:30:00Z");
  CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59Z");
  CHECK(format_rfc3339_micro({1795737600, 123456789}) == "2026-11-27T00:00:00.123456Z");
  for (const char* bad : {"", "2026-11-27", "2026-11-27 08:00:00Z", "2026-13-01T00:00:00Z",
                          "2026-11-27T08:00:00", "2026-11-27T08:00:00.Z", "2026-11-27T08:00:00Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(parse_rfc3339(bad));
  }
}

TEST_CASE("Go durations parse and print as time.Duration does", "[unit][time]") {
  struct row {
    const char* text;
    int64_t nanos;
    const char* printed;
  };
  const row rows[] = {
    {"0s", 0, "0s"},
    {"0", 0, "0s"},
    {"20s", 20'000'000'000, "20s"},
    {"1m30s", 90'000'000'000, "1m30s"},
    {"1h", 3'600'000'000'000, "1h0m0s"},
    {"1.5s", 1'500'000'000, "1.5s"},
    {"500ms", 500'000'000, "500ms"},
    {"2us", 2'000, "2\xC2\xB5s"},
    {"100ns", 100, "100ns"},
    {"-1.5h", -5'400'000'000'000, "-1h30m0s"},
    {"2h45m", 9'900'000'000'000, "2h45m0s"},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.text) {
      auto n = parse_go_duration(r.text);
      REQUIRE(n);
      CHECK(*n == r.nanos);
      CHECK(format_go_duration(*n) == r.printed);
    }
  }
  for (const char* bad : {"", "1", "s", "1x", "1.s.", "--1s"}) {
    INFO(bad);
    CHECK_FALSE(parse_go_duration(bad));
  }
}
