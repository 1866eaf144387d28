#pragma once
// Helpers over troupe::meta::IntOrString (type 0 = int, 1 = string), with Kubernetes' rules for
// "an absolute number or a percentage of a total" (intstr.GetScaledValueFromIntOrPercent) and the
// Deployment rolling-update fenceposts (deployment util ResolveFenceposts).

#include "proto/meta.pb.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace troupe::config {

troupe::meta::IntOrString int_or_string_from_int(int32_t value);
troupe::meta::IntOrString int_or_string_from_string(std::string value);
/// An int when the text is a decimal int32 ("3", "-1"), otherwise the string itself ("25%").
troupe::meta::IntOrString parse_int_or_string(std::string_view text);

bool is_string(const troupe::meta::IntOrString& v);
/// "3" or the string value.
std::string to_string(const troupe::meta::IntOrString& v);

struct int_result {
  std::optional<int> value;
  std::string error;

  explicit operator bool() const { return value.has_value(); }
};

/// An int is taken as is; a string must be "<integer>%" and yields percent * total / 100, rounded
/// up or down. Any other string is an error naming it, worded as upstream:
///   invalid value for IntOrString: invalid type: string is not a percentage
///   invalid value for IntOrString: invalid value "x%": strconv.Atoi: parsing "x": invalid syntax
/// Computed exactly (upstream goes through float64); results are clamped to the int range.
int_result scaled_value_from_int_or_percent(const troupe::meta::IntOrString& v, int total,
                                            bool round_up);

struct fenceposts {
  int32_t surge = 0;
  int32_t unavailable = 0;
  std::string error;  // set when either value is invalid; then both numbers are 0
};

/// How far a rolling update may go above and below `desired` replicas. Absent values count as 0.
/// Surge rounds up and unavailable rounds down, so that a rollout always makes progress and never
/// drops below the floor: with 15 replicas and 25%/25%, 3.75 becomes surge 4 and unavailable 3.
/// If both come out 0 (e.g. 1 replica at 0/25%), unavailable becomes 1, since surging might be
/// blocked by quota and a rollout must be able to move.
fenceposts resolve_fenceposts(const troupe::meta::IntOrString* max_surge,
                              const troupe::meta::IntOrString* max_unavailable, int32_t desired);

} // namespace troupe::config
