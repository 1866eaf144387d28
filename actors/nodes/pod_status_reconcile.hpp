#pragma once
// Whether a pod's stored status has drifted from what its node agent last reported, as a pure
// function (CAF-free; the node session applies it). Kubernetes' kubelet status manager does this
// in syncBatch: every 10 s it compares the API server's pod status with its own cache
// (needsReconcile, isPodStatusByKubeletEqual) and writes its own again when they differ. That is
// how pods marked Ready=False by the node lifecycle controller while a node was unreachable
// (MarkPodsNotReady) return to Ready=True when the node comes back without the kubelet
// restarting (a partition that heals, a paused machine): nothing on the node changed, so nothing
// else would report them again.
//
// Troupe's agent does not see the store; its session does (every change of a pod bound to the
// node reaches the session as a pods_push), so the session keeps the agent's last reported
// status per pod and asks this function on each push; a drifted pod is written again on the
// agent's next heartbeat (a heartbeat proves the agent alive: while it is silent the controller's
// view stands, as it does in Kubernetes where the kubelet is the one cut off).
//
// Equality as isPodStatusByKubeletEqual: the conditions the kubelet owns (PodScheduled,
// Initialized, ContainersReady, Ready, PodReadyToStartContainers) compared by type, status,
// reason and message (not their times); every other field of the status exactly. Conditions
// others own (DisruptionTarget, readiness gates) do not count.

#include <string>

#include "proto/core_v1.pb.h"

namespace troupe::nodes {

/// True when `stored` (the store's pod) is the pod `reported` describes (same uid), bound to
/// `node`, not being deleted (a terminating pod's last word is the agent's final report; the
/// eviction's NodeLost stays until then), and its status differs from `reported`'s as above.
bool pod_status_drifted(const core::v1::Pod& stored, const core::v1::Pod& reported,
                        const std::string& node);

/// isPodStatusByKubeletEqual: `a` and `b` equal in what the kubelet reports.
bool pod_status_equal_by_agent(const core::v1::PodStatus& a, const core::v1::PodStatus& b);

} // namespace troupe::nodes
