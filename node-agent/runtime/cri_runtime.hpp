#pragma once
// container_runtime over CRI runtime.v1 (gRPC++ to containerd's unix socket).
// Each call is a synchronous gRPC call with a deadline, run on the runtime's own call_pool; the
// callback runs on that pool's thread. Connecting does not wait for the socket: a runtime that is
// not there makes each call fail with `unavailable` (or deadline_exceeded) at its deadline.
// ExecSync and StopContainer send their own timeout (whole seconds, rounded up) to the runtime and
// use it plus `operation_margin` as the gRPC deadline, so containerd's answer arrives first.
// A call holds one pool thread until it is answered: an ExecSync or StopContainer holds it up to
// its timeout, so size `threads` for the probes and stops that may run at the same time (calls
// beyond that wait in FIFO order; their deadlines count from the call, queueing included).

#include <memory>
#include <string>

#include "node-agent/runtime/call_pool.hpp"
#include "node-agent/runtime/container_runtime.hpp"

namespace troupe::node_agent::runtime {

struct cri_runtime_options {
  /// "unix:///abs/path/containerd.sock" or an absolute path ("/abs/path" gets "unix://").
  std::string endpoint;
  /// Blocking gRPC calls run on this many threads. Long calls (a stop waiting out a grace period,
  /// a pull, an exec probe) hold one each, so there are enough that quick ones (listings, status,
  /// the node's runtime conditions) do not queue behind them: with 4, deleting 50 pods took minutes
  /// and the node's Ready condition flapped (benchmarks/pod_start). Idle threads cost little.
  std::size_t threads = 16;
  timeout operation_margin = std::chrono::seconds(10);
};

class cri_runtime final : public container_runtime {
public:
  explicit cri_runtime(cri_runtime_options opts);
  ~cri_runtime() override;

  /// The gRPC target the endpoint resolved to; "" when it is not usable (relative path).
  const std::string& target() const { return target_; }

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
  struct stubs;
  template <class T, class Call>
  void submit(timeout t, callback<T> cb, Call call);
  template <class Call>
  void submit_status(timeout t, status_callback cb, Call call);

  cri_runtime_options opts_;
  std::string target_;
  std::unique_ptr<stubs> stubs_;
  call_pool pool_;  // last: joined first, while the stubs still exist
};

/// The gRPC target for an endpoint: "unix:///abs" stays, "/abs" becomes "unix:///abs",
/// anything else (relative paths, "unix://relative") is "" (gRPC cannot use it).
std::string cri_target(const std::string& endpoint);

/// CRI's timeout fields are whole seconds: rounds up (1500 ms -> 2), 0 stays 0.
int64_t whole_seconds_up(timeout t);

} // namespace troupe::node_agent::runtime
