#pragma once
// `wait --for=...` conditions, decided on an object (or its absence):
//   delete                           the object is gone
//   condition=Ready                  status.conditions[type=Ready].status == "True" (case-insensitive)
//   condition=Ready=false            ... == "False"
//   jsonpath='{.status.phase}'=Running   the value at a simple JSONPath ({.a.b[0].c}) equals Running
//   create                           the object exists

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace troupe::cli {

struct wait_condition {
  enum class kind { deleted, created, condition, jsonpath } type = kind::deleted;
  std::string name;  // condition type, or the JSONPath
  std::string value; // wanted value ("True" for a bare condition)
};

struct wait_condition_result {
  std::optional<wait_condition> value;
  std::string error;
};

wait_condition_result parse_wait_for(const std::string& spec);

/// Whether `obj` (nullptr: gone) satisfies `c`.
bool condition_met(const wait_condition& c, const nlohmann::json* obj);

/// The value at a simple JSONPath ("{.status.phase}", ".spec.containers[0].image"); null if absent.
nlohmann::json json_path_value(const nlohmann::json& obj, const std::string& path);

} // namespace troupe::cli
