#pragma once
// Store keys: /<group>/<resource>/<namespace>/<name> for namespaced kinds and
// /<group>/<resource>/<name> for cluster-scoped ones; the core group is written "core":
//   /core/pods/demo/web-0   /apps/deployments/demo/web   /core/nodes/node1
// Names and namespaces are DNS labels/subdomains, so "/" cannot occur inside a segment and key
// order within a prefix is name order.

#include <optional>
#include <string>
#include <string_view>

#include "config/kinds.hpp"

namespace troupe::store {

/// "core" for the core group, else the group.
std::string group_segment(const config::kind_info& kind);

/// The key of one object. `ns` is ignored for cluster-scoped kinds.
std::string key_for(const config::kind_info& kind, std::string_view ns, std::string_view name);

/// Every object of the kind ("/core/pods/") or of one namespace ("/core/pods/demo/").
std::string prefix_for(const config::kind_info& kind, std::string_view ns = {});

/// The first key after every key that starts with `prefix` ("/core/pods/" -> "/core/pods0").
std::string prefix_end(std::string_view prefix);

/// The storage kind a key belongs to, from its group and resource segments; nullptr if none.
const config::kind_info* kind_for_key(std::string_view key);

} // namespace troupe::store
