#include "config/cron_schedule.hpp"

#include <catch2/catch.hpp>

#include <ctime>

using troupe::config::parse_cron_schedule;
using time_point = troupe::config::cron_schedule::time_point;

namespace {

// "2024-03-10 14:07:30" (UTC) -> time_point; the expected values below are worked out by hand.
time_point utc(int y, int mo, int d, int h, int mi, int s = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string show(time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::gmtime(&tt));
  return buf;
}

} // namespace

TEST_CASE("cron_schedule: next activation", "[unit][cron]") {
  struct row {
    const char* spec;
    time_point after;
    time_point expected;
  };
  // 2024-03-10 is a Sunday.
  for (const auto& r : std::vector<row>{
           {"*/5 * * * *", utc(2024, 3, 10, 14, 7, 30), utc(2024, 3, 10, 14, 10)},
           {"*/5 * * * *", utc(2024, 3, 10, 14, 10), utc(2024, 3, 10, 14, 15)},  // strictly after
           {"0 * * * *", utc(2024, 3, 10, 23, 59), utc(2024, 3, 11, 0, 0)},
           {"@hourly", utc(2024, 3, 10, 14, 7), utc(2024, 3, 10, 15, 0)},
           {"@daily", utc(2024, 12, 31, 12, 0), utc(2025, 1, 1, 0, 0)},
           {"@weekly", utc(2024, 3, 10, 0, 0), utc(2024, 3, 17, 0, 0)},
           {"@monthly", utc(2024, 1, 31, 0, 0), utc(2024, 2, 1, 0, 0)},
           {"@yearly", utc(2024, 3, 10, 0, 0), utc(2025, 1, 1, 0, 0)},
           {"30 9 * * mon-fri", utc(2024, 3, 8, 10, 0), utc(2024, 3, 11, 9, 30)},  // Friday after 9:30 -> Monday
           {"0 0 29 2 *", utc(2024, 3, 1, 0, 0), utc(2028, 2, 29, 0, 0)},         // next leap day
           // Both day fields restricted: either may match (the 1st, or a Monday).
           {"0 12 1 * 1", utc(2024, 3, 10, 0, 0), utc(2024, 3, 11, 12, 0)},
           {"0 12 1 * 1", utc(2024, 3, 25, 13, 0), utc(2024, 4, 1, 12, 0)},
           // Day-of-week restricted, day-of-month "*": only Mondays.
           {"0 12 * * 1", utc(2024, 3, 12, 0, 0), utc(2024, 3, 18, 12, 0)},
           {"@every 90s", utc(2024, 3, 10, 14, 7, 30), utc(2024, 3, 10, 14, 9, 0)},
       }) {
    INFO(r.spec << " after " << show(r.after));
    auto s = parse_cron_schedule(r.spec);
    REQUIRE(s);
    auto next = s.value->next_after(r.after);
    REQUIRE(next);
    CHECK(show(*next) == show(r.expected));
  }
}

TEST_CASE("cron_schedule: never fires", "[unit][cron]") {
  auto s = parse_cron_schedule("0 0 30 2 *");
  REQUIRE(s);
  CHECK_FALSE(s.value->next_after(utc(2024, 1, 1, 0, 0)));
}

TEST_CASE("cron_schedule: rejected specs", "[unit][cron]") {
  struct row {
    const char* spec;
    const char* error;
  };
  for (const auto& r : std::vector<row>{
           {"", "empty spec string"},
           {"* * * *", "expected exactly 5 fields, found 4: [* * * *]"},
           {"* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"},
           {"60 * * * *", "end of range (60) above maximum (59): 60"},
           {"* 24 * * *", "end of range (24) above maximum (23): 24"},
           {"* * 0 * *", "beginning of range (0) below minimum (1): 0"},
           {"* * * 13 *", "end of range (13) above maximum (12): 13"},
           {"* * * * 7", "end of range (7) above maximum (6): 7"},
           {"5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"},
           {"*/0 * * * *", "step of range should be a positive number: */0"},
           {"1-2-3 * * * *", "too many hyphens: 1-2-3"},
           {"*/2/3 * * * *", "too many slashes: */2/3"},
           {"x * * * *", "failed to parse int from x: strconv.Atoi: parsing \"x\": invalid syntax"},
           {"* * * foo *", "failed to parse int from foo: strconv.Atoi: parsing \"foo\": invalid syntax"},
           {"@fortnightly", "unrecognized descriptor: @fortnightly"},
           {"@every 5", "failed to parse duration @every 5: time: missing unit in duration \"5\""},
           {"@every 1d", "failed to parse duration @every 1d: time: unknown unit \"d\" in duration \"1d\""},
       }) {
    INFO(r.spec);
    auto s = parse_cron_schedule(r.spec);
    CHECK_FALSE(s);
    CHECK(s.error == r.error);
  }
}
