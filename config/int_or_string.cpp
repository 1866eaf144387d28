#include "config/int_or_string.hpp"

#include "config/field_error.hpp"

#include <climits>

namespace troupe::config {

namespace {

constexpr int64_t string_type = 1;

// Go's strconv.Atoi on a 64-bit int: optional sign, decimal digits, nothing else.
std::optional<int64_t> atoi(std::string_view s, std::string& error) {
  size_t i = 0;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-'))
    negative = s[i++] == '-';
  if (i == s.size()) {
    error = "strconv.Atoi: parsing " + quote(s) + ": invalid syntax";
    return std::nullopt;
  }
  __int128 v = 0;
  bool overflow = false;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') {
      error = "strconv.Atoi: parsing " + quote(s) + ": invalid syntax";
      return std::nullopt;
    }
    v = v * 10 + (s[i] - '0');
    if (v > __int128(INT64_MAX) + 1)
      overflow = true, v = __int128(INT64_MAX) + 1;
  }
  if (negative)
    v = -v;
  if (overflow || v > INT64_MAX || v < INT64_MIN) {
    error = "strconv.Atoi: parsing " + quote(s) + ": value out of range";
    return std::nullopt;
  }
  return static_cast<int64_t>(v);
}

int clamp_int(__int128 v) {
  if (v > INT_MAX)
    return INT_MAX;
  if (v < INT_MIN)
    return INT_MIN;
  return static_cast<int>(v);
}

// Floor and ceiling of n / 100 for either sign.
__int128 div100(__int128 n, bool round_up) {
  __int128 q = n / 100, r = n % 100;
  if (r != 0 && round_up && n > 0)
    ++q;
  if (r != 0 && !round_up && n < 0)
    --q;
  return q;
}

} // namespace

troupe::meta::IntOrString int_or_string_from_int(int32_t value) {
  troupe::meta::IntOrString v;
  v.set_type(0);
  v.set_intval(value);
  return v;
}

troupe::meta::IntOrString int_or_string_from_string(std::string value) {
  troupe::meta::IntOrString v;
  v.set_type(string_type);
  v.set_strval(std::move(value));
  return v;
}

troupe::meta::IntOrString parse_int_or_string(std::string_view text) {
  std::string ignored;
  const auto n = atoi(text, ignored);
  if (n && *n >= INT32_MIN && *n <= INT32_MAX)
    return int_or_string_from_int(static_cast<int32_t>(*n));
  return int_or_string_from_string(std::string(text));
}

bool is_string(const troupe::meta::IntOrString& v) { return v.type() == string_type; }

std::string to_string(const troupe::meta::IntOrString& v) {
  return is_string(v) ? v.strval() : std::to_string(v.intval());
}

int_result scaled_value_from_int_or_percent(const troupe::meta::IntOrString& v, int total,
                                            bool round_up) {
  const std::string prefix = "invalid value for IntOrString: ";
  if (!is_string(v))
    return {v.intval(), {}};
  const std::string& s = v.strval();
  if (s.empty() || s.back() != '%')
    return {std::nullopt, prefix + "invalid type: string is not a percentage"};
  std::string error;
  const auto percent = atoi(std::string_view(s).substr(0, s.size() - 1), error);
  if (!percent)
    return {std::nullopt, prefix + "invalid value " + quote(s) + ": " + error};
  return {clamp_int(div100(__int128(*percent) * total, round_up)), {}};
}

fenceposts resolve_fenceposts(const troupe::meta::IntOrString* max_surge,
                              const troupe::meta::IntOrString* max_unavailable, int32_t desired) {
  const auto zero = int_or_string_from_int(0);
  const auto surge = scaled_value_from_int_or_percent(max_surge ? *max_surge : zero, desired, true);
  if (!surge)
    return {0, 0, surge.error};
  const auto unavailable =
      scaled_value_from_int_or_percent(max_unavailable ? *max_unavailable : zero, desired, false);
  if (!unavailable)
    return {0, 0, unavailable.error};
  fenceposts out{static_cast<int32_t>(*surge.value), static_cast<int32_t>(*unavailable.value), {}};
  if (out.surge == 0 && out.unavailable == 0)
    out.unavailable = 1;
  return out;
}

} // namespace troupe::config
