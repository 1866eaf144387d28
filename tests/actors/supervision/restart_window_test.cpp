#include "actors/supervision/restart_window.hpp"

#include <catch2/catch.hpp>

#include <vector>

namespace sup = troupe::supervision;
using sup::restart_window;
using std::chrono::seconds;

namespace {

sup::time_point at(double s) {
  return sup::time_point{} + std::chrono::duration_cast<sup::clock::duration>(
                               std::chrono::duration<double>(s));
}

struct window_case {
  const char* name;
  sup::restart_limits limits;
  std::vector<double> restarts_at;                  // seconds
  std::vector<restart_window::decision> expected;   // one per restart
};

constexpr auto R = restart_window::decision::restart;
constexpr auto E = restart_window::decision::escalate;

} // namespace

TEST_CASE("restart_window decides restart or escalate by restarts within the period",
          "[unit][supervision]") {
  const std::vector<window_case> cases = {
    {"OTP default: one restart in 5 s is fine", {}, {0}, {R}},
    {"OTP default: a second within 5 s escalates", {}, {0, 3}, {R, E}},
    {"OTP default: a second after the period is fine", {}, {0, 5.5}, {R, R}},
    {"restart exactly one period ago still counts", {1, seconds(5)}, {0, 5}, {R, E}},
    {"intensity 0 escalates at once", {0, seconds(60)}, {0}, {E}},
    {"intensity 3 allows three in the window", {3, seconds(10)}, {0, 1, 2, 3}, {R, R, R, E}},
    {"old restarts slide out", {2, seconds(10)}, {0, 4, 11, 15, 16}, {R, R, R, R, E}},
    {"the worked example in the header", {2, seconds(10)}, {0, 4, 10}, {R, R, E}},
    {"the worked example, later third", {2, seconds(10)}, {0, 4, 11}, {R, R, R}},
    {"a steady crash loop slower than the window never escalates", {1, seconds(1)},
     {0, 1.5, 3, 4.5, 6}, {R, R, R, R, R}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      REQUIRE(c.restarts_at.size() == c.expected.size());
      restart_window w{c.limits};
      for (size_t i = 0; i < c.restarts_at.size(); ++i) {
        INFO("restart " << i << " at " << c.restarts_at[i] << " s");
        CHECK(sup::to_string(w.record(at(c.restarts_at[i]))) == sup::to_string(c.expected[i]));
      }
    }
  }
}

TEST_CASE("restart_window forgets restarts older than the period", "[unit][supervision]") {
  restart_window w{{5, seconds(10)}};
  w.record(at(0));
  w.record(at(1));
  w.record(at(2));
  CHECK(w.recent() == 3);
  w.record(at(11.5));  // 0 and 1 are older than 1.5
  CHECK(w.recent() == 2);
}

TEST_CASE("restart_limits validation", "[unit][supervision]") {
  struct limits_case {
    const char* name;
    sup::restart_limits limits;
    bool ok;
  };
  const std::vector<limits_case> cases = {
    {"defaults", {}, true},
    {"intensity 0 is allowed", {0, seconds(1)}, true},
    {"period 0 is rejected", {1, seconds(0)}, false},
    {"negative period is rejected", {1, seconds(-3)}, false},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto err = sup::validate(c.limits);
      INFO(err);
      CHECK(err.empty() == c.ok);
      if (!c.ok)
        CHECK(err.find("period") != std::string::npos);
    }
  }
}
