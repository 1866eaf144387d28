#include <catch2/catch.hpp>

#include "actors/api/human_duration.hpp"

namespace api = troupe::api;

TEST_CASE("human durations as kubectl prints ages", "[unit][api][table]") {
  constexpr int64_t s = 1000000000;
  constexpr int64_t m = 60 * s;
  constexpr int64_t h = 60 * m;
  constexpr int64_t d = 24 * h;
  struct duration_case { std::string name; int64_t nanos; std::string expected; };
  const std::vector<duration_case> cases{
      {"zero", 0, "0s"},
      {"sub-second", s / 2, "0s"},
      {"skew within tolerance", -1900000000, "0s"},
      {"skew of one second", -s, "0s"},
      {"too far in the future", -2 * s, "<invalid>"},
      {"seconds", 17 * s, "17s"},
      {"just under two minutes", 119 * s, "119s"},
      {"two minutes", 2 * m, "2m"},
      {"minutes and seconds", 2 * m + 3 * s, "2m3s"},
      {"under ten minutes", 9 * m + 59 * s, "9m59s"},
      {"ten minutes drops seconds", 10 * m + 30 * s, "10m"},
      {"under three hours in minutes", 179 * m, "179m"},
      {"three hours", 3 * h, "3h"},
      {"hours and minutes", 3 * h + 5 * m, "3h5m"},
      {"five hours", 5 * h, "5h"},
      {"under eight hours", 7 * h + 59 * m, "7h59m"},
      {"eight hours", 8 * h + 30 * m, "8h"},
      {"under two days in hours", 47 * h, "47h"},
      {"two days", 48 * h, "2d"},
      {"days and hours", 3 * d + 4 * h, "3d4h"},
      {"under eight days", 7 * d + 23 * h, "7d23h"},
      {"eight days", 8 * d + 5 * h, "8d"},
      {"400 days", 400 * d, "400d"},
      {"two years", 730 * d, "2y"},
      {"years and days", 747 * d, "2y17d"},
      {"under eight years", 8 * 365 * d - d, "7y364d"},
      {"eight years", 8 * 365 * d, "8y"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) { CHECK(api::human_duration(c.nanos) == c.expected); }
  }
}

TEST_CASE("ages of timestamp fields", "[unit][api][table]") {
  troupe::config::timestamp now{1700000000, 500000000};
  troupe::meta::Time t;
  t.set_seconds(now.seconds - 123);
  t.set_nanos(600000000);  // 122.9s ago
  CHECK(api::age_since(&t, now) == "2m2s");
  CHECK(api::age_since(static_cast<const troupe::meta::Time*>(nullptr), now) == "<unknown>");
  troupe::meta::MicroTime mt;
  mt.set_seconds(now.seconds - 17);
  mt.set_nanos(500000000);
  CHECK(api::age_since(&mt, now) == "17s");
}
