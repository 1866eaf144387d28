#pragma once
// Request-target parsing (RFC 3986 percent-encoding) for the server, and the encoding the client
// uses to build query strings.
//   "/api/v1/pods?labelSelector=app%3Dweb&watch=1"
//     -> path "/api/v1/pods", query {labelSelector: "app=web", watch: "1"}
// '+' means a space only in the query (HTML form rules, which Go's url.ParseQuery follows too);
// in the path it stays a '+'. A malformed escape ("%4", "%zz") rejects the whole target.

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace troupe::http {

/// Decodes %XX escapes; with plus_is_space also '+' -> ' '. nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);

/// Escapes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~).
std::string percent_encode(std::string_view in);

/// "a=1&b=x%20y&a=2&flag" -> {a:1, a:2, b:"x y", flag:""}; empty pieces are skipped.
std::optional<std::multimap<std::string, std::string>> parse_query(std::string_view query);

struct parsed_target {
  std::string path;
  std::multimap<std::string, std::string> query;
};

/// Splits an origin-form target at '?', decodes both halves. nullopt if it does not start with
/// '/' or an escape is malformed.
std::optional<parsed_target> parse_target(std::string_view target);

} // namespace troupe::http
