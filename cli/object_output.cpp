#include "cli/object_output.hpp"

#include <regex>
#include <sstream>

#include "config/yaml_codec.hpp"

namespace troupe::cli {

using nlohmann::json;

// go-yaml (v2, under sigs.k8s.io/yaml) double-quotes strings that would read back as timestamps
// ("2006-1-2", "2006-1-2T15:4:5Z", "2006-1-2 15:4:5"); config::to_yaml writes them plain.
std::string render_object(const json& obj, const std::string& format) {
  if (format == "json")
    return obj.dump(4) + "\n";
  return config::to_yaml(obj);
}

json as_list(const std::vector<json>& items) {
  return {{"apiVersion", "v1"}, {"kind", "List"}, {"items", items},
          {"metadata", {{"resourceVersion", ""}}}};
}

std::string kind_prefix(const std::string& api_version, const std::string& kind) {
  auto slash = api_version.find('/');
  std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  return group.empty() ? to_lower(kind) : to_lower(kind) + "." + group;
}

std::string object_name(const std::vector<resource_info>&, const json& obj) {
  std::string name = obj.value("metadata", json::object()).value("name", "");
  return kind_prefix(obj.value("apiVersion", ""), obj.value("kind", "")) + "/" + name;
}

} // namespace troupe::cli
