#pragma once
// What each resource and subresource of config::all_kinds() supports, as discovery publishes it
// and as the router enforces it: the verbs, and the kind a subresource answers with (Scale for
// /scale, Binding for pods/binding, ...). One place so discovery and routing cannot disagree.

#include <string>
#include <string_view>
#include <vector>

#include "config/kinds.hpp"

namespace troupe::api {

/// The verbs of a resource, sorted: most kinds have all eight (create, delete, deletecollection,
/// get, list, patch, update, watch); namespaces have no deletecollection, bindings only create,
/// metrics.k8s.io only get and list.
const std::vector<std::string>& resource_verbs(const config::kind_info& k);

/// The verbs of a subresource: status and scale get/patch/update, log get, binding and eviction
/// create, exec create/get, finalize update, proxy create/delete/get/patch/update.
const std::vector<std::string>& subresource_verbs(std::string_view subresource);

struct group_version_kind {
  std::string group;
  std::string version;
  std::string kind;
};

/// The kind a subresource of `k` answers with: `k` itself for status, finalize and log,
/// autoscaling/v1 Scale for scale, v1 Binding, policy/v1 Eviction, v1 PodExecOptions,
/// v1 <Kind>ProxyOptions.
group_version_kind subresource_kind(const config::kind_info& k, std::string_view subresource);

/// Whether `k` is a REST resource (has a plural name), i.e. not Status, Table, Scale, ...
inline bool is_rest_resource(const config::kind_info& k) { return !k.resource.empty(); }

} // namespace troupe::api
