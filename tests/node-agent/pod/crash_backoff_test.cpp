#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "node-agent/pod/crash_backoff.hpp"

using troupe::node_agent::pod::crash_backoff;
using std::chrono::seconds;

namespace {

crash_backoff::time_point at(double s) {
  return crash_backoff::time_point{} + std::chrono::duration_cast<crash_backoff::duration>(
                                           std::chrono::duration<double>(s));
}

double secs(crash_backoff::time_point t) {
  return std::chrono::duration<double>(t - crash_backoff::time_point{}).count();
}

// The container exits at `exit_s`; it may start again at `next_s`; the pod actor restarts it then
// (or at `restart_s` when given: the actor can be late, never early).
struct step {
  double exit_s;
  double next_s;
  double restart_s = -1;
};

struct backoff_case {
  std::string name;
  crash_backoff::config cfg;
  std::vector<step> steps;
};

crash_backoff::config fast() {
  crash_backoff::config c;
  c.initial = seconds(1);
  c.cap = seconds(4);
  c.reset = seconds(30);
  return c;
}

} // namespace

TEST_CASE("crash_backoff: the kubelet's restart delays, table", "[pod]") {
  const std::vector<backoff_case> cases = {
    {"first exit restarts at once", {}, {{5, 5}}},
    {"delays 10 s doubling to 300 s",
     {},
     {{0, 0}, {1, 11}, {12, 32}, {33, 73}, {74, 154}, {155, 315}, {316, 616}, {617, 917},
      {918, 1218}}},
    {"a run over 10 minutes resets to an immediate restart, then 10 s",
     {},
     {{0, 0}, {1, 11}, {12, 32}, {32 + 600 + 1, 633}, {634, 644}}},
    {"a run of exactly 10 minutes does not reset", {}, {{0, 0}, {1, 11}, {611, 631}}},
    {"delay counts from the exit, not from the restart",
     {},
     {{0, 0}, {1, 11}, {100, 120}}},
    {"a late restart still doubles", {}, {{0, 0}, {1, 11, 50}, {51, 71}}},
    {"configurable initial, cap and reset (for tests)",
     fast(),
     {{0, 0}, {0.5, 1.5}, {2, 4}, {5, 9}, {10, 14}, {15, 19}, {19 + 31, 50}, {50.2, 51.2}}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    crash_backoff b{c.cfg};
    for (size_t i = 0; i < c.steps.size(); ++i) {
      const auto& s = c.steps[i];
      INFO("step " << i << ": exit at " << s.exit_s);
      CHECK(secs(b.next_start(at(s.exit_s))) == Approx(s.next_s));
      if (s.next_s > s.exit_s) {
        CHECK(b.in_backoff(at(s.exit_s), at(s.next_s - 0.001)));
      }
      CHECK_FALSE(b.in_backoff(at(s.exit_s), at(s.next_s)));
      b.record_restart(at(s.exit_s), at(s.restart_s >= 0 ? s.restart_s : s.next_s));
    }
  }
}

TEST_CASE("crash_backoff: delay reports the next wait", "[pod]") {
  crash_backoff b;
  CHECK_FALSE(b.delay().has_value());
  b.record_restart(at(0), at(0));
  CHECK(b.delay() == crash_backoff::duration(seconds(10)));
  for (int i = 0; i < 10; ++i)
    b.record_restart(at(1), at(1));
  CHECK(b.delay() == crash_backoff::duration(seconds(300)));
}
