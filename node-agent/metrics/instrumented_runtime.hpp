#pragma once
// A container_runtime decorator that records every call in node_metrics, as the kubelet's
// instrumentedRuntimeService / instrumentedImageManagerService do:
//   kubelet_runtime_operations_total{operation_type}
//   kubelet_runtime_operations_errors_total{operation_type}
//   kubelet_runtime_operations_duration_seconds{operation_type}
// The duration runs from the call to its callback (an asynchronous call's whole latency, timeouts
// included); the metrics are recorded before the caller's callback runs. operation_type is the
// kubelet's name of the CRI method: version, status, run_podsandbox, stop_podsandbox,
// remove_podsandbox, podsandbox_status, list_podsandbox, create_container, start_container,
// stop_container, remove_container, list_containers, container_status, update_container,
// reopen_container_log, exec_sync, container_stats, list_container_stats, pull_image,
// image_status, list_images, remove_image.
// An error is a non-ok status; for exec_sync also a non-zero exit code, since the kubelet's CRI
// client turns one into an error (CodeExitError) below its instrumentation. CAF-free; adds no
// threads: it is as thread-safe as the runtime it wraps.

#include <chrono>
#include <functional>
#include <memory>

#include "node-agent/metrics/node_metrics.hpp"
#include "node-agent/runtime/container_runtime.hpp"

namespace troupe::node_agent::metrics {

class instrumented_runtime final : public runtime::container_runtime {
public:
  /// A monotonic clock; empty = std::chrono::steady_clock. Tests pass a fake's clock.
  using clock = std::function<std::chrono::nanoseconds()>;

  instrumented_runtime(std::shared_ptr<runtime::container_runtime> inner,
                       std::shared_ptr<node_metrics> metrics, clock now = {});

  const std::shared_ptr<runtime::container_runtime>& inner() const { return inner_; }

  void version(runtime::timeout t, runtime::callback<runtime::version_info> cb) override;
  void runtime_conditions(runtime::timeout t,
                          runtime::callback<std::vector<runtime::runtime_condition>> cb) override;
  void run_pod_sandbox(const runtime::sandbox_config& cfg, runtime::timeout t,
                       runtime::callback<std::string> cb) override;
  void stop_pod_sandbox(const std::string& id, runtime::timeout t,
                        runtime::status_callback cb) override;
  void remove_pod_sandbox(const std::string& id, runtime::timeout t,
                          runtime::status_callback cb) override;
  void pod_sandbox_status(const std::string& id, runtime::timeout t,
                          runtime::callback<runtime::sandbox_info> cb) override;
  void list_pod_sandbox(const runtime::sandbox_filter& f, runtime::timeout t,
                        runtime::callback<std::vector<runtime::sandbox_info>> cb) override;
  void create_container(const std::string& sandbox_id, const runtime::container_config& cfg,
                        const runtime::sandbox_config& sandbox, runtime::timeout t,
                        runtime::callback<std::string> cb) override;
  void start_container(const std::string& id, runtime::timeout t,
                       runtime::status_callback cb) override;
  void stop_container(const std::string& id, runtime::timeout grace,
                      runtime::status_callback cb) override;
  void remove_container(const std::string& id, runtime::timeout t,
                        runtime::status_callback cb) override;
  void list_containers(const runtime::container_filter& f, runtime::timeout t,
                       runtime::callback<std::vector<runtime::container_info>> cb) override;
  void container_status(const std::string& id, runtime::timeout t,
                        runtime::callback<runtime::container_status> cb) override;
  void update_container_resources(const std::string& id, const runtime::linux_resources& r,
                                  runtime::timeout t, runtime::status_callback cb) override;
  void reopen_container_log(const std::string& id, runtime::timeout t,
                            runtime::status_callback cb) override;
  void exec_sync(const std::string& id, const std::vector<std::string>& cmd,
                 runtime::timeout exec_timeout,
                 runtime::callback<runtime::exec_result> cb) override;
  void container_stats(const std::string& id, runtime::timeout t,
                       runtime::callback<runtime::container_stats> cb) override;
  void list_container_stats(const runtime::container_filter& f, runtime::timeout t,
                            runtime::callback<std::vector<runtime::container_stats>> cb) override;
  void pull_image(const std::string& image, runtime::timeout t,
                  runtime::callback<std::string> cb) override;
  void image_status(const std::string& image, runtime::timeout t,
                    runtime::callback<std::optional<runtime::image_info>> cb) override;
  void list_images(runtime::timeout t,
                   runtime::callback<std::vector<runtime::image_info>> cb) override;
  void remove_image(const std::string& image, runtime::timeout t,
                    runtime::status_callback cb) override;

private:
  std::chrono::nanoseconds now() const;
  template <class T>
  runtime::callback<T> timed(const char* op, runtime::callback<T> cb);
  runtime::status_callback timed(const char* op, runtime::status_callback cb);

  std::shared_ptr<runtime::container_runtime> inner_;
  std::shared_ptr<node_metrics> metrics_;
  clock clock_;
};

} // namespace troupe::node_agent::metrics
