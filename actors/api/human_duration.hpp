#pragma once
// Ages as Kubernetes prints them (apimachinery's duration.HumanDuration): exact to the second
// below two minutes, then coarser as the value grows, so a column stays narrow:
//   59s, 119s, 2m, 2m3s, 9m59s, 10m, 179m, 3h, 3h5m, 7h59m, 8h, 47h, 2d, 3d4h, 7d23h, 8d, 400d,
//   2y, 2y17d, 7y364d, 8y.
// Slightly negative values (clock skew up to two seconds) print as "0s", anything earlier as
// "<invalid>". Time is an argument: callers pass `now`.

#include <cstdint>
#include <string>

#include "config/time_format.hpp"
#include "proto/meta.pb.h"

namespace troupe::api {

/// `nanos` is a duration in nanoseconds.
std::string human_duration(int64_t nanos);

/// Nanoseconds from `since` to `now`.
int64_t nanos_between(config::timestamp since, config::timestamp now);

/// The age of a timestamp field as the printers show it: "<unknown>" when the field is unset,
/// else human_duration(now - t).
std::string age_since(const troupe::meta::Time* t, config::timestamp now);
std::string age_since(const troupe::meta::MicroTime* t, config::timestamp now);

} // namespace troupe::api
