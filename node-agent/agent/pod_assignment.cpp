#include "node-agent/agent/pod_assignment.hpp"

#include <algorithm>

#include "node-agent/runtime/runtime_labels.hpp"

namespace troupe::node_agent {

pod_set_plan plan_pod_set(const std::set<std::string>& actor_uids,
                          const std::vector<std::shared_ptr<const troupe::core::v1::Pod>>& pods,
                          const std::vector<std::string>& removed_uids, bool full) {
  pod_set_plan plan;
  std::set<std::string> in_set;
  std::set<std::string> kill;
  for (const auto& pod : pods) {
    if (!pod)
      continue;
    const auto& uid = pod->metadata().uid();
    if (uid.empty() || !in_set.insert(uid).second)
      continue;  // no uid, or the same uid twice: the first wins
    (actor_uids.count(uid) ? plan.update : plan.spawn).push_back(pod);
  }
  if (full)
    for (const auto& uid : actor_uids)
      if (!in_set.count(uid))
        kill.insert(uid);
  for (const auto& uid : removed_uids)
    if (actor_uids.count(uid))
      kill.insert(uid);
  plan.kill.assign(kill.begin(), kill.end());
  return plan;
}

std::vector<std::string> orphan_sandboxes(const std::vector<runtime::sandbox_info>& sandboxes,
                                          const std::string& node_name,
                                          const std::set<std::string>& bound_uids,
                                          const std::set<std::string>& actor_uids) {
  std::vector<std::string> out;
  for (const auto& s : sandboxes) {
    auto label = [&](const char* key) {
      auto it = s.labels.find(key);
      return it == s.labels.end() ? std::string{} : it->second;
    };
    if (label(runtime::labels::managed_by) != runtime::labels::managed_by_value ||
        label(runtime::labels::node_name) != node_name)
      continue;
    auto uid = label(runtime::labels::pod_uid);
    if (uid.empty())
      uid = s.uid;
    if (uid.empty() || bound_uids.count(uid) || actor_uids.count(uid))
      continue;
    out.push_back(s.id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace troupe::node_agent
