#pragma once
// CronJob schedules: the standard 5-field cron syntax Kubernetes accepts (robfig/cron's
// ParseStandard): "minute hour day-of-month month day-of-week" with *, ?, lists, ranges, steps and
// JAN-DEC / SUN-SAT names, the descriptors @yearly @annually @monthly @weekly @daily @midnight
// @hourly, and "@every <duration>". Error texts are robfig/cron's, which Kubernetes shows as
//   spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61
//
// Day matching as cron does it: when both day-of-month and day-of-week are restricted (neither
// starts with * or ?), a day matches if EITHER does; otherwise both must.
// Times are UTC; a CronJob's timeZone is the caller's to apply (shift `after` into the zone and the
// result back).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace troupe::config {

class cron_schedule {
public:
  using time_point = std::chrono::system_clock::time_point;

  /// The first activation strictly after `after` (whole minutes; "@every" whole seconds), or
  /// nullopt when the schedule never fires within five years (e.g. "0 0 30 2 *").
  std::optional<time_point> next_after(time_point after) const;

private:
  friend struct cron_parser;

  uint64_t minutes_ = 0;   // bit i: minute i
  uint32_t hours_ = 0;
  uint32_t days_ = 0;      // bits 1..31
  uint32_t months_ = 0;    // bits 1..12
  uint32_t weekdays_ = 0;  // bits 0..6, 0 = Sunday
  bool days_star_ = false;
  bool weekdays_star_ = false;
  std::chrono::seconds every_{0};  // "@every": a fixed period instead of the fields

  bool day_matches(int day, int weekday) const;
};

struct cron_parse_result {
  std::optional<cron_schedule> value;
  std::string error;

  explicit operator bool() const { return value.has_value(); }
};

cron_parse_result parse_cron_schedule(std::string_view spec);

} // namespace troupe::config
