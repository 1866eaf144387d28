#include "actors/server/setting_values.hpp"

#include <cmath>
#include <cstdlib>

#include "config/time_format.hpp"

namespace troupe::server::setting_values {

std::string non_empty(const std::string& value, std::string& field) {
  if (value.empty())
    return "must not be empty";
  field = value;
  return {};
}

std::string positive_duration(const std::string& value,
                              std::optional<std::chrono::milliseconds>& field) {
  auto nanos = config::parse_go_duration(value);
  if (!nanos)
    return "time: invalid duration \"" + value + "\"";
  if (*nanos <= 0)
    return "must be greater than 0";
  field = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::nanoseconds(*nanos));
  return {};
}

std::string toleration_seconds(const std::string& value, std::optional<int64_t>& field) {
  if (value.empty() || value.size() > 12 || value.find_first_not_of("0123456789") != std::string::npos)
    return "must be a non-negative integer (seconds)";
  field = std::stoll(value);
  return {};
}

std::string number_in(const std::string& value, double low, double high, const char* range,
                      double& field) {
  char* end = nullptr;
  const double v = value.empty() ? 0 : std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(v) ||
      value.find_first_of("xXpPnN") != std::string::npos)
    return "must be a number";
  if (v < low || v > high)
    return std::string("must be ") + range;
  field = v;
  return {};
}

} // namespace troupe::server::setting_values
