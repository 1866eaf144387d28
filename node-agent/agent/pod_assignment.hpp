#pragma once
// Which pod actors the node actor starts, updates and stops when its session sends pods
// (node_protocol.hpp pods_atom), and which sandboxes in the runtime are orphans. CAF-free.
//
// A full set is exactly the pods bound to the node now: new uids get a pod actor, known uids get
// the latest object, and every uid with an actor that is not in the set is killed (unbound or
// gone). An incremental set only adds or changes pods; removed_uids are killed.
// Orphans are sandboxes labelled with this node's name whose pod uid is neither bound here (the
// last full set plus later additions) nor driven by a pod actor: the pods of a previous agent run
// that were deleted while the agent was away. The node actor stops and removes them.

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "node-agent/runtime/runtime_types.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::node_agent {

struct pod_set_plan {
  std::vector<std::shared_ptr<const troupe::core::v1::Pod>> spawn;   // new uids
  std::vector<std::shared_ptr<const troupe::core::v1::Pod>> update;  // uids with an actor
  std::vector<std::string> kill;                                     // sorted, unique
};

/// `actor_uids`: uids that have a pod actor now.
pod_set_plan plan_pod_set(const std::set<std::string>& actor_uids,
                          const std::vector<std::shared_ptr<const troupe::core::v1::Pod>>& pods,
                          const std::vector<std::string>& removed_uids, bool full);

/// Sandbox ids to stop and remove: labelled with `node_name` (and managed by troupe-node), pod uid
/// not in `bound_uids` and not in `actor_uids`. Sandboxes without a uid label are left alone.
std::vector<std::string> orphan_sandboxes(const std::vector<runtime::sandbox_info>& sandboxes,
                                          const std::string& node_name,
                                          const std::set<std::string>& bound_uids,
                                          const std::set<std::string>& actor_uids);

} // namespace troupe::node_agent
