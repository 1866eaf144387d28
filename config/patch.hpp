#pragma once
// One entry point for PATCH bodies: the Content-Type picks the patch type.

#include "config/patch_result.hpp"

#include <google/protobuf/descriptor.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace troupe::config {

enum class patch_type {
  json_patch,       // application/json-patch+json (RFC 6902)
  merge_patch,      // application/merge-patch+json (RFC 7386)
  strategic_merge,  // application/strategic-merge-patch+json
  apply,            // application/apply-patch+yaml (server-side apply; the body is the manifest)
};

/// The patch type of a Content-Type header value; parameters (";charset=utf-8") and case are
/// ignored. nullopt: not a patch type (upstream answers 415 Unsupported Media Type).
std::optional<patch_type> parse_patch_type(std::string_view content_type);

std::string_view to_string(patch_type t);  // the media type

/// Applies `patch` to `doc`. `schema` is only used by the strategic types.
/// `apply` is an approximation of server-side apply: the manifest is strategic-merged onto the
/// live object. There are no managedFields and no conflicts, and fields dropped from the manifest
/// are not removed.
patch_result apply_patch(patch_type type, const nlohmann::json& doc, const nlohmann::json& patch,
                         const google::protobuf::Descriptor* schema);

} // namespace troupe::config
