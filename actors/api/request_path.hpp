#pragma once
// What a request URL path addresses in the Kubernetes REST API: the discovery documents, /version,
// the health and OpenAPI endpoints, or a resource (collection, object or subresource) resolved
// through config::all_kinds(). Pure: no sockets, no store.
//
// Contract:
// - /api/v1/namespaces/<n> is the Namespace <n> itself, /api/v1/namespaces/<n>/status and
//   /finalize its subresources; /api/v1/namespaces/<n>/<res>... is a namespaced resource.
// - A namespaced resource addressed without a namespace is the list across namespaces (only list,
//   watch and deletecollection make sense there); with a name it is not found.
// - A cluster-scoped resource addressed inside a namespace is not found.
// - The deprecated /api/v1/watch/... and /apis/<g>/<v>/watch/... forms set `legacy_watch`.
// - Segments are percent-decoded; one trailing slash is ignored. The query string must already be
//   split off by the caller.
// - Anything not found gets target_type::not_found with a reason for logs; the answer to the client
//   is always status_errors' not_found_path() ("the server could not find the requested resource").

#include <optional>
#include <string>
#include <string_view>

#include "config/kinds.hpp"

namespace troupe::api {

enum class target_type {
  not_found,
  core_root,        // /api
  groups_root,      // /apis
  core_version,     // /api/v1 (APIResourceList)
  group,            // /apis/<g> (APIGroup)
  group_version,    // /apis/<g>/<v> (APIResourceList)
  version,          // /version
  health,           // /healthz, /livez, /readyz (and their /<check> children)
  metrics,          // /metrics
  openapi_v2,       // /openapi/v2
  openapi_v3_index, // /openapi/v3
  openapi_v3_doc,   // /openapi/v3/api/v1, /openapi/v3/apis/<g>/<v>
  resource,         // a collection, an object, or an object's subresource
};

struct request_target {
  target_type type = target_type::not_found;
  std::string group;    // group, group_version, openapi_v3_doc, resource
  std::string version;  // core_version, group_version, openapi_v3_doc, resource
  std::string openapi_path;  // openapi_v3_doc: "api/v1", "apis/apps/v1"
  const config::kind_info* kind = nullptr;  // resource
  std::string ns;           // "" for cluster-scoped kinds and for lists across namespaces
  std::string name;         // "" for a collection
  std::string subresource;  // "status", "scale", "log", ...
  bool legacy_watch = false;
  std::string reason;  // not_found: why (for logs and tests)

  bool is_resource() const { return type == target_type::resource; }
  bool is_collection() const { return is_resource() && name.empty(); }
  /// A namespaced kind addressed without a namespace (a list or watch across namespaces).
  bool all_namespaces() const { return is_resource() && kind->namespaced && ns.empty(); }
};

/// Resolves `path` (no query string).
request_target parse_request_path(std::string_view path);

/// Kubernetes' request verbs, as RBAC and discovery name them.
enum class verb { get, list, watch, create, update, patch, delete_, deletecollection };

/// "get", "list", ... "deletecollection".
const char* to_string(verb v);

/// The verb of `method` ("GET", "POST", ...) on a resource target. GET of a collection is list,
/// or watch when `watch` is set (also set by legacy_watch); GET of a named object with watch is a
/// watch of that one object. Empty when the method means nothing on that target (e.g. POST to an
/// object, PUT to a collection): upstream answers 405.
std::optional<verb> request_verb(std::string_view method, const request_target& t, bool watch);

/// Whether `v` is served on `t` (discovery's verb lists, plus the collection/object shape):
/// create/list/watch/deletecollection on collections, get/update/patch/delete on objects, only
/// list/watch across namespaces, the subresources' own verbs. false means 405.
bool verb_allowed(const request_target& t, verb v);

} // namespace troupe::api
