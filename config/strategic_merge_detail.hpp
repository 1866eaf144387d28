#pragma once
// Internal to strategic_merge_patch.cpp and strategic_list_merge.cpp: the two halves of the
// recursive merge (objects and lists) call each other.

#include "config/patch_result.hpp"
#include "config/strategic_patch_schema.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace troupe::config::smp {

using json = nlohmann::json;
using status = std::optional<patch_error>;

inline constexpr std::string_view patch_directive = "$patch";
inline constexpr std::string_view retain_keys_directive = "$retainKeys";
inline constexpr std::string_view set_order_prefix = "$setElementOrder/";
inline constexpr std::string_view delete_primitive_prefix = "$deleteFromPrimitiveList/";

/// Merges an object patch into `original` (made an object if it is not one).
status merge_object(json& original, json patch, const smp_object_schema& schema);

/// Merges the list `patch` into the list `original` under the field's strategy. With
/// `delete_list`, `patch` lists primitive values to remove. `live_order` (optional) receives the
/// live list positions that $setElementOrder uses to place server-only elements.
status merge_list(json& original, json patch, const smp_field& field, std::string_view name,
                  bool delete_list, json* live_order);

/// Applies "$setElementOrder/<name>" together with the patch's <name> list; removes both from
/// `patch`.
status apply_set_element_order(json& original, json& patch, const std::string& directive_key,
                               const smp_object_schema& schema);

/// A patch value with directives removed and null object members dropped, for values that are
/// taken whole; nullopt when the value itself is a directive object.
std::optional<json> without_directives(const json& v);

/// Same JSON type, counting all numbers as one type (as Go's decoded float64 does).
bool same_kind(const json& a, const json& b);

std::string brief(const json& v);  // a short dump for messages

} // namespace troupe::config::smp
