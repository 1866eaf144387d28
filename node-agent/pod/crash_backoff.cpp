#include "node-agent/pod/crash_backoff.hpp"

#include <algorithm>

namespace troupe::node_agent::pod {

// flowcontrol.Backoff hasExpired: the exit came more than `reset` after the last restart, so the
// container had been running long enough to count as healthy.
bool crash_backoff::expired(time_point finished_at) const {
  return finished_at - last_restart_ > cfg_.reset;
}

crash_backoff::time_point crash_backoff::next_start(time_point finished_at) const {
  if (!delay_ || expired(finished_at))
    return finished_at;
  return finished_at + *delay_;
}

void crash_backoff::record_restart(time_point finished_at, time_point now) {
  if (!delay_ || expired(finished_at))
    delay_ = cfg_.initial;
  else
    delay_ = std::min<duration>(*delay_ * 2, cfg_.cap);
  last_restart_ = now;
}

} // namespace troupe::node_agent::pod
