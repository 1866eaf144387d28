#pragma once
// Probes and lifecycle hooks as the kubelet runs them (CAF-free; CONVENTIONS 3): one call = one
// probe attempt or one hook run, answered once through a callback on a prober thread (or at once),
// never blocking the caller. The pod actor's callback only sends itself a message.
//
// Contract:
// - exec: ExecSync in the container with the probe's timeoutSeconds; exit 0 passes; a non-zero
//   exit fails with the command's output as the message (the kubelet's event text is the output);
//   a timeout fails with "command timed out" wording as the kubelet's.
// - tcpSocket: connect to host:port within the timeout (host = the probe's host, else the pod IP);
//   failure message like the kubelet's: "dial tcp 10.88.1.5:8080: connect: connection refused",
//   "dial tcp 10.88.1.5:8080: i/o timeout".
// - httpGet: GET scheme://host:port/path with the probe's httpHeaders, timeout, User-Agent
//   "kube-probe/1.32", no redirects followed beyond the kubelet's rules (a redirect to another host
//   passes with a warning, as the kubelet does); 200-399 passes; otherwise "HTTP probe failed
//   with statuscode: 404"; connection errors as for tcpSocket but with Get "url": prefix as the
//   kubelet words them.
// - grpc: grpc.health.v1.Health/Check at the pod IP (grpc_probe.hpp for the wording).
// - Named ports (port: "http") resolve against the container's ports; an unknown name fails with
//   the kubelet's message.
// - Hooks: exec and httpGet as above (a hook has no timeout of its own: the caller passes one),
//   User-Agent "kube-lifecycle/1.32"; as the kubelet's handlerRunner, an httpGet hook fails only
//   when no HTTP answer comes (any status code passes), and failure messages are the kubelet's
//   FailedPostStartHook/FailedPreStopHook texts ("Exec lifecycle hook ([cmd]) for Container \"c\"
//   in Pod \"pod\" failed - error: ..., message: ..."); sleep hooks wait on the prober's timer
//   thread (never a pool thread: a long preStop sleep does not hold up probes); tcpSocket hooks
//   are rejected with the message the kubelet uses, without trying.
// - Destruction: waits for the prober's threads; every call not yet answered is answered then,
//   once, with a failure ("probe cancelled: the prober is stopping"); a runtime answer arriving
//   later is dropped.

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "node-agent/runtime/container_runtime.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::node_agent::probe {

struct probe_outcome {
  enum class result { success, failure, warning };  // warning counts as success (kubelet)
  result what = result::failure;
  std::string message;  // the event text on failure (and on warning)
  bool passed() const { return what != result::failure; }
};

using probe_callback = std::function<void(probe_outcome)>;

/// Where a probe or hook is aimed: the pod's IP and the container it belongs to.
struct probe_target {
  std::string pod_ip;
  std::string container_id;               // for exec
  troupe::core::v1::Container container;  // for named ports (a copy: the call may outlive the caller's)
  std::string pod;  // format.Pod, "name_namespace(uid)": hook failure messages name the pod
};

class prober {
public:
  /// `runtime` for exec; `threads` for tcp/http work (blocking sockets with deadlines).
  prober(std::shared_ptr<runtime::container_runtime> runtime, int threads = 2);
  ~prober();
  prober(const prober&) = delete;
  prober& operator=(const prober&) = delete;

  /// One attempt of `p` (exec, tcpSocket, httpGet or grpc) with p.timeoutSeconds (default 1),
  /// counted from when the attempt starts (a probe waiting for a free thread does not time out).
  /// Hooks instead count `limit` from the call: it is the caller's remaining grace period.
  void run_probe(const troupe::core::v1::Probe& p, const probe_target& target, probe_callback cb);

  /// Runs a lifecycle handler (postStart / preStop) within `limit`.
  void run_hook(const troupe::core::v1::LifecycleHandler& h, const probe_target& target,
                std::chrono::milliseconds limit, probe_callback cb);

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace troupe::node_agent::probe
