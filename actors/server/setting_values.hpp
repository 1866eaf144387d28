#pragma once
// How troupe-server checks a setting's value, the same for a flag and a YAML key. Each returns ""
// and stores the value, or the reason it is refused ("must be ...", as the flag errors end).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace troupe::server::setting_values {

std::string non_empty(const std::string& value, std::string& field);

/// A positive Go duration ("50s", "1m30s", "500ms"), as kube-controller-manager takes them.
std::string positive_duration(const std::string& value, std::optional<std::chrono::milliseconds>& field);

/// A whole number of seconds, 0 or more.
std::string toleration_seconds(const std::string& value, std::optional<int64_t>& field);

/// A decimal number in [low, high], the whole string; `range` words the bounds for the error.
std::string number_in(const std::string& value, double low, double high, const char* range,
                      double& field);

} // namespace troupe::server::setting_values
