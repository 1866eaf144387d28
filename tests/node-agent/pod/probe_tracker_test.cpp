#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "node-agent/pod/probe_tracker.hpp"

namespace pod = troupe::node_agent::pod;
using pod::probe_kind;
using pod::probe_result;
using action = pod::probe_tracker::action;
using std::chrono::seconds;

namespace {

pod::probe_tracker::time_point at(int s) { return pod::probe_tracker::time_point{} + seconds(s); }

constexpr probe_result ok = probe_result::success;
constexpr probe_result fail = probe_result::failure;
constexpr probe_result unknown = probe_result::unknown;

// The probe runs at `at_s` (when next_probe_at said so) with `result`; then `next_s` is when it
// runs again (-1: not at all).
struct step {
  int at_s;
  probe_result result;
  action expected;
  int next_s;
};

struct probe_case {
  std::string name;
  probe_kind kind;
  pod::probe_settings settings;
  bool startup_passed;
  int first_s;  // first probe (container started at 0); -1: none
  std::vector<step> steps;
};

pod::probe_settings settings(int delay, int period, int success, int failure) {
  pod::probe_settings s;
  s.initial_delay = seconds(delay);
  s.period = seconds(period);
  s.success_threshold = success;
  s.failure_threshold = failure;
  return s;
}

} // namespace

TEST_CASE("probe_tracker: when to probe and when a result flips, table", "[pod]") {
  const std::vector<probe_case> cases = {
    {"liveness: third failure in a row restarts, then no probes until the next container",
     probe_kind::liveness, settings(5, 10, 1, 3), true, 5,
     {{5, fail, action::none, 15}, {15, fail, action::none, 25}, {25, fail, action::restart, -1}}},
    {"liveness: a success in between resets the run", probe_kind::liveness, settings(0, 10, 1, 3), true, 0,
     {{0, fail, action::none, 10}, {10, fail, action::none, 20}, {20, ok, action::none, 30},
      {30, fail, action::none, 40}, {40, fail, action::none, 50}, {50, fail, action::restart, -1}}},
    {"liveness: unknown results are thrown away", probe_kind::liveness, settings(0, 10, 1, 2), true, 0,
     {{0, fail, action::none, 10}, {10, unknown, action::none, 20}, {20, fail, action::restart, -1}}},
    {"liveness waits for the startup probe", probe_kind::liveness, settings(0, 10, 1, 3), false, -1, {}},
    {"readiness: starts unready, one success sets ready, failures at the threshold unset it",
     probe_kind::readiness, settings(3, 5, 1, 2), true, 3,
     {{3, ok, action::set_ready, 8}, {8, ok, action::none, 13}, {13, fail, action::none, 18},
      {18, fail, action::set_unready, 23}, {23, fail, action::none, 28}, {28, ok, action::set_ready, 33}}},
    {"readiness: successThreshold 2", probe_kind::readiness, settings(0, 10, 2, 3), true, 0,
     {{0, ok, action::none, 10}, {10, ok, action::set_ready, 20}}},
    {"readiness: a failing first probe changes nothing (already unready)", probe_kind::readiness,
     settings(0, 10, 1, 1), true, 0, {{0, fail, action::none, 10}}},
    {"startup: passes and stops probing", probe_kind::startup, settings(0, 2, 1, 30), false, 0,
     {{0, fail, action::none, 2}, {2, fail, action::none, 4}, {4, ok, action::mark_started, 6}}},
    {"startup: failureThreshold reached restarts", probe_kind::startup, settings(1, 2, 1, 2), false, 1,
     {{1, fail, action::none, 3}, {3, fail, action::restart, -1}}},
    {"startup: not probed once passed", probe_kind::startup, settings(0, 10, 1, 3), true, -1, {}},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      pod::probe_tracker t{c.kind, c.settings};
      CHECK_FALSE(t.next_probe_at(c.startup_passed).has_value());  // no container yet
      t.container_started(at(0));
      auto first = t.next_probe_at(c.startup_passed);
      if (c.first_s < 0) {
        CHECK_FALSE(first.has_value());
      } else {
        REQUIRE(first.has_value());
        CHECK(*first == at(c.first_s));
      }
      bool started = c.startup_passed;
      for (const auto& s : c.steps) {
        INFO("probe at " << s.at_s);
        CHECK(t.record(s.result, at(s.at_s)) == s.expected);
        // The startup tracker is asked with its own outcome: it stops once passed.
        if (c.kind == probe_kind::startup && t.result() == ok)
          started = true;
        auto next = t.next_probe_at(started);
        if (s.next_s < 0 || (c.kind == probe_kind::startup && started)) {
          CHECK_FALSE(next.has_value());
        } else {
          REQUIRE(next.has_value());
          CHECK(*next == at(s.next_s));
        }
      }
    }
  }
}

TEST_CASE("probe_tracker: a new container resets the tracker", "[pod]") {
  pod::probe_tracker live{probe_kind::liveness, settings(0, 10, 1, 1)};
  live.container_started(at(0));
  CHECK(live.record(fail, at(0)) == action::restart);
  CHECK(live.result() == fail);
  CHECK_FALSE(live.next_probe_at(true).has_value());
  live.container_started(at(30));
  CHECK(live.result() == ok);
  CHECK(live.next_probe_at(true) == at(30));

  pod::probe_tracker ready{probe_kind::readiness, settings(0, 10, 1, 3)};
  ready.container_started(at(0));
  CHECK(ready.record(ok, at(0)) == action::set_ready);
  ready.container_stopped();
  CHECK(ready.result() == fail);
  CHECK_FALSE(ready.next_probe_at(true).has_value());
  ready.container_started(at(40));
  CHECK(ready.result() == fail);  // readiness starts over as Failure
}

TEST_CASE("probe_tracker: settings from the API object with Kubernetes' defaults", "[pod]") {
  troupe::core::v1::Probe p;
  auto d = pod::probe_settings::from(p);
  CHECK(d.initial_delay == seconds(0));
  CHECK(d.timeout == seconds(1));
  CHECK(d.period == seconds(10));
  CHECK(d.success_threshold == 1);
  CHECK(d.failure_threshold == 3);
  p.set_initialdelayseconds(5);
  p.set_timeoutseconds(2);
  p.set_periodseconds(3);
  p.set_successthreshold(2);
  p.set_failurethreshold(7);
  auto s = pod::probe_settings::from(p);
  CHECK(s.initial_delay == seconds(5));
  CHECK(s.timeout == seconds(2));
  CHECK(s.period == seconds(3));
  CHECK(s.success_threshold == 2);
  CHECK(s.failure_threshold == 7);
}
