#include "actors/api/request_options.hpp"

#include "actors/http/target.hpp"

#include <cerrno>
#include <cstdlib>

namespace troupe::api {

namespace {

using config::field_error;
using config::field_path;

// Query values arrive as the raw target's text; the HTTP server has already refused malformed
// escapes, so one that still fails to decode is kept as written.
std::string unescape(std::string_view s) {
  return http::percent_decode(s, true).value_or(std::string(s));
}

std::optional<int64_t> parse_int(const std::string& s) {
  if (s.empty())
    return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size())
    return std::nullopt;
  return v;
}

// Go's strconv.ParseBool.
std::optional<bool> parse_bool(const std::string& s) {
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" || s == "True")
    return true;
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" || s == "False")
    return false;
  return std::nullopt;
}

const char* options_kind(verb v) {
  switch (v) {
    case verb::create: return "CreateOptions";
    case verb::update: return "UpdateOptions";
    case verb::patch: return "PatchOptions";
    case verb::delete_:
    case verb::deletecollection: return "DeleteOptions";
    case verb::get: return "GetOptions";
    case verb::list:
    case verb::watch: return "ListOptions";
  }
  return "ListOptions";
}

bool is_write(verb v) { return v == verb::create || v == verb::update || v == verb::patch; }
bool is_delete(verb v) { return v == verb::delete_ || v == verb::deletecollection; }
bool is_read_many(verb v) { return v == verb::list || v == verb::watch || v == verb::deletecollection; }

options_result fail(api_status s) {
  options_result r;
  r.error = std::move(s);
  return r;
}

std::string quoted(const std::string& s) { return config::quote(s); }

} // namespace

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string_view part = query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      if (eq == std::string_view::npos)
        out.emplace_back(unescape(part), "");
      else
        out.emplace_back(unescape(part.substr(0, eq)), unescape(part.substr(eq + 1)));
    }
    if (amp == std::string_view::npos)
      break;
    start = amp + 1;
  }
  return out;
}

std::optional<int64_t> request_options::resource_version_number() const {
  if (!resource_version || resource_version->empty())
    return std::nullopt;
  auto v = parse_int(*resource_version);
  return v && *v >= 0 ? *v : -1;
}

options_result parse_request_options(std::string_view query, verb v, const config::kind_info* kind) {
  options_result r;
  request_options& o = r.options;
  config::field_errors invalid;
  for (const auto& [key, value] : parse_query(query)) {
    if (key == "labelSelector" && is_read_many(v)) {
      auto s = config::parse_label_selector(value);
      if (!s)
        return fail(bad_request(s.error));
      o.labels = *s.value;
    } else if (key == "fieldSelector" && is_read_many(v)) {
      auto s = config::parse_field_selector(value);
      if (!s)
        return fail(bad_request(s.error));
      if (kind)
        if (auto err = config::validate_field_selector(kind->kind, *s.value))
          return fail(bad_request(*err));
      o.fields = *s.value;
    } else if (key == "watch" || key == "allowWatchBookmarks" || key == "dryRun" || key == "force") {
      std::optional<bool> b;
      if (key == "dryRun") {
        // dryRun is a list of directives; "All" is the only one.
        if (!is_write(v) && !is_delete(v))
          continue;
        if (value != "All") {
          invalid.push_back(field_error::not_supported(field_path("dryRun"), quoted(value), {"All"}));
          continue;
        }
        o.dry_run = true;
        continue;
      }
      b = value.empty() && key == "watch" ? std::optional<bool>(false) : parse_bool(value);
      if (!b)
        return fail(bad_request("invalid value for " + key + ": " + quoted(value) + ": must be a boolean"));
      if (key == "watch")
        o.watch = *b;
      else if (key == "allowWatchBookmarks")
        o.allow_watch_bookmarks = *b;
      else
        o.force = *b;
    } else if (key == "resourceVersion") {
      o.resource_version = value;
    } else if (key == "resourceVersionMatch") {
      o.resource_version_match = value;
    } else if (key == "timeoutSeconds" || key == "limit" || key == "gracePeriodSeconds") {
      auto n = parse_int(value);
      if (!n)
        return fail(bad_request("invalid value for " + key + ": " + quoted(value) + ": must be an integer"));
      if (key == "timeoutSeconds")
        o.timeout_seconds = *n;
      else if (key == "limit")
        o.limit = *n < 0 ? 0 : *n;
      else
        o.grace_period_seconds = *n;
    } else if (key == "continue") {
      o.continue_token = value;
    } else if (key == "includeObject") {
      auto inc = parse_include_object(value);
      if (!inc)
        return fail(bad_request("unrecognized includeObject value: " + quoted(value)));
      o.include = *inc;
    } else if (key == "fieldValidation" && is_write(v)) {
      auto mode = config::parse_decode_mode(value);
      if (!mode)
        invalid.push_back(field_error::not_supported(field_path("fieldValidation"), quoted(value),
                                                     {"Ignore", "Strict", "Warn"}));
      else
        o.field_validation = *mode;
    } else if (key == "fieldManager" && is_write(v)) {
      o.field_manager = value;
    } else if (key == "propagationPolicy" && is_delete(v)) {
      if (value != "Orphan" && value != "Background" && value != "Foreground")
        invalid.push_back(field_error::not_supported(field_path("propagationPolicy"), quoted(value),
                                                     {"Foreground", "Background", "Orphan"}));
      else
        o.propagation_policy = value;
    }
  }
  if (is_read_many(v) && !o.resource_version_match.empty()) {
    field_path p("resourceVersionMatch");
    const std::string& m = o.resource_version_match;
    if (v == verb::watch || o.watch)
      invalid.push_back(field_error::forbidden(p, "resourceVersionMatch is forbidden for watch"));
    else if (!o.resource_version || o.resource_version->empty())
      invalid.push_back(field_error::forbidden(p, "resourceVersionMatch is forbidden unless resourceVersion is provided"));
    else if (m != "Exact" && m != "NotOlderThan")
      invalid.push_back(field_error::not_supported(p, quoted(m), {"Exact", "NotOlderThan"}));
    else if (m == "Exact" && *o.resource_version == "0")
      invalid.push_back(field_error::forbidden(p, "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
  }
  if (!invalid.empty())
    return fail(invalid_options(options_kind(v), invalid));
  return r;
}

} // namespace troupe::api
