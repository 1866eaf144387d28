#include "cli/object_target.hpp"

namespace troupe::cli {

using nlohmann::json;

object_target target_of(const std::vector<resource_info>& all, const json& obj,
                        const std::string& default_ns, bool ns_explicit, const std::string& source) {
  object_target t;
  json meta = obj.value("metadata", json::object());
  t.name = meta.value("name", "");
  std::string obj_ns = meta.value("namespace", "");
  std::string api_version = obj.value("apiVersion", "");
  std::string kind = obj.value("kind", "");
  if (api_version.empty() || kind.empty()) {
    t.error = "error validating \"" + source + "\": error validating data: ["
              + std::string(api_version.empty() ? "apiVersion not set" : "")
              + (api_version.empty() && kind.empty() ? ", " : "") + (kind.empty() ? "kind not set" : "")
              + "]; if you choose to ignore these errors, turn validation off with --validate=false";
    return t;
  }
  t.resource = find_by_kind(all, api_version, kind);
  if (!t.resource) {
    t.error = "resource mapping not found for name: \"" + t.name + "\" namespace: \"" + obj_ns
              + "\" from \"" + source + "\": no matches for kind \"" + kind + "\" in version \""
              + api_version + "\"\nensure CRDs are installed first";
    return t;
  }
  if (!t.resource->namespaced)
    return t;
  if (ns_explicit && !obj_ns.empty() && obj_ns != default_ns) {
    t.error = "the namespace from the provided object \"" + obj_ns + "\" does not match the namespace \""
              + default_ns + "\". You must pass '--namespace=" + obj_ns + "' to perform this operation.";
    return t;
  }
  t.ns = obj_ns.empty() ? default_ns : obj_ns;
  return t;
}

std::string field_validation(const std::string& v) {
  if (v.empty() || v == "strict" || v == "true")
    return "Strict";
  if (v == "warn")
    return "Warn";
  if (v == "ignore" || v == "false")
    return "Ignore";
  return {};
}

} // namespace troupe::cli
