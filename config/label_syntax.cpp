#include "config/label_syntax.hpp"

#include <algorithm>

namespace troupe::config {

namespace {

constexpr size_t name_max = 63;
constexpr size_t subdomain_max = 253;

const char* const name_regex = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const char* const subdomain_regex =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";

bool is_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]
bool is_name(std::string_view s) {
  if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back()))
    return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// Dot-separated labels of [a-z0-9-], each starting and ending with [a-z0-9].
bool is_subdomain(std::string_view s) {
  size_t start = 0;
  while (true) {
    const size_t dot = s.find('.', start);
    const std::string_view label = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (label.empty() || !is_lower_alnum(label.front()) || !is_lower_alnum(label.back()))
      return false;
    if (!std::all_of(label.begin(), label.end(), [](char c) { return is_lower_alnum(c) || c == '-'; }))
      return false;
    if (dot == std::string_view::npos)
      return true;
    start = dot + 1;
  }
}

// Upstream's RegexError wording, double space before "or" included.
std::string regex_error(const std::string& msg, const char* regex,
                        const std::vector<const char*>& examples) {
  std::string out = msg + " (e.g. ";
  for (size_t i = 0; i < examples.size(); ++i) {
    if (i > 0)
      out += " or ";
    out += std::string("'") + examples[i] + "', ";
  }
  return out + "regex used for validation is '" + regex + "')";
}

std::string max_len_error(size_t n) { return "must be no more than " + std::to_string(n) + " bytes"; }

const std::string name_message =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";

} // namespace

std::vector<std::string> dns1123_subdomain_problems(std::string_view value) {
  std::vector<std::string> out;
  if (value.size() > subdomain_max)
    out.push_back(max_len_error(subdomain_max));
  if (!is_subdomain(value))
    out.push_back(regex_error("a lowercase RFC 1123 subdomain must consist of lower case "
                              "alphanumeric characters, '-' or '.', and must start and end with "
                              "an alphanumeric character",
                              subdomain_regex, {"example.com"}));
  return out;
}

std::vector<std::string> label_key_problems(std::string_view key) {
  std::vector<std::string> out;
  const size_t slash = key.find('/');
  std::string_view name = key;
  if (slash != std::string_view::npos) {
    if (key.find('/', slash + 1) != std::string_view::npos) {
      out.push_back("a valid label key " +
                    regex_error(name_message, name_regex, {"MyName", "my.name", "123-abc"}) +
                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
      return out;
    }
    const std::string_view prefix = key.substr(0, slash);
    name = key.substr(slash + 1);
    if (prefix.empty())
      out.push_back("prefix part must be non-empty");
    else
      for (const auto& p : dns1123_subdomain_problems(prefix))
        out.push_back("prefix part " + p);
  }
  if (name.empty())
    out.push_back("name part must be non-empty");
  else if (name.size() > name_max)
    out.push_back("name part " + max_len_error(name_max));
  if (!is_name(name))
    out.push_back("name part " +
                  regex_error(name_message, name_regex, {"MyName", "my.name", "123-abc"}));
  return out;
}

std::vector<std::string> label_value_problems(std::string_view value) {
  std::vector<std::string> out;
  if (value.size() > name_max)
    out.push_back(max_len_error(name_max));
  if (!value.empty() && !is_name(value))
    out.push_back(regex_error("a valid label must be an empty string or consist of alphanumeric characters, "
                              "'-', '_' or '.', and must start and end with an alphanumeric "
                              "character",
                              "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?",
                              {"MyValue", "my_value", "12345"}));
  return out;
}

field_errors validate_label_key(std::string_view key, const field_path& path) {
  field_errors out;
  for (auto& p : label_key_problems(key))
    out.push_back(field_error::invalid(path, quote(key), std::move(p)));
  return out;
}

field_errors validate_label_value(std::string_view value, const field_path& path) {
  field_errors out;
  for (auto& p : label_value_problems(value))
    out.push_back(field_error::invalid(path, quote(value), std::move(p)));
  return out;
}

namespace {

std::optional<field_error> joined(std::string_view value, const field_path& path,
                                  const std::vector<std::string>& problems) {
  if (problems.empty())
    return std::nullopt;
  std::string detail;
  for (size_t i = 0; i < problems.size(); ++i)
    detail += (i ? "; " : "") + problems[i];
  return field_error::invalid(path, quote(value), std::move(detail));
}

} // namespace

std::optional<field_error> label_key_error(std::string_view key, const field_path& path) {
  return joined(key, path, label_key_problems(key));
}

std::optional<field_error> label_value_error(std::string_view value, const field_path& path) {
  return joined(value, path, label_value_problems(value));
}

field_errors validate_labels(const google::protobuf::Map<std::string, std::string>& labels,
                             const field_path& path) {
  std::vector<std::pair<std::string, std::string>> sorted(labels.begin(), labels.end());
  std::sort(sorted.begin(), sorted.end());
  field_errors out;
  for (const auto& [k, v] : sorted) {
    for (auto& e : validate_label_key(k, path))
      out.push_back(std::move(e));
    for (auto& e : validate_label_value(v, path))
      out.push_back(std::move(e));
  }
  return out;
}

} // namespace troupe::config
