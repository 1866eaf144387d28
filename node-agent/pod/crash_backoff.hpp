#pragma once
// A container's restart backoff (CrashLoopBackOff), as the kubelet computes it
// (pkg/kubelet/kuberuntime doBackOff + client-go flowcontrol.Backoff, keyed per container).
//
// Contract:
// - The first exit may restart at once. Every later exit waits `delay` after the exit's finish
//   time, the delay starting at `initial` and doubling per restart up to `cap`
//   (defaults: 10 s, 20 s, 40 s, ..., 300 s).
// - The backoff resets when the container ran longer than `reset` (default 10 minutes): an exit
//   that finished more than `reset` after the last restart counts as a first exit again.
// - Time is an argument (CONVENTIONS 2): wall-clock time points as the runtime reports them
//   (a container's finishedAt).
// - One object per container (pod uid + container name); the pod actor owns them.
//
// Worked example (defaults): exits at 0 s, 1 s, 12 s, 33 s ->
//   exit 0 s: restart at 0 s (delay becomes 10 s)
//   exit 1 s: restart at 11 s (delay becomes 20 s)
//   exit 12 s: restart at 32 s (40 s); exit 33 s: restart at 73 s (80 s).
//   Running from 73 s until an exit at 73 s + 10 min + 1 s: restart at once, delay back to 10 s.

#include <chrono>
#include <optional>

namespace troupe::node_agent::pod {

class crash_backoff {
public:
  using clock = std::chrono::system_clock;
  using time_point = clock::time_point;
  using duration = std::chrono::milliseconds;

  struct config {
    duration initial = std::chrono::seconds(10);
    duration cap = std::chrono::seconds(300);
    /// Running longer than this since the last restart forgets the backoff (kubelet: 2 x cap).
    duration reset = std::chrono::minutes(10);
  };

  crash_backoff() = default;
  explicit crash_backoff(config cfg) : cfg_(cfg) {}

  /// The earliest time a container that exited at `finished_at` may start again.
  time_point next_start(time_point finished_at) const;

  /// True when a restart at `now` must wait (the container is in CrashLoopBackOff).
  bool in_backoff(time_point finished_at, time_point now) const {
    return now < next_start(finished_at);
  }

  /// Records that the container is restarted at `now` after the exit at `finished_at`; the next
  /// exit then waits longer (or starts over when this one came after a long run).
  void record_restart(time_point finished_at, time_point now);

  /// The delay the next exit would wait, if any restart was recorded.
  std::optional<duration> delay() const { return delay_; }

  const config& settings() const { return cfg_; }

private:
  bool expired(time_point finished_at) const;

  config cfg_;
  std::optional<duration> delay_;
  time_point last_restart_{};
};

} // namespace troupe::node_agent::pod
