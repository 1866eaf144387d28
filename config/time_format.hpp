#pragma once
// Time and duration text as Kubernetes writes it: meta.v1.Time is RFC 3339 to the second in UTC
// ("2024-05-01T10:00:00Z"), MicroTime to the microsecond, and meta.v1.Duration is Go's
// time.Duration text ("1h2m3.5s", "500ms", "0s").

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace troupe::config {

struct timestamp {
  int64_t seconds = 0; // since the Unix epoch
  int32_t nanos = 0;
  bool operator==(const timestamp& o) const { return seconds == o.seconds && nanos == o.nanos; }
};

/// Parses RFC 3339 ("2006-01-02T15:04:05Z", "...05.123Z", "...05+02:00"); nullopt if malformed.
std::optional<timestamp> parse_rfc3339(std::string_view s);

/// "2006-01-02T15:04:05Z" (seconds precision, UTC), as meta.v1.Time.
std::string format_rfc3339(int64_t seconds);

/// "2006-01-02T15:04:05.000000Z" (microseconds, UTC), as meta.v1.MicroTime.
std::string format_rfc3339_micro(timestamp t);

/// Go's time.ParseDuration: "300ms", "-1.5h", "2h45m", units ns us µs ms s m h. nullopt if malformed.
std::optional<int64_t> parse_go_duration(std::string_view s);

/// Go's time.Duration.String().
std::string format_go_duration(int64_t nanos);

} // namespace troupe::config
