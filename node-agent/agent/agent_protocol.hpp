#pragma once
// The node agent's local protocol (CONVENTIONS 11): what the node actor and its pod actors
// exchange inside one troupe-node process. Local only: the messages carry shared immutable
// protobuf objects and a runtime pointer, so they are CAF "unsafe" types, never serialized. The
// wire to the server is actors/protocol/node_protocol.hpp.
//
// Roles:
// - node actor (node_actor.hpp): one per node; joins, registers, receives the pods bound to the
//   node, spawns one pod actor per pod uid, forwards each pod's reports to its session (batched),
//   stops orphans, serves logs.
// - pod actor (pod_actor.hpp): one per pod uid; drives the runtime with pod_sync_plan, runs hooks
//   and probes, computes the status (pod_status), and reports to its parent. It finds its own
//   sandbox and containers in the runtime by the pod-uid label on start, so a restarted agent
//   adopts running pods without restarting them (same container ids, same restart counts).

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "node-agent/runtime/container_runtime.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::node_agent::probe {
class prober;
} // namespace troupe::node_agent::probe

namespace troupe::node_agent::metrics {
class node_metrics;
} // namespace troupe::node_agent::metrics

namespace troupe::node_agent {

using pod_ptr = std::shared_ptr<const troupe::core::v1::Pod>;

// --- atoms (at most 10 characters)
using pod_atom = caf::atom_constant<caf::atom("pod")>;
using kill_atom = caf::atom_constant<caf::atom("kill")>;
using sync_atom = caf::atom_constant<caf::atom("sync")>;

/// What a pod actor tells its parent. Sent whenever the computed status changes or events
/// happen (the parent coalesces per uid; only the latest status matters).
struct pod_report {
  std::string uid;
  /// The pod's identity (metadata namespace, name, uid) and its whole status; null when only
  /// events are reported.
  pod_ptr status;
  /// Events in Kubernetes' form (involvedObject = the pod, or fieldPath spec.containers{name};
  /// reason Pulling/Pulled/Created/Started/Killing/Unhealthy/BackOff/Failed/FailedPostStartHook/
  /// FailedPreStopHook/...; message; type Normal/Warning; source.component "kubelet", source.host
  /// = node name; firstTimestamp/lastTimestamp; count). The parent names them (<pod>.<hex>) and
  /// sends them on.
  std::vector<troupe::core::v1::Event> events;
  /// The pod was deleted and everything of it is gone from the node: the parent may delete the
  /// API object (grace 0) and forget the actor, which exits after sending this.
  bool finished = false;
};

/// Tunables, with Kubernetes' defaults; tests and hollow nodes shorten them.
struct pod_actor_settings {
  std::chrono::milliseconds backoff_initial{10'000};  // CrashLoopBackOff / ImagePullBackOff start
  std::chrono::milliseconds backoff_max{300'000};
  std::chrono::milliseconds backoff_reset{600'000};   // running this long resets the backoff
  std::chrono::milliseconds resync{10'000};           // look at the runtime at least this often
  std::chrono::milliseconds status_poll{1'000};       // container state polling while running
  std::chrono::milliseconds runtime_timeout{120'000}; // per runtime call (pulls use image_pull_timeout)
  std::chrono::milliseconds image_pull_timeout{300'000};
};

/// Everything a pod actor needs, given at spawn.
struct pod_actor_context {
  std::shared_ptr<runtime::container_runtime> runtime;  // shared by all pod actors of the node
  std::string node_name;
  std::string host_ip;
  std::string log_root = "/var/log/pods";   // <log_root>/<ns>_<name>_<uid>/<container>/<n>.log
  std::string pod_cgroup_parent;            // e.g. "/troupe/node1"; pods get <parent>/pod<uid>
  pod_actor_settings settings;
  /// Runs probes and hooks; shared by the node's pod actors. Null: the pod actor makes its own.
  std::shared_ptr<probe::prober> prober;
  /// Wall-clock time, comparable with the runtime's timestamps (CONVENTIONS 2). Empty: the
  /// system clock. Tests on a fake_runtime pass its clock.
  std::function<std::chrono::system_clock::time_point()> clock;
  /// The node's kubelet_* / prober_* metrics (node-agent/metrics/node_metrics.hpp), shared by the
  /// node's pod actors: pod start latency, sandbox and container starts, probe results, restart
  /// counts, the running gauges. Null: nothing is recorded.
  std::shared_ptr<metrics::node_metrics> metrics;
};

/// A pod actor. Spawned by the node actor with (context, pod, parent); reports pod_report to
/// `parent` (a caf::actor). The node actor sends it:
/// - (pod_atom, pod_ptr): the latest object (spec, labels, deletionTimestamp). The spec of a
///   running pod is immutable in Kubernetes except images; a deletionTimestamp starts termination
///   (preStop, grace, sandbox removal) and ends with a report with finished = true.
/// - (kill_atom): the object is gone from the store (force delete, or the pod is not bound here
///   any more): stop everything now, grace 0, then finish.
/// - (sync_atom): look at the runtime now (e.g. after an agent restart or a runtime event).
using pod_actor_type = caf::typed_actor<caf::reacts_to<pod_atom, pod_ptr>,
                                        caf::reacts_to<kill_atom>,
                                        caf::reacts_to<sync_atom>>;

} // namespace troupe::node_agent

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::node_agent::pod_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(troupe::node_agent::pod_report)
