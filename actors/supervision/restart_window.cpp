#include "actors/supervision/restart_window.hpp"

namespace troupe::supervision {

std::string validate(const restart_limits& limits) {
  if (limits.period.count() < 1)
    return "period must be at least 1s, got " + std::to_string(limits.period.count()) + "s";
  return {};
}

restart_window::decision restart_window::record(time_point now) {
  const auto threshold = now - limits_.period;
  while (!recent_.empty() && recent_.front() < threshold)
    recent_.pop_front();
  recent_.push_back(now);
  return recent_.size() <= limits_.intensity ? decision::restart : decision::escalate;
}

const char* to_string(restart_window::decision d) {
  return d == restart_window::decision::restart ? "restart" : "escalate";
}

} // namespace troupe::supervision
