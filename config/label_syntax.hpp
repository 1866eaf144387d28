#pragma once
// Syntax of label keys and values, worded as upstream (apimachinery api/validate/content):
// a key is an optional DNS-subdomain prefix and "/" then a name of at most 63 characters
// (alphanumerics, '-', '_', '.', starting and ending alphanumeric); a value is empty or like a name.
// Used by selectors and by object validation (metadata.labels, selectors, node labels).

#include "config/field_error.hpp"

#include <google/protobuf/map.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace troupe::config {

/// One message per problem, e.g. "name part must be no more than 63 bytes"; empty when valid.
std::vector<std::string> label_key_problems(std::string_view key);
std::vector<std::string> label_value_problems(std::string_view value);
/// "a lowercase RFC 1123 subdomain must consist of ..." problems (at most 253 characters).
std::vector<std::string> dns1123_subdomain_problems(std::string_view value);

/// The same as field errors at `path`: Invalid value: "<key>": <problem>, one per problem.
field_errors validate_label_key(std::string_view key, const field_path& path);
field_errors validate_label_value(std::string_view value, const field_path& path);
/// All problems in one error joined by "; ", as selectors report them; empty when valid.
std::optional<field_error> label_key_error(std::string_view key, const field_path& path);
std::optional<field_error> label_value_error(std::string_view value, const field_path& path);
/// metadata.labels: every key and value, errors at `path` itself (as upstream's ValidateLabels),
/// in key order.
field_errors validate_labels(const google::protobuf::Map<std::string, std::string>& labels,
                             const field_path& path);

} // namespace troupe::config
