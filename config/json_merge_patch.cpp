#include "config/json_merge_patch.hpp"

namespace troupe::config {

// nlohmann's merge_patch is RFC 7386's MergePatch pseudo-code line for line: a non-object patch
// replaces the target, a non-object target becomes {} before merging, null erases a key.
patch_result apply_merge_patch(const nlohmann::json& doc, const nlohmann::json& patch) {
  nlohmann::json result = doc;
  result.merge_patch(patch);
  return result;
}

} // namespace troupe::config
