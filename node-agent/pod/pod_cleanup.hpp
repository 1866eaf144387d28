#pragma once
// What a deleted pod leaves on the node besides its sandbox, removed as the kubelet's pod cleanup
// does (CAF-free; blocking filesystem calls, quick): its log directory
// (<log_root>/<ns>_<name>_<uid>, pod_log_directory) and its pod cgroup (<parent>/pod<uid>,
// pod_cgroup) in every cgroup hierarchy.
//
// Contract:
// - Missing directories are fine (nothing to do). Errors are values: each path that could not be
//   removed is listed with the reason; the call never throws.
// - cgroups: cgroup v1 has one hierarchy per controller directory under `cgroup_root`
//   (blkio, cpu, memory, ...; "unified" for the hybrid v2 part); cgroup v2 is `cgroup_root`
//   itself. The pod cgroup and its child cgroups are removed deepest first with rmdir (a cgroup's
//   control files cannot be unlinked; a cgroup still holding processes stays, with an error).
// - Nothing is done for an empty log_root or cgroup_parent (the runtime's default cgroup is not
//   the agent's to remove).

#include <string>
#include <vector>

#include "proto/core_v1.pb.h"

namespace troupe::node_agent::pod {

struct cleanup_result {
  std::vector<std::string> removed;  // directories removed
  std::vector<std::string> errors;   // "<path>: <reason>"
};

cleanup_result remove_pod_leftovers(const troupe::core::v1::Pod& pod, const std::string& log_root,
                                    const std::string& cgroup_parent,
                                    const std::string& cgroup_root = "/sys/fs/cgroup");

} // namespace troupe::node_agent::pod
