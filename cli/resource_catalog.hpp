#pragma once
// The resource types a server offers, as discovery describes them, and kubectl's way of turning
// what a user types into one of them:
//   "pods", "pod", "po", "Pod"                    -> core v1 pods
//   "deployments.apps", "deploy.apps", "deployment.v1.apps" -> apps/v1 deployments
//   "hpa"                                         -> autoscaling's preferred version (v2)
// The first match in discovery order wins, so a group's preferred version is chosen.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace troupe::cli {

struct resource_info {
  std::string group, version, kind, resource, singular;
  bool namespaced = false;
  std::vector<std::string> short_names, categories, verbs, subresources;

  std::string api_version() const { return group.empty() ? version : group + "/" + version; }
  /// "deployments.apps", "pods": how Status messages and `delete` name the resource.
  std::string qualified() const { return group.empty() ? resource : resource + "." + group; }
  /// "deployment.apps", "pod": the prefix of `kind/name` in kubectl's output.
  std::string kind_prefix() const;
  bool has_subresource(std::string_view s) const;
};

/// Every resource of an APIGroupDiscoveryList (aggregated discovery v2/v2beta1), in order.
std::vector<resource_info> parse_aggregated_discovery(const nlohmann::json& list);

/// The same from the registry compiled into this binary (config/kinds.hpp), for offline use.
std::vector<resource_info> registry_resources();

struct resolve_result {
  const resource_info* value = nullptr;
  std::string error; // kubectl's: the server doesn't have a resource type "x"
};

resolve_result resolve_resource(const std::vector<resource_info>& all, std::string_view arg);

/// The resource for a manifest's apiVersion and kind; nullptr if the server does not serve it.
const resource_info* find_by_kind(const std::vector<resource_info>& all, std::string_view api_version,
                                  std::string_view kind);

/// REST path: /api/v1/namespaces/<ns>/pods/<name>/<sub>; `ns` is ignored for cluster-scoped
/// resources and left out when empty (a list across namespaces).
std::string resource_path(const resource_info& r, const std::string& ns, const std::string& name = {},
                          const std::string& subresource = {});

std::string to_lower(std::string_view s);

} // namespace troupe::cli
