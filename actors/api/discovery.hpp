#pragma once
// The discovery documents kubectl reads before almost every command, generated from
// config::all_kinds() (non-resource kinds such as Status, Scale or Table never appear):
// - /version: {"major":"1","minor":"32",...}; the gcloud kubectl dispatcher runs its own 1.32
//   client only for minor 32 (kubectl-compat.md §2.1).
// - Aggregated discovery (apidiscovery.k8s.io v2, or v2beta1 for clients that only accept that)
//   for /api (the core group) and /apis (every other group), preferred version first, with
//   scope, singularResource, verbs, shortNames, categories, subresources and freshness Current.
// - Legacy discovery: APIVersions (/api), APIGroupList (/apis), APIGroup (/apis/<g>) and one
//   APIResourceList per group version, subresources as "<resource>/<sub>".
// A group's versions are in registry order, so the first is the preferred one (autoscaling: v2
// then v1; batch: v1 then v1beta1).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace troupe::api {

struct version_options {
  std::string git_version = "v1.32.0-troupe";
  std::string git_commit;   // "" prints as "unknown"
  std::string build_date;   // RFC 3339; "" prints as "unknown"
};

/// The /version body.
nlohmann::json version_info(const version_options& options = {});

enum class discovery_version { v2, v2beta1 };

/// "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList" (or v2beta1).
std::string aggregated_content_type(discovery_version v);

/// APIGroupDiscoveryList for /api (`core` true: one item, the core group) or /apis.
nlohmann::json aggregated_discovery(bool core, discovery_version v = discovery_version::v2);

/// {"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[...]} for /api.
/// `server_address` is "host:port" as clients reach the server.
nlohmann::json api_versions(std::string_view server_address);

/// APIGroupList for /apis, with preferredVersion.
nlohmann::json api_group_list();

/// APIGroup for /apis/<group>; nullopt for an unknown group.
std::optional<nlohmann::json> api_group(std::string_view group);

/// APIResourceList for /api/<v> (group "") or /apis/<g>/<v>; nullopt if not served.
std::optional<nlohmann::json> api_resource_list(std::string_view group, std::string_view version);

/// The non-core groups, in discovery order.
std::vector<std::string> served_groups();

/// The versions of `group` ("" = core), preferred first.
std::vector<std::string> served_versions(std::string_view group);

} // namespace troupe::api
