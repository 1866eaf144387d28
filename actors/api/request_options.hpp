#pragma once
// The query parameters of list, watch, get, create, update, patch and delete requests, parsed
// and checked as the Kubernetes API server checks them, with its error answers:
// - labelSelector / fieldSelector syntax errors: 400 with the parser's message; a field the kind
//   cannot be selected on: 400 "field label not supported: <field>".
// - fieldValidation, dryRun, propagationPolicy, resourceVersionMatch values outside their sets:
//   422 Invalid on the options object (CreateOptions, ListOptions, ... of meta.k8s.io), as
//   upstream validates them.
// - integers and booleans that do not parse, an unknown includeObject: 400.
// Parameters a verb does not use are ignored, as upstream ignores them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actors/api/request_path.hpp"
#include "actors/api/status_errors.hpp"
#include "actors/api/table.hpp"
#include "config/field_selector.hpp"
#include "config/json_codec.hpp"
#include "config/label_selector.hpp"

namespace troupe::api {

/// The decoded key/value pairs of a query string ("a=b&c=d%3De", '+' is a space), in order.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

struct request_options {
  // list / watch
  config::label_selector labels;
  config::field_selector fields;
  bool watch = false;
  std::optional<std::string> resource_version;  // as given; "" and absent differ for lists
  std::string resource_version_match;           // "", "Exact" or "NotOlderThan"
  bool allow_watch_bookmarks = false;
  std::optional<int64_t> timeout_seconds;
  int64_t limit = 0;  // 0: no limit
  std::string continue_token;
  include_object include = include_object::metadata;  // rows[].object of Tables
  // writes
  config::decode_mode field_validation = config::decode_mode::warn;  // upstream's default
  std::string field_manager;
  bool dry_run = false;  // dryRun=All
  bool force = false;    // server-side apply
  // delete
  std::optional<std::string> propagation_policy;  // "Orphan", "Background", "Foreground"
  std::optional<int64_t> grace_period_seconds;

  /// resourceVersion as a revision: nullopt when absent or empty, -1 when not a number.
  std::optional<int64_t> resource_version_number() const;
};

struct options_result {
  request_options options;
  std::optional<api_status> error;
  explicit operator bool() const { return !error.has_value(); }
};

/// Parses `query` (without the '?') for verb `v` on `kind` (nullptr for non-resource paths:
/// only generic checks then). For a GET of a collection pass verb::list: `watch` in the result
/// then says whether it is a watch (request_verb() with that flag gives the verb).
options_result parse_request_options(std::string_view query, verb v, const config::kind_info* kind);

} // namespace troupe::api
