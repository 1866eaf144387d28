#pragma once
// RFC 6902 JSON patch (Content-Type application/json-patch+json), as sent by `kubectl rollout undo`:
//   [{"op":"replace","path":"/spec/template","value":{...}},
//    {"op":"replace","path":"/metadata/annotations","value":{...}}]
// Operations apply in order to a copy; the first failure discards the copy and names the
// operation's index, op and path, worded like upstream's json-patch library:
//   jsonpatch replace operation does not apply: doc is missing key: /metadata/annotations (patch[1])

#include "config/patch_result.hpp"

#include <nlohmann/json.hpp>

namespace troupe::config {

/// Errors: the patch is not an array of objects, an op is missing/unknown, a path or a required
/// member ("value", "from") is missing or malformed (patch_error::kind::malformed); a path that
/// must exist does not (replace, remove, test, move/copy "from"), an add's parent is missing or
/// is not a container, an array index is out of range, or a test's value differs
/// (patch_error::kind::does_not_apply).
patch_result apply_json_patch(const nlohmann::json& doc, const nlohmann::json& patch);

} // namespace troupe::config
