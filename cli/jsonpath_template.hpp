#pragma once
// `-o jsonpath=TEMPLATE` as kubectl's get uses it (missing keys allowed, so they print nothing):
// literal text with {expressions}; an expression is a path of .field, [n] and [*] (optionally
// starting with $); several results are joined with a space; strings print raw, other values as
// compact JSON.   "{.items[*].metadata.name}" on a list -> "a b c"
// Not supported: {range}, filters ([?()]), slices, recursive descent (..).

#include <nlohmann/json.hpp>

#include <string>

namespace troupe::cli {

struct jsonpath_result {
  std::string text;
  std::string error; // kubectl's: error parsing jsonpath {.a, unclosed action
};

jsonpath_result render_jsonpath(const std::string& tmpl, const nlohmann::json& obj);

} // namespace troupe::cli
