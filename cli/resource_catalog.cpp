#include "cli/resource_catalog.hpp"

#include <algorithm>

#include "config/kinds.hpp"

namespace troupe::cli {

using nlohmann::json;

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string resource_info::kind_prefix() const {
  return group.empty() ? to_lower(kind) : to_lower(kind) + "." + group;
}

bool resource_info::has_subresource(std::string_view s) const {
  return std::find(subresources.begin(), subresources.end(), s) != subresources.end();
}

namespace {

std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array())
    for (const auto& s : j[key])
      if (s.is_string())
        out.push_back(s.get<std::string>());
  return out;
}

} // namespace

std::vector<resource_info> parse_aggregated_discovery(const json& list) {
  std::vector<resource_info> out;
  if (!list.contains("items"))
    return out;
  for (const auto& group : list["items"]) {
    std::string gname = group.value("metadata", json::object()).value("name", "");
    for (const auto& v : group.value("versions", json::array())) {
      if (v.value("freshness", "Current") != "Current")
        continue; // kubectl ignores stale groups
      for (const auto& res : v.value("resources", json::array())) {
        resource_info r;
        r.group = gname;
        r.version = v.value("version", "");
        r.resource = res.value("resource", "");
        r.kind = res.value("responseKind", json::object()).value("kind", "");
        r.singular = res.value("singularResource", to_lower(r.kind));
        r.namespaced = res.value("scope", "") == "Namespaced";
        r.short_names = strings(res, "shortNames");
        r.categories = strings(res, "categories");
        r.verbs = strings(res, "verbs");
        for (const auto& sub : res.value("subresources", json::array()))
          r.subresources.push_back(sub.value("subresource", ""));
        out.push_back(std::move(r));
      }
    }
  }
  return out;
}

std::vector<resource_info> registry_resources() {
  std::vector<resource_info> out;
  for (const auto& k : config::all_kinds()) {
    if (k.resource.empty())
      continue;
    resource_info r;
    r.group = k.group;
    r.version = k.version;
    r.kind = k.kind;
    r.resource = k.resource;
    r.singular = k.singular;
    r.namespaced = k.namespaced;
    r.short_names = k.short_names;
    r.categories = k.categories;
    r.subresources = k.subresources;
    r.verbs = {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"};
    out.push_back(std::move(r));
  }
  // Core first, as /api comes before /apis in discovery.
  std::stable_partition(out.begin(), out.end(), [](const resource_info& r) { return r.group.empty(); });
  return out;
}

resolve_result resolve_resource(const std::vector<resource_info>& all, std::string_view arg_in) {
  std::string arg = to_lower(arg_in);
  // "name.version.group" or "name.group": the part before the first dot names the resource.
  std::string name = arg, rest;
  if (auto dot = arg.find('.'); dot != std::string::npos) {
    name = arg.substr(0, dot);
    rest = arg.substr(dot + 1);
  }
  auto name_matches = [&](const resource_info& r) {
    if (r.resource == name || r.singular == name || to_lower(r.kind) == name)
      return true;
    return std::find(r.short_names.begin(), r.short_names.end(), name) != r.short_names.end();
  };
  // Pass 1: "name.version.group"; pass 2: "name.group" (also a whole-name match like "pods").
  for (const auto& r : all) {
    if (rest.empty()) {
      if (name_matches(r))
        return {&r, {}};
      continue;
    }
    if (name_matches(r) && (rest == r.version + "." + r.group || (r.group.empty() && rest == r.version)))
      return {&r, {}};
  }
  if (!rest.empty())
    for (const auto& r : all)
      if (name_matches(r) && rest == r.group)
        return {&r, {}};
  return {nullptr, "the server doesn't have a resource type \"" + std::string(arg_in) + "\""};
}

const resource_info* find_by_kind(const std::vector<resource_info>& all, std::string_view api_version,
                                  std::string_view kind) {
  for (const auto& r : all)
    if (r.api_version() == api_version && r.kind == kind)
      return &r;
  return nullptr;
}

std::string resource_path(const resource_info& r, const std::string& ns, const std::string& name,
                          const std::string& subresource) {
  std::string p = r.group.empty() ? "/api/" + r.version : "/apis/" + r.group + "/" + r.version;
  if (r.namespaced && !ns.empty())
    p += "/namespaces/" + ns;
  p += "/" + r.resource;
  if (!name.empty())
    p += "/" + name;
  if (!subresource.empty())
    p += "/" + subresource;
  return p;
}

} // namespace troupe::cli
