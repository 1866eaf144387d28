#include "actors/api/openapi.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <map>

#include "actors/api/discovery.hpp"
#include "actors/api/resource_verbs.hpp"
#include "config/kinds.hpp"

namespace troupe::api {

namespace {

using nlohmann::json;

std::string gv_path_of(const std::string& group, const std::string& version) {
  return group.empty() ? "api/" + version : "apis/" + group + "/" + version;
}

bool patchable(const config::kind_info& k) {
  const auto& verbs = resource_verbs(k);
  return std::find(verbs.begin(), verbs.end(), "patch") != verbs.end();
}

std::string object_path(const config::kind_info& k) {
  std::string base = "/" + gv_path_of(k.group, k.version);
  if (k.namespaced)
    base += "/namespaces/{namespace}";
  return base + "/" + k.resource + "/{name}";
}

json patch_operation(const config::kind_info& k) {
  return {{"x-kubernetes-group-version-kind", {{"group", k.group}, {"version", k.version}, {"kind", k.kind}}},
          {"x-kubernetes-action", "patch"},
          {"parameters", json::array({{{"name", "fieldValidation"}, {"in", "query"},
                                       {"schema", {{"type", "string"}}}}})}};
}

// Every served group version, by its document path.
const std::map<std::string, json>& documents() {
  static const std::map<std::string, json> docs = [] {
    std::map<std::string, json> out;
    for (const auto& k : config::all_kinds()) {
      if (!is_rest_resource(k))
        continue;
      json& doc = out[gv_path_of(k.group, k.version)];
      if (doc.is_null())
        doc = {{"openapi", "3.0.0"},
               {"info", {{"title", "Kubernetes"}, {"version", "v1.32.0"}}},
               {"paths", json::object()}};
      if (patchable(k))
        doc["paths"][object_path(k)] = {{"patch", patch_operation(k)}};
    }
    return out;
  }();
  return docs;
}

std::string sha512_hex(const std::string& text) {
  unsigned char digest[SHA512_DIGEST_LENGTH];
  SHA512(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : digest) {
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

} // namespace

std::optional<json> openapi_v3_document(std::string_view gv_path) {
  const auto& docs = documents();
  auto it = docs.find(std::string(gv_path));
  if (it == docs.end())
    return std::nullopt;
  return it->second;
}

std::string openapi_v3_hash(std::string_view gv_path) {
  auto doc = openapi_v3_document(gv_path);
  return doc ? sha512_hex(doc->dump()) : std::string();
}

json openapi_v3_index() {
  json paths = json::object();
  for (const auto& [path, doc] : documents())
    paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" + sha512_hex(doc.dump())}};
  return {{"paths", std::move(paths)}};
}

} // namespace troupe::api
