#pragma once
// Printing whole objects as kubectl's generic printers do:
//   -o yaml: config/yaml_codec's kubectl layout; -o json: 4-space indented, keys sorted;
//   several objects: {"apiVersion":"v1","kind":"List","items":[...],"metadata":{"resourceVersion":""}}
//   -o name / action messages: "deployment.apps/web".

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "cli/resource_catalog.hpp"

namespace troupe::cli {

std::string render_object(const nlohmann::json& obj, const std::string& format);
nlohmann::json as_list(const std::vector<nlohmann::json>& items);

/// "deployment.apps/web" from an object's apiVersion/kind (lower-cased kind + "." + group).
std::string object_name(const std::vector<resource_info>& all, const nlohmann::json& obj);
/// "deployment.apps" for apiVersion "apps/v1", kind "Deployment".
std::string kind_prefix(const std::string& api_version, const std::string& kind);

} // namespace troupe::cli
