#pragma once
// One probe of one container, as the kubelet's prober worker runs it (pkg/kubelet/prober/worker.go):
// when to probe next, and when a result flips what the agent does. Pure: it never probes; the pod
// actor runs the probe (exec/httpGet/tcpSocket with `timeout()`) and reports the result here.
//
// Contract:
// - A new container (container_started) resets the tracker: no run of results, published result
//   back to the kind's initial one (readiness: failure, liveness: success, startup: unknown).
// - next_probe_at: none while there is no running container, while on hold (after a liveness or
//   startup failure, until the next container), for liveness/readiness until the startup probe
//   passed (`startup_passed`), and for startup after it passed. Otherwise the first probe is at
//   startedAt + initialDelaySeconds, each later one periodSeconds after the previous probe.
// - record: `successThreshold` successes / `failureThreshold` failures in a row publish the result
//   (kubelet: success threshold must be 1 for liveness and startup; not enforced here).
//   Unknown (the probe could not run) is thrown away. The returned action says what to do:
//   readiness -> set_ready / set_unready; startup -> mark_started / restart; liveness -> restart.
// - container_stopped: the result becomes failure at once (a stopped container is not ready).
// Defaults (SetDefaults_Probe): initialDelay 0, timeout 1 s, period 10 s, thresholds 1 and 3.

#include <chrono>
#include <optional>

#include "proto/core_v1.pb.h"

namespace troupe::node_agent::pod {

enum class probe_kind { liveness, readiness, startup };
enum class probe_result { success, failure, unknown };

struct probe_settings {
  std::chrono::seconds initial_delay{0};
  std::chrono::seconds timeout{1};
  std::chrono::seconds period{10};
  int success_threshold = 1;
  int failure_threshold = 3;

  /// From the API object, with Kubernetes' defaults for unset (or non-positive) fields.
  static probe_settings from(const troupe::core::v1::Probe& p);
};

class probe_tracker {
public:
  using time_point = std::chrono::system_clock::time_point;

  enum class action { none, set_ready, set_unready, mark_started, restart };

  probe_tracker(probe_kind kind, probe_settings settings);

  /// A new container of this name runs since `started_at`.
  void container_started(time_point started_at);
  /// The container is no longer running.
  void container_stopped();

  /// When to run the probe next; none when it must not run (see contract).
  std::optional<time_point> next_probe_at(bool startup_passed) const;

  /// The result of a probe that started at `probed_at`.
  action record(probe_result r, time_point probed_at);

  /// The published result (initial value until a threshold is reached).
  probe_result result() const { return published_; }
  std::chrono::seconds timeout() const { return settings_.timeout; }
  probe_kind kind() const { return kind_; }

private:
  probe_result initial() const;

  probe_kind kind_;
  probe_settings settings_;
  bool running_ = false;
  bool on_hold_ = false;
  time_point started_at_{};
  std::optional<time_point> last_probe_;
  probe_result last_result_ = probe_result::unknown;
  int run_ = 0;
  probe_result published_;
};

} // namespace troupe::node_agent::pod
