#pragma once
// The strategic merge patch kubectl computes on the client:
// - apply: three-way, from the last applied configuration (`original`, the
//   kubectl.kubernetes.io/last-applied-configuration annotation; null if absent), the new manifest
//   (`modified`) and the live object (`current`): every field of `modified` that differs from
//   `current` is set, every field of `original` that `modified` dropped is deleted (null, or a
//   {"<key>": v, "$patch": "delete"} element in a keyed list).
// - edit: two-way, original == current.
// Lists of objects merge element by element on their merge key (containers/env/volumes... by
// name, volumeMounts by mountPath, container ports by containerPort, service ports by port,
// conditions by type, ownerReferences by uid); other lists are replaced whole when they differ.
// Fields the server filled in (defaults, status) and `modified` does not mention are left alone,
// so re-applying an unchanged manifest gives {} ("unchanged").
// Example: original {"spec":{"replicas":1,"paused":false}}, modified {"spec":{"replicas":3}},
//          current {"spec":{"replicas":1,"paused":false,"x":1}} -> {"spec":{"paused":null,"replicas":3}}

#include <nlohmann/json.hpp>

namespace troupe::cli {

inline constexpr const char* last_applied_annotation = "kubectl.kubernetes.io/last-applied-configuration";

nlohmann::json three_way_patch(const nlohmann::json& original, const nlohmann::json& modified,
                               const nlohmann::json& current);

inline nlohmann::json two_way_patch(const nlohmann::json& original, const nlohmann::json& modified) {
  return three_way_patch(original, modified, original);
}

/// `manifest` with the last-applied annotation set to its own compact JSON (kubectl's
/// CreateApplyAnnotation: the annotation holds the manifest without that annotation, with an
/// empty "annotations":{} left in, plus a newline).
nlohmann::json with_last_applied(const nlohmann::json& manifest);

} // namespace troupe::cli
