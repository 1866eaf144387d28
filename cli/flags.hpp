#pragma once
// Command-line flags as kubectl (cobra/pflag) reads them:
//   --flag=value, --flag value, -n x, -nx, -n=x, boolean --flag / --flag=false, grouped short
//   booleans (-Aw), repeated flags (-f a -f b), "-" as a value (-f -), and "--" ending flag
//   parsing (everything after it is a positional argument, kept apart for `run ... -- cmd`).
// Errors are pflag's wording, which kubectl prints as `error: <message>`:
//   unknown flag: --foo / unknown shorthand flag: 'x' in -x /
//   flag needs an argument: --namespace / flag needs an argument: 'n' in -n /
//   invalid argument "x" for "--wait" flag: strconv.ParseBool: parsing "x": invalid syntax

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace troupe::cli {

struct flag_spec {
  std::string name;       // long name without dashes: "namespace"
  char shorthand = 0;     // 'n', or 0
  bool takes_value = true; // false: a boolean flag
  std::string default_value = {};
  std::string no_value = {}; // non-empty: the value may be left out (--validate, --dry-run) and is this
};

struct parsed_flags {
  std::vector<std::string> positional;
  std::vector<std::string> after_dash; // arguments after "--"
  std::map<std::string, std::vector<std::string>> values; // by long name, in order given
  std::string error;                   // empty: parsed

  bool ok() const { return error.empty(); }
  bool has(const std::string& name) const { return values.count(name) > 0; }
  /// The last value given, else `fallback`.
  std::string get(const std::string& name, const std::string& fallback = {}) const;
  /// Every value given (repeated flags, and comma-free: callers split if they want).
  std::vector<std::string> all(const std::string& name) const;
  /// A boolean flag: true when given without a value or as "true"/"1"/"t"...; `fallback` when absent.
  bool is_set(const std::string& name, bool fallback = false) const;
};

/// Parses `args` against `specs`. "-h"/"--help" is always known (boolean "help").
parsed_flags parse_flags(const std::vector<std::string>& args, const std::vector<flag_spec>& specs);

/// Go's strconv.ParseBool.
std::optional<bool> parse_bool(const std::string& s);

/// Splits "a,b,,c" into {"a","b","c"}.
std::vector<std::string> split_list(const std::string& s, char sep = ',');

} // namespace troupe::cli
