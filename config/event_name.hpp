#pragma once
// Event object names as client-go's recorder makes them: "<involved object>.<nanoseconds as 16
// hex digits>". One event_namer per recorder keeps its names strictly increasing, so two Events
// of the same instant (a coarse clock, a fake one) still get different names. Used by the node
// agent's pod events and report batches and by the scheduler's events.

#include <cstdint>
#include <string>

namespace troupe::config {

class event_namer {
public:
  /// The name for an Event about `object` at `now_ns` (later than every earlier name's time).
  std::string next(const std::string& object, int64_t now_ns);

private:
  int64_t last_ns_ = 0;
};

} // namespace troupe::config
