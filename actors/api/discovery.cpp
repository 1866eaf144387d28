#include "actors/api/discovery.hpp"

#include <algorithm>

#include "actors/api/resource_verbs.hpp"
#include "config/kinds.hpp"

namespace troupe::api {

namespace {

using nlohmann::json;
using config::kind_info;

#if defined(__aarch64__)
constexpr const char* platform = "linux/arm64";
#else
constexpr const char* platform = "linux/amd64";
#endif

// The REST kinds of one group version, sorted by resource name (as upstream lists them).
std::vector<const kind_info*> resources_of(std::string_view group, std::string_view version) {
  std::vector<const kind_info*> out;
  for (const auto& k : config::all_kinds())
    if (is_rest_resource(k) && k.group == group && k.version == version)
      out.push_back(&k);
  std::sort(out.begin(), out.end(),
            [](const kind_info* a, const kind_info* b) { return a->resource < b->resource; });
  return out;
}

std::vector<std::string> sorted_subresources(const kind_info& k) {
  std::vector<std::string> subs = k.subresources;
  std::sort(subs.begin(), subs.end());
  return subs;
}

json gvk_json(const group_version_kind& g) {
  return {{"group", g.group}, {"version", g.version}, {"kind", g.kind}};
}

json aggregated_resource(const kind_info& k) {
  json r = {{"resource", k.resource},
            {"responseKind", gvk_json({k.group, k.version, k.kind})},
            {"scope", k.namespaced ? "Namespaced" : "Cluster"},
            {"singularResource", k.singular},
            {"verbs", resource_verbs(k)}};
  if (!k.short_names.empty())
    r["shortNames"] = k.short_names;
  if (!k.categories.empty())
    r["categories"] = k.categories;
  json subs = json::array();
  for (const auto& s : sorted_subresources(k))
    subs.push_back({{"subresource", s},
                    {"responseKind", gvk_json(subresource_kind(k, s))},
                    {"verbs", subresource_verbs(s)}});
  if (!subs.empty())
    r["subresources"] = std::move(subs);
  return r;
}

json aggregated_group(const std::string& group, discovery_version) {
  json versions = json::array();
  for (const auto& v : served_versions(group)) {
    json resources = json::array();
    for (const auto* k : resources_of(group, v))
      resources.push_back(aggregated_resource(*k));
    versions.push_back({{"version", v}, {"resources", std::move(resources)}, {"freshness", "Current"}});
  }
  return {{"metadata", {{"name", group}, {"creationTimestamp", nullptr}}},
          {"versions", std::move(versions)}};
}

json legacy_resource(const kind_info& k) {
  json r = {{"name", k.resource},
            {"singularName", k.singular},
            {"namespaced", k.namespaced},
            {"kind", k.kind},
            {"verbs", resource_verbs(k)}};
  if (!k.short_names.empty())
    r["shortNames"] = k.short_names;
  if (!k.categories.empty())
    r["categories"] = k.categories;
  return r;
}

json legacy_subresource(const kind_info& k, const std::string& sub) {
  auto gvk = subresource_kind(k, sub);
  json r = {{"name", k.resource + "/" + sub}, {"singularName", ""}, {"namespaced", k.namespaced}};
  if (gvk.group != k.group || gvk.version != k.version) {
    r["group"] = gvk.group;
    r["version"] = gvk.version;
  }
  r["kind"] = gvk.kind;
  r["verbs"] = subresource_verbs(sub);
  return r;
}

json group_version_json(const std::string& group, const std::string& version) {
  return {{"groupVersion", group + "/" + version}, {"version", version}};
}

json api_group_json(const std::string& group) {
  json versions = json::array();
  for (const auto& v : served_versions(group))
    versions.push_back(group_version_json(group, v));
  json preferred = versions.empty() ? json::object() : versions[0];
  return {{"name", group}, {"versions", std::move(versions)}, {"preferredVersion", std::move(preferred)}};
}

} // namespace

std::vector<std::string> served_groups() {
  std::vector<std::string> groups;
  for (const auto& k : config::all_kinds())
    if (is_rest_resource(k) && !k.group.empty() &&
        std::find(groups.begin(), groups.end(), k.group) == groups.end())
      groups.push_back(k.group);
  return groups;
}

std::vector<std::string> served_versions(std::string_view group) {
  std::vector<std::string> versions;
  for (const auto& k : config::all_kinds())
    if (is_rest_resource(k) && k.group == group &&
        std::find(versions.begin(), versions.end(), k.version) == versions.end())
      versions.push_back(k.version);
  return versions;
}

json version_info(const version_options& o) {
  return {{"major", "1"},
          {"minor", "32"},
          {"gitVersion", o.git_version},
          {"gitCommit", o.git_commit.empty() ? "unknown" : o.git_commit},
          {"gitTreeState", "clean"},
          {"buildDate", o.build_date.empty() ? "unknown" : o.build_date},
          {"goVersion", "none"},
          {"compiler", "gcc"},
          {"platform", platform}};
}

std::string aggregated_content_type(discovery_version v) {
  return std::string("application/json;g=apidiscovery.k8s.io;v=") +
         (v == discovery_version::v2 ? "v2" : "v2beta1") + ";as=APIGroupDiscoveryList";
}

json aggregated_discovery(bool core, discovery_version v) {
  json items = json::array();
  if (core) {
    items.push_back(aggregated_group("", v));
  } else {
    for (const auto& g : served_groups())
      items.push_back(aggregated_group(g, v));
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", v == discovery_version::v2 ? "apidiscovery.k8s.io/v2"
                                                    : "apidiscovery.k8s.io/v2beta1"},
          {"metadata", json::object()},
          {"items", std::move(items)}};
}

json api_versions(std::string_view server_address) {
  return {{"kind", "APIVersions"},
          {"versions", served_versions("")},
          {"serverAddressByClientCIDRs",
           json::array({{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", std::string(server_address)}}})}};
}

json api_group_list() {
  json groups = json::array();
  for (const auto& g : served_groups())
    groups.push_back(api_group_json(g));
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", std::move(groups)}};
}

std::optional<json> api_group(std::string_view group) {
  auto groups = served_groups();
  if (std::find(groups.begin(), groups.end(), group) == groups.end())
    return std::nullopt;
  json g = api_group_json(std::string(group));
  g["kind"] = "APIGroup";
  g["apiVersion"] = "v1";
  return g;
}

std::optional<json> api_resource_list(std::string_view group, std::string_view version) {
  auto kinds = resources_of(group, version);
  if (kinds.empty())
    return std::nullopt;
  json resources = json::array();
  for (const auto* k : kinds) {
    resources.push_back(legacy_resource(*k));
    for (const auto& s : sorted_subresources(*k))
      resources.push_back(legacy_subresource(*k, s));
  }
  std::string gv = group.empty() ? std::string(version) : std::string(group) + "/" + std::string(version);
  return json{{"kind", "APIResourceList"},
              {"apiVersion", "v1"},
              {"groupVersion", gv},
              {"resources", std::move(resources)}};
}

} // namespace troupe::api
