#pragma once
// The OpenAPI answers that make kubectl 1.32 validate on the server (kubectl-compat.md §2.4):
// - /openapi/v3: an index of one document per served group version, each URL carrying a hash
//   of the document (stable across runs, changes when the document does).
// - /openapi/v3/<gv>: for every kind of that group version with a patch verb, its object path
//   ("/apis/apps/v1/namespaces/{namespace}/deployments/{name}") with a PATCH operation carrying
//   x-kubernetes-group-version-kind and a fieldValidation query parameter. Nothing more: no
//   component schemas, because partial schemas make client-side apply warn, and none make it
//   fall back to its compiled-in types, which are right for the built-in kinds.
// - /openapi/v2: 200 with an empty body of Content-Type openapi_v2_content_type (an empty
//   protobuf Document), for clients that still ask for v2 (kubectl 1.20, or a GV missing from v3).

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace troupe::api {

inline constexpr std::string_view openapi_v2_content_type =
    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/// {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=<H>"}, ...}}.
nlohmann::json openapi_v3_index();

/// The document of "api/v1" or "apis/<g>/<v>"; nullopt when that group version is not served.
std::optional<nlohmann::json> openapi_v3_document(std::string_view gv_path);

/// Upper-case hex SHA-512 of the document's compact JSON, as upstream's index hashes look.
std::string openapi_v3_hash(std::string_view gv_path);

} // namespace troupe::api
