#include "config/name_validation.hpp"

#include <algorithm>

#include "config/label_syntax.hpp"

namespace troupe::config {

namespace {

constexpr size_t label_max = 63;
constexpr size_t annotations_max = 256 * 1024;

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool is_label(std::string_view s, bool first_alpha) {
  if (s.empty() || !lower_alnum(s.front()) || !lower_alnum(s.back())) return false;
  if (first_alpha && !(s.front() >= 'a' && s.front() <= 'z')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return lower_alnum(c) || c == '-'; });
}

std::string max_len(size_t n) { return "must be no more than " + std::to_string(n) + " bytes"; }

// generateName is a prefix: a trailing '-' is fine since a suffix follows it.
std::string mask_trailing_dash(std::string_view s) {
  std::string out(s);
  if (out.size() > 1 && out.back() == '-') out.back() = 'a';
  return out;
}

} // namespace

std::vector<std::string> dns1123_label_problems(std::string_view value) {
  std::vector<std::string> out;
  if (value.size() > label_max) out.push_back(max_len(label_max));
  if (!is_label(value, false))
    out.push_back(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
        "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
        "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
  return out;
}

std::vector<std::string> dns1035_label_problems(std::string_view value) {
  std::vector<std::string> out;
  if (value.size() > label_max) out.push_back(max_len(label_max));
  if (!is_label(value, true))
    out.push_back(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
        "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
        "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
  return out;
}

std::vector<std::string> port_name_problems(std::string_view port) {
  std::vector<std::string> out;
  if (port.size() > 15) out.push_back(max_len(15));
  if (port.empty() || !std::all_of(port.begin(), port.end(), [](char c) { return lower_alnum(c) || c == '-'; }))
    out.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (!std::any_of(port.begin(), port.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
    out.push_back("must contain at least one letter (a-z)");
  if (port.find("--") != std::string_view::npos) out.push_back("must not contain consecutive hyphens");
  if (!port.empty() && (port.front() == '-' || port.back() == '-'))
    out.push_back("must not begin or end with a hyphen");
  return out;
}

std::vector<std::string> name_problems(name_rule rule, std::string_view value) {
  switch (rule) {
    case name_rule::dns1123_subdomain: return dns1123_subdomain_problems(value);
    case name_rule::dns1123_label: return dns1123_label_problems(value);
    case name_rule::dns1035_label: return dns1035_label_problems(value);
  }
  return {};
}

field_errors validate_name(name_rule rule, std::string_view value, const field_path& path) {
  field_errors out;
  for (auto& p : name_problems(rule, value)) out.push_back(field_error::invalid(path, quote(value), p));
  return out;
}

field_errors validate_annotations(const google::protobuf::Map<std::string, std::string>& annotations,
                                  const field_path& path) {
  field_errors out;
  std::vector<std::string> keys;
  size_t total = 0;
  for (const auto& [k, v] : annotations) {
    keys.push_back(k);
    total += k.size() + v.size();
  }
  std::sort(keys.begin(), keys.end());
  for (const auto& k : keys) {
    std::string lower = k;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (auto& p : label_key_problems(lower)) out.push_back(field_error::invalid(path, quote(k), p));
  }
  if (total > annotations_max) out.push_back(field_error::too_long(path, annotations_max));
  return out;
}

field_errors validate_object_meta(const troupe::meta::ObjectMeta& meta, name_rule rule,
                                  const field_path& path) {
  field_errors out;
  auto append = [&out](field_errors more) { out.insert(out.end(), more.begin(), more.end()); };
  if (!meta.generatename().empty())
    for (auto& p : name_problems(rule, mask_trailing_dash(meta.generatename())))
      out.push_back(field_error::invalid(path.child("generateName"), quote(meta.generatename()), p));
  if (meta.name().empty()) {
    if (meta.generatename().empty())
      out.push_back(field_error::required(path.child("name"), "name or generateName is required"));
  } else {
    append(validate_name(rule, meta.name(), path.child("name")));
  }
  if (!meta.namespace_().empty())
    append(validate_name(name_rule::dns1123_label, meta.namespace_(), path.child("namespace")));
  append(validate_labels(meta.labels(), path.child("labels")));
  append(validate_annotations(meta.annotations(), path.child("annotations")));
  for (int i = 0; i < meta.finalizers_size(); ++i)
    for (auto& p : label_key_problems(meta.finalizers(i)))
      out.push_back(field_error::invalid(path.child("finalizers").index(i), quote(meta.finalizers(i)), p));
  return out;
}

} // namespace troupe::config
