#pragma once
// The restart-intensity window of a supervisor (OTP's intensity/period): a supervisor may restart
// children at most `intensity` times within any `period`; one restart more and it gives up and
// escalates to its own parent. Restart limits therefore multiply across supervision levels.
// A pure value type: time is an argument, so tests move time instead of sleeping.

#include <chrono>
#include <deque>
#include <string>

namespace troupe::supervision {

using clock = std::chrono::steady_clock;
using time_point = clock::time_point;

struct restart_limits {
  unsigned intensity = 1;                    // OTP's default
  std::chrono::seconds period{5};            // OTP's default; must be at least 1 s
};

/// Empty if the limits are usable, else why not ("period must be at least 1s, got 0s").
std::string validate(const restart_limits& limits);

class restart_window {
public:
  enum class decision { restart, escalate };

  restart_window() = default;
  explicit restart_window(restart_limits limits) : limits_(limits) {}

  /// Records one restart at `now` and says whether it may happen. Restarts older than
  /// `now - period` are forgotten first; a restart exactly `period` ago still counts (as in OTP).
  /// Example, intensity 2, period 10 s: restarts at 0 s, 4 s -> restart, restart; a third at 10 s
  /// sees {0, 4, 10} -> escalate; at 11 s instead it sees {4, 11} -> restart.
  decision record(time_point now);

  /// Restarts currently inside the window (as of the last record()).
  size_t recent() const { return recent_.size(); }
  const restart_limits& limits() const { return limits_; }

private:
  restart_limits limits_;
  std::deque<time_point> recent_;  // oldest first
};

const char* to_string(restart_window::decision d);

} // namespace troupe::supervision
