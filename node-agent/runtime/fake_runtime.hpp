#pragma once
// container_runtime in memory, for unit tests of the pod logic and for hollow nodes. It behaves
// like containerd 1.6's CRI plugin where the agent can tell (codes, reasons, messages, name
// reservation, idempotent stop/remove, ImageStatus of a missing image = no value) and lets tests
// inject faults:
//   - pulls: images the "registry" has (add_registry_image, or any with options.any_image_pullable)
//     succeed; others fail not_found; fail_pull() makes one image's pulls fail with a given status
//   - containers: set_behavior(name, ...) makes containers of that name exit with code N after T,
//     be OOM-killed, fail to start, or ignore SIGTERM (stop then takes the whole grace period)
//   - slow calls: set_delay(method, d) answers that method d later; a delay past the call's
//     timeout answers deadline_exceeded at the timeout (the operation itself still happened)
//   - exec: set_exec_handler() decides ExecSync's outcome; hang_exec(name) never answers, so the
//     caller sees deadline_exceeded at the exec timeout
// Time is a manual clock (CONVENTIONS 2): nothing happens between calls until advance() moves it.
// Callbacks without a delay run inside the call, after the fake's lock is released (so they may
// call the fake again); delayed ones run inside advance(). Thread-safe.
// Timestamps are nanoseconds since the epoch, starting at options.start_time_ns.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "node-agent/runtime/container_runtime.hpp"

namespace troupe::node_agent::runtime {

struct fake_runtime_options {
  std::string runtime_name = "fake";
  std::string runtime_version = "0.1.0";
  bool any_image_pullable = false;
  std::string pod_ip_prefix = "10.88.0.";  // sandboxes get .2, .3, ...
  std::string log_root = "/var/log/pods";
  int64_t start_time_ns = 1700000000000000000;  // 2023-11-14T22:13:20Z
};

/// What a container of a given name does once started.
struct fake_container_behavior {
  std::optional<timeout> exit_after;  // none: runs until stopped
  int32_t exit_code = 0;
  bool oom_killed = false;            // exits 137, reason "OOMKilled"
  std::optional<std::string> start_error;  // StartContainer fails; exited 128 "StartError"
  bool ignores_sigterm = false;       // StopContainer waits the grace period, then exit 137
  double cpu_cores = 0;               // for stats: cores used while running
  uint64_t memory_bytes = 0;
};

class fake_runtime final : public container_runtime {
public:
  using exec_handler = std::function<result<exec_result>(
      const container_info& c, const std::vector<std::string>& cmd)>;

  explicit fake_runtime(fake_runtime_options opts = {});
  ~fake_runtime() override;

  // -- fault injection and setup --
  void add_registry_image(const std::string& ref);
  void add_local_image(const std::string& ref);
  void fail_pull(const std::string& ref, status s);
  void clear_pull_failure(const std::string& ref);
  void set_behavior(const std::string& container_name, fake_container_behavior b);
  /// method is the CRI method name: "RunPodSandbox", "PullImage", "ExecSync", ...
  void set_delay(const std::string& method, timeout d);
  void set_exec_handler(exec_handler h);
  void hang_exec(const std::string& container_name, bool hang = true);
  /// The running container `id` exits now with `exit_code` (a crash from outside).
  void kill_container(const std::string& id, int32_t exit_code, std::string reason = "Error");
  /// Sets one of the conditions runtime_conditions() reports (both start true), e.g.
  /// {"NetworkReady", false, "NetworkPluginNotReady", "cni config uninitialized"}.
  void set_condition(runtime_condition c);

  // -- clock --
  int64_t now_ns() const;
  /// Moves time forward by d and answers the delayed calls that came due, in time order.
  void advance(timeout d);

  // -- observation --
  /// Every call so far, e.g. "RunPodSandbox default/web", "CreateContainer web/app#0",
  /// "StartContainer web/app#0", "ExecSync web/app [cat /tmp/ready]", "PullImage busybox:1.30".
  std::vector<std::string> calls() const;
  void clear_calls();
  std::size_t pending_callbacks() const;

  // -- container_runtime --
  void version(timeout t, callback<version_info> cb) override;
  void runtime_conditions(timeout t, callback<std::vector<runtime_condition>> cb) override;
  void run_pod_sandbox(const sandbox_config& cfg, timeout t, callback<std::string> cb) override;
  void stop_pod_sandbox(const std::string& id, timeout t, status_callback cb) override;
  void remove_pod_sandbox(const std::string& id, timeout t, status_callback cb) override;
  void pod_sandbox_status(const std::string& id, timeout t, callback<sandbox_info> cb) override;
  void list_pod_sandbox(const sandbox_filter& f, timeout t,
                        callback<std::vector<sandbox_info>> cb) override;
  void create_container(const std::string& sandbox_id, const container_config& cfg,
                        const sandbox_config& sandbox, timeout t,
                        callback<std::string> cb) override;
  void start_container(const std::string& id, timeout t, status_callback cb) override;
  void stop_container(const std::string& id, timeout grace, status_callback cb) override;
  void remove_container(const std::string& id, timeout t, status_callback cb) override;
  void list_containers(const container_filter& f, timeout t,
                       callback<std::vector<container_info>> cb) override;
  void container_status(const std::string& id, timeout t,
                        callback<runtime::container_status> cb) override;
  void update_container_resources(const std::string& id, const linux_resources& r, timeout t,
                                  status_callback cb) override;
  void reopen_container_log(const std::string& id, timeout t, status_callback cb) override;
  void exec_sync(const std::string& id, const std::vector<std::string>& cmd, timeout exec_timeout,
                 callback<exec_result> cb) override;
  void container_stats(const std::string& id, timeout t,
                       callback<runtime::container_stats> cb) override;
  void list_container_stats(const container_filter& f, timeout t,
                            callback<std::vector<runtime::container_stats>> cb) override;
  void pull_image(const std::string& image, timeout t, callback<std::string> cb) override;
  void image_status(const std::string& image, timeout t,
                    callback<std::optional<image_info>> cb) override;
  void list_images(timeout t, callback<std::vector<image_info>> cb) override;
  void remove_image(const std::string& image, timeout t, status_callback cb) override;

private:
  struct state;
  struct sandbox_rec;
  struct container_rec;

  /// Answers `answer` now or after the method's delay; deadline_exceeded at `t` when the delay
  /// (or `extra`, e.g. a stop's grace period) is longer than t. Call without holding the lock.
  template <class T>
  void reply(const std::string& method, timeout t, callback<T> cb, result<T> answer,
             timeout extra = timeout(0));
  void reply_status(const std::string& method, timeout t, status_callback cb, status answer,
                    timeout extra = timeout(0));
  void schedule(int64_t due_ns, std::function<void()> fn);

  fake_runtime_options opts_;
  std::unique_ptr<state> st_;
  mutable std::mutex mutex_;
};

} // namespace troupe::node_agent::runtime
