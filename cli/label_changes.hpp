#pragma once
// The key=value / key- arguments of `label` and `annotate`, and the merge patch they make:
//   plan_changes({"a":"1"}, {a=2}, overwrite=false) -> error 'a' already has a value (1), and --overwrite is false
//   plan_changes({"a":"1"}, {a=1}, false)           -> patch {}           ("not labeled")
//   plan_changes({"a":"1"}, {a-}, false)            -> patch {"a":null}

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace troupe::cli {

struct label_change {
  std::string key;
  std::optional<std::string> value; // nullopt: remove ("key-")
};

struct label_changes {
  std::vector<label_change> value;
  std::string error;
};

/// "k=v" or "k-" (a bare word is a resource argument).
bool looks_like_change(const std::string& arg);

label_changes parse_changes(const std::vector<std::string>& args);

struct label_plan {
  nlohmann::json patch = nlohmann::json::object(); // the labels/annotations part of the merge patch
  std::string error;
};

label_plan plan_changes(const nlohmann::json& current, const std::vector<label_change>& changes,
                        bool overwrite);

} // namespace troupe::cli
