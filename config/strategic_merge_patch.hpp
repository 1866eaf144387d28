#pragma once
// Kubernetes strategic merge patch (Content-Type application/strategic-merge-patch+json), as sent
// by `kubectl set image`, `set resources`, `edit` and client-side `apply`:
//   {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],
//                                "containers":[{"image":"nginx:1.17.8","name":"nginx"}]}}}}
//
// Semantics follow apimachinery's strategicpatch (applying side, server options):
//  - objects merge recursively; null deletes a key; scalars and lists without a strategy replace;
//  - lists with patch_strategy "merge" and a merge_key merge element by element (matched elements
//    merge recursively, new ones are added); primitive lists with "merge" are unioned;
//  - directives: {"$patch":"replace"} / {"$patch":"delete"} on an object or as a list element
//    (delete by merge key), "$retainKeys", "$deleteFromPrimitiveList/<list>",
//    "$setElementOrder/<list>";
//  - element order: without $setElementOrder, patch elements keep the patch's order and are
//    interleaved with server-only elements by their live positions, so elements new to the list
//    come before the server-only elements that follow their neighbours (upstream puts an element
//    added by a bare patch first); with $setElementOrder, the listed elements take that order and
//    server-only elements keep their live neighbours.
// Deliberate differences from upstream: keys unknown to the schema merge as plain JSON (upstream
// rejects them; strict validation happens when the result is decoded); {"$patch":"merge"} on an
// object is accepted as the default; {"$patch":"replace"} on a key the object does not have yet
// sets it (upstream drops it); directives inside newly added values are processed or stripped,
// never copied into the result.

#include "config/patch_result.hpp"

#include <google/protobuf/descriptor.h>
#include <nlohmann/json.hpp>

namespace troupe::config {

/// Applies `patch` to `doc`. `schema` is the message type of the object (for example
/// troupe::apps::v1::Deployment::descriptor()); nullptr merges everything as plain JSON.
/// Errors: a patch that is not an object, an unknown $patch value, a malformed directive, a
/// merging-list element without its merge key, mixed element types in a merged list.
patch_result apply_strategic_merge_patch(const nlohmann::json& doc, const nlohmann::json& patch,
                                         const google::protobuf::Descriptor* schema);

} // namespace troupe::config
