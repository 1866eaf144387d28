#pragma once
// kubectl's client-side rollout logic for Deployments (no controller needed to test it):
// - history: the ReplicaSets *controlled by* the deployment (ownerReferences controller=true with
//   its uid), keyed by deployment.kubernetes.io/revision, with kubernetes.io/change-cause;
// - status: the message kubectl prints from status fields and observedGeneration;
// - undo: which ReplicaSet to roll back to (--to-revision, or 0 = the previous revision) and the
//   JSON patch kubectl sends (replace /spec/template without pod-template-hash, and
//   /metadata/annotations from the ReplicaSet minus the deployment-controller bookkeeping).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace troupe::cli {

/// Revision -> ReplicaSet, for the RSs in `rs_items` controlled by `deployment`.
std::map<int64_t, nlohmann::json> deployment_history(const nlohmann::json& deployment,
                                                     const nlohmann::json& rs_items);

/// "REVISION  CHANGE-CAUSE\n1         <none>\n..." or "No rollout history found."
std::string format_history(const std::map<int64_t, nlohmann::json>& history);

struct rollout_state {
  std::string message; // "Waiting for deployment \"web\" rollout to finish: ...\n"
  bool done = false;
  std::string error;   // progress deadline exceeded
};

rollout_state deployment_rollout_state(const nlohmann::json& deployment);

struct undo_plan {
  nlohmann::json patch;    // JSON patch (application/json-patch+json)
  std::string skipped;     // "skipped rollback (current template already matches revision 2)"
  std::string error;       // "unable to find specified revision 5 in history"
};

undo_plan plan_undo(const nlohmann::json& deployment, const std::map<int64_t, nlohmann::json>& history,
                    int64_t to_revision);

} // namespace troupe::cli
