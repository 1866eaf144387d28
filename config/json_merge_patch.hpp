#pragma once
// RFC 7386 JSON merge patch (Content-Type application/merge-patch+json), as sent by
// `kubectl label` ({"metadata":{"labels":{"k":"v"}}}, {} when unchanged, null to remove a label)
// and `kubectl scale` on /scale ({"spec":{"replicas":2}}).

#include "config/patch_result.hpp"

#include <nlohmann/json.hpp>

namespace troupe::config {

/// Objects merge key by key, null removes a key, anything else (arrays included) replaces the
/// target. A patch that is not an object replaces the whole document. Never fails.
patch_result apply_merge_patch(const nlohmann::json& doc, const nlohmann::json& patch);

} // namespace troupe::config
