#include "node-agent/metrics/instrumented_runtime.hpp"

#include <type_traits>

namespace troupe::node_agent::metrics {

namespace rt = runtime;

instrumented_runtime::instrumented_runtime(std::shared_ptr<rt::container_runtime> inner,
                                           std::shared_ptr<node_metrics> metrics, clock now)
    : inner_(std::move(inner)), metrics_(std::move(metrics)), clock_(std::move(now)) {}

namespace {

std::chrono::nanoseconds read(const instrumented_runtime::clock& c) {
  if (c)
    return c();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
    std::chrono::steady_clock::now().time_since_epoch());
}

} // namespace

std::chrono::nanoseconds instrumented_runtime::now() const { return read(clock_); }

template <class T>
rt::callback<T> instrumented_runtime::timed(const char* op, rt::callback<T> cb) {
  // The callback may outlive this decorator (a runtime thread answering after the agent stopped):
  // it holds the metrics and the clock, not `this`.
  return [m = metrics_, c = clock_, op, t0 = now(), cb = std::move(cb)](rt::result<T> r) {
    bool failed = !r.ok();
    if constexpr (std::is_same_v<T, rt::exec_result>)
      failed = failed || r->exit_code != 0;
    const std::chrono::duration<double> took = read(c) - t0;
    m->runtime_operation(op, took.count(), failed);
    cb(std::move(r));
  };
}

rt::status_callback instrumented_runtime::timed(const char* op, rt::status_callback cb) {
  return [m = metrics_, c = clock_, op, t0 = now(), cb = std::move(cb)](rt::status s) {
    const std::chrono::duration<double> took = read(c) - t0;
    m->runtime_operation(op, took.count(), !s.is_ok());
    cb(std::move(s));
  };
}

void instrumented_runtime::version(rt::timeout t, rt::callback<rt::version_info> cb) {
  inner_->version(t, timed("version", std::move(cb)));
}

void instrumented_runtime::runtime_conditions(
  rt::timeout t, rt::callback<std::vector<rt::runtime_condition>> cb) {
  inner_->runtime_conditions(t, timed("status", std::move(cb)));
}

void instrumented_runtime::run_pod_sandbox(const rt::sandbox_config& cfg, rt::timeout t,
                                           rt::callback<std::string> cb) {
  inner_->run_pod_sandbox(cfg, t, timed("run_podsandbox", std::move(cb)));
}

void instrumented_runtime::stop_pod_sandbox(const std::string& id, rt::timeout t,
                                            rt::status_callback cb) {
  inner_->stop_pod_sandbox(id, t, timed("stop_podsandbox", std::move(cb)));
}

void instrumented_runtime::remove_pod_sandbox(const std::string& id, rt::timeout t,
                                              rt::status_callback cb) {
  inner_->remove_pod_sandbox(id, t, timed("remove_podsandbox", std::move(cb)));
}

void instrumented_runtime::pod_sandbox_status(const std::string& id, rt::timeout t,
                                              rt::callback<rt::sandbox_info> cb) {
  inner_->pod_sandbox_status(id, t, timed("podsandbox_status", std::move(cb)));
}

void instrumented_runtime::list_pod_sandbox(const rt::sandbox_filter& f, rt::timeout t,
                                            rt::callback<std::vector<rt::sandbox_info>> cb) {
  inner_->list_pod_sandbox(f, t, timed("list_podsandbox", std::move(cb)));
}

void instrumented_runtime::create_container(const std::string& sandbox_id,
                                            const rt::container_config& cfg,
                                            const rt::sandbox_config& sandbox, rt::timeout t,
                                            rt::callback<std::string> cb) {
  inner_->create_container(sandbox_id, cfg, sandbox, t, timed("create_container", std::move(cb)));
}

void instrumented_runtime::start_container(const std::string& id, rt::timeout t,
                                           rt::status_callback cb) {
  inner_->start_container(id, t, timed("start_container", std::move(cb)));
}

void instrumented_runtime::stop_container(const std::string& id, rt::timeout grace,
                                          rt::status_callback cb) {
  inner_->stop_container(id, grace, timed("stop_container", std::move(cb)));
}

void instrumented_runtime::remove_container(const std::string& id, rt::timeout t,
                                            rt::status_callback cb) {
  inner_->remove_container(id, t, timed("remove_container", std::move(cb)));
}

void instrumented_runtime::list_containers(const rt::container_filter& f, rt::timeout t,
                                           rt::callback<std::vector<rt::container_info>> cb) {
  inner_->list_containers(f, t, timed("list_containers", std::move(cb)));
}

void instrumented_runtime::container_status(const std::string& id, rt::timeout t,
                                            rt::callback<rt::container_status> cb) {
  inner_->container_status(id, t, timed("container_status", std::move(cb)));
}

void instrumented_runtime::update_container_resources(const std::string& id,
                                                      const rt::linux_resources& r,
                                                      rt::timeout t, rt::status_callback cb) {
  inner_->update_container_resources(id, r, t, timed("update_container", std::move(cb)));
}

void instrumented_runtime::reopen_container_log(const std::string& id, rt::timeout t,
                                                rt::status_callback cb) {
  inner_->reopen_container_log(id, t, timed("reopen_container_log", std::move(cb)));
}

void instrumented_runtime::exec_sync(const std::string& id, const std::vector<std::string>& cmd,
                                     rt::timeout exec_timeout,
                                     rt::callback<rt::exec_result> cb) {
  inner_->exec_sync(id, cmd, exec_timeout, timed("exec_sync", std::move(cb)));
}

void instrumented_runtime::container_stats(const std::string& id, rt::timeout t,
                                           rt::callback<rt::container_stats> cb) {
  inner_->container_stats(id, t, timed("container_stats", std::move(cb)));
}

void instrumented_runtime::list_container_stats(
  const rt::container_filter& f, rt::timeout t,
  rt::callback<std::vector<rt::container_stats>> cb) {
  inner_->list_container_stats(f, t, timed("list_container_stats", std::move(cb)));
}

void instrumented_runtime::pull_image(const std::string& image, rt::timeout t,
                                      rt::callback<std::string> cb) {
  inner_->pull_image(image, t, timed("pull_image", std::move(cb)));
}

void instrumented_runtime::image_status(const std::string& image, rt::timeout t,
                                        rt::callback<std::optional<rt::image_info>> cb) {
  inner_->image_status(image, t, timed("image_status", std::move(cb)));
}

void instrumented_runtime::list_images(rt::timeout t,
                                       rt::callback<std::vector<rt::image_info>> cb) {
  inner_->list_images(t, timed("list_images", std::move(cb)));
}

void instrumented_runtime::remove_image(const std::string& image, rt::timeout t,
                                        rt::status_callback cb) {
  inner_->remove_image(image, t, timed("remove_image", std::move(cb)));
}

} // namespace troupe::node_agent::metrics
