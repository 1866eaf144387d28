// node_metrics and the instrumented runtime decorator on the fake runtime (its manual clock
// times the calls, so durations are exact).
#include <catch2/catch.hpp>

#include <prometheus/registry.h>

#include "node-agent/metrics/instrumented_runtime.hpp"
#include "node-agent/metrics/node_metrics.hpp"
#include "node-agent/runtime/blocking_call.hpp"
#include "node-agent/runtime/fake_runtime.hpp"
#include "tests/node-agent/metrics/metrics_reader.hpp"
#include "tests/node-agent/runtime/runtime_fixtures.hpp"

using namespace std::chrono_literals;
namespace rt = troupe::node_agent::runtime;
namespace nm = troupe::node_agent::metrics;
using troupe::testing::bucket_count;
using troupe::testing::find_series;

namespace {

double counter(const prometheus::Registry& r, const std::string& name,
               const std::map<std::string, std::string>& labels = {}) {
  auto m = find_series(r, name, labels);
  return m ? m->counter.value : -1;
}

double gauge(const prometheus::Registry& r, const std::string& name,
             const std::map<std::string, std::string>& labels = {}) {
  auto m = find_series(r, name, labels);
  return m ? m->gauge.value : -1;
}

struct decorated {
  prometheus::Registry registry;
  std::shared_ptr<nm::node_metrics> metrics = std::make_shared<nm::node_metrics>(registry);
  std::shared_ptr<rt::fake_runtime> fake = std::make_shared<rt::fake_runtime>();
  nm::instrumented_runtime runtime{fake, metrics, [f = fake.get()] {
                                     return std::chrono::nanoseconds(f->now_ns());
                                   }};
};

} // namespace

TEST_CASE("instrumented runtime: counts and times each call by the kubelet's operation_type, "
          "errors apart",
          "[nodemetrics]") {
  decorated d;
  d.fake->add_local_image("busybox:1.30");
  d.fake->set_delay("RunPodSandbox", 200ms);
  auto pod = troupe::testing::make_sandbox_config();

  // A delayed call: timed from the call to its callback (the fake's clock moves 200 ms).
  std::optional<rt::result<std::string>> sandbox;
  d.runtime.run_pod_sandbox(pod, 5s, [&](rt::result<std::string> r) { sandbox = r; });
  CHECK_FALSE(sandbox);
  CHECK(counter(d.registry, "kubelet_runtime_operations_total",
                {{"operation_type", "run_podsandbox"}}) == -1);  // not before the answer
  d.fake->advance(200ms);
  REQUIRE(sandbox);
  REQUIRE(sandbox->ok());
  auto h = find_series(d.registry, "kubelet_runtime_operations_duration_seconds",
                       {{"operation_type", "run_podsandbox"}});
  REQUIRE(h);
  CHECK(h->histogram.sample_count == 1);
  CHECK(h->histogram.sample_sum == Approx(0.2));
  CHECK(bucket_count(*h, 0.078125) == 0);
  CHECK(bucket_count(*h, 0.1953125) == 0);
  CHECK(bucket_count(*h, 0.48828125) == 1);
  CHECK(h->histogram.bucket.size() == 15);  // 14 bounds + Inf
  CHECK(counter(d.registry, "kubelet_runtime_operations_total",
                {{"operation_type", "run_podsandbox"}}) == 1);
  CHECK(counter(d.registry, "kubelet_runtime_operations_errors_total",
                {{"operation_type", "run_podsandbox"}}) == -1);

  // Calls answered at once; a container to exec in.
  auto id = rt::await_result<std::string>([&](auto cb) {
    d.runtime.create_container(**sandbox, troupe::testing::make_container_config(pod), pod, 5s, cb);
  });
  REQUIRE(id.ok());
  REQUIRE(rt::await_status([&](auto cb) { d.runtime.start_container(*id, 5s, cb); }).is_ok());
  CHECK(counter(d.registry, "kubelet_runtime_operations_total",
                {{"operation_type", "create_container"}}) == 1);
  CHECK(counter(d.registry, "kubelet_runtime_operations_total",
                {{"operation_type", "start_container"}}) == 1);
  auto quick = find_series(d.registry, "kubelet_runtime_operations_duration_seconds",
                           {{"operation_type", "start_container"}});
  REQUIRE(quick);
  CHECK(quick->histogram.sample_sum == 0);
  CHECK(bucket_count(*quick, 0.005) == 1);

  // Errors: a pull the registry refuses (not_found), a start of an unknown container, and an
  // exec that exits non-zero (the kubelet's CRI client makes that an error).
  auto pulled = rt::await_result<std::string>(
    [&](auto cb) { d.runtime.pull_image("nosuch:1", 5s, cb); });
  CHECK_FALSE(pulled.ok());
  CHECK_FALSE(rt::await_status([&](auto cb) { d.runtime.start_container("nope", 5s, cb); }).is_ok());
  d.fake->set_exec_handler([](const rt::container_info&, const std::vector<std::string>& cmd)
                             -> rt::result<rt::exec_result> {
    if (cmd.at(0) == "false")
      return rt::exec_result{"", "", 1};
    return rt::exec_result{"ok\n", "", 0};
  });
  auto ok = rt::await_result<rt::exec_result>(
    [&](auto cb) { d.runtime.exec_sync(*id, {"true"}, 1s, cb); });
  auto failed = rt::await_result<rt::exec_result>(
    [&](auto cb) { d.runtime.exec_sync(*id, {"false"}, 1s, cb); });
  REQUIRE(ok.ok());
  REQUIRE(failed.ok());
  CHECK(failed->exit_code == 1);  // the caller still sees the value
  CHECK(counter(d.registry, "kubelet_runtime_operations_total",
                {{"operation_type", "pull_image"}}) == 1);
  CHECK(counter(d.registry, "kubelet_runtime_operations_errors_total",
                {{"operation_type", "pull_image"}}) == 1);
  CHECK(counter(d.registry, "kubelet_runtime_operations_total",
                {{"operation_type", "start_container"}}) == 2);
  CHECK(counter(d.registry, "kubelet_runtime_operations_errors_total",
                {{"operation_type", "start_container"}}) == 1);
  CHECK(counter(d.registry, "kubelet_runtime_operations_total",
                {{"operation_type", "exec_sync"}}) == 2);
  CHECK(counter(d.registry, "kubelet_runtime_operations_errors_total",
                {{"operation_type", "exec_sync"}}) == 1);

  // A call past its timeout: deadline_exceeded at the timeout, counted as an error of that length.
  d.fake->set_delay("ListContainers", 10s);
  std::optional<rt::result<std::vector<rt::container_info>>> listed;
  d.runtime.list_containers({}, 2s, [&](auto r) { listed = r; });
  d.fake->advance(2s);
  REQUIRE(listed);
  CHECK(listed->status().is_deadline_exceeded());
  CHECK(counter(d.registry, "kubelet_runtime_operations_errors_total",
                {{"operation_type", "list_containers"}}) == 1);
  auto slow = find_series(d.registry, "kubelet_runtime_operations_duration_seconds",
                          {{"operation_type", "list_containers"}});
  REQUIRE(slow);
  CHECK(slow->histogram.sample_sum == Approx(2.0));
  CHECK(bucket_count(*slow, 1.220703125) == 0);
  CHECK(bucket_count(*slow, 3.0517578125) == 1);

  // The other methods have their kubelet names too.
  rt::await_status([&](auto cb) { d.runtime.stop_container(*id, 0s, cb); });
  rt::await_status([&](auto cb) { d.runtime.remove_container(*id, 5s, cb); });
  rt::await_status([&](auto cb) { d.runtime.stop_pod_sandbox(**sandbox, 5s, cb); });
  rt::await_status([&](auto cb) { d.runtime.remove_pod_sandbox(**sandbox, 5s, cb); });
  rt::await_result<std::optional<rt::image_info>>(
    [&](auto cb) { d.runtime.image_status("busybox:1.30", 5s, cb); });
  rt::await_result<rt::version_info>([&](auto cb) { d.runtime.version(5s, cb); });
  rt::await_result<std::vector<rt::runtime_condition>>(
    [&](auto cb) { d.runtime.runtime_conditions(5s, cb); });
  for (const char* op : {"stop_container", "remove_container", "stop_podsandbox",
                         "remove_podsandbox", "image_status", "version", "status"}) {
    INFO(op);
    CHECK(counter(d.registry, "kubelet_runtime_operations_total", {{"operation_type", op}}) == 1);
  }
}

TEST_CASE("node metrics: pod start histogram with the kubelet's buckets, start counters, probe "
          "results, restarts and running gauges, a forgotten pod's series go",
          "[nodemetrics]") {
  prometheus::Registry r;
  nm::node_metrics m(r);
  const nm::pod_ref web{"default", "web", "uid-1"};

  // Present from the start, at zero.
  CHECK(gauge(r, "kubelet_running_pods") == 0);
  CHECK(gauge(r, "kubelet_running_containers", {{"container_state", "running"}}) == 0);
  auto start = find_series(r, "kubelet_pod_start_duration_seconds");
  REQUIRE(start);
  CHECK(start->histogram.sample_count == 0);
  CHECK(start->histogram.bucket.size() == nm::pod_start_buckets().size() + 1);

  m.pod_started(2500ms);
  start = find_series(r, "kubelet_pod_start_duration_seconds");
  CHECK(start->histogram.sample_count == 1);
  CHECK(start->histogram.sample_sum == Approx(2.5));
  CHECK(bucket_count(*start, 2) == 0);
  CHECK(bucket_count(*start, 3) == 1);

  m.sandbox_start(false);
  m.sandbox_start(true);
  m.container_start("init_container");
  m.container_start("container");
  m.container_start("container");
  m.container_start_error("container", "Unknown");
  CHECK(counter(r, "kubelet_started_pods_total") == 2);
  CHECK(counter(r, "kubelet_started_pods_errors_total") == 1);
  CHECK(counter(r, "kubelet_started_containers_total", {{"container_type", "container"}}) == 2);
  CHECK(counter(r, "kubelet_started_containers_total", {{"container_type", "init_container"}}) ==
        1);
  CHECK(counter(r, "kubelet_started_containers_errors_total",
                {{"container_type", "container"}, {"code", "Unknown"}}) == 1);

  m.probe_result(web, "app", "Readiness", "successful", 10ms);
  m.probe_result(web, "app", "Readiness", "successful", 10ms);
  m.probe_result(web, "app", "Readiness", "failed", 1s);
  m.probe_result(web, "app", "Liveness", "failed", 1s);
  const std::map<std::string, std::string> app{
    {"container", "app"}, {"pod", "web"}, {"namespace", "default"}, {"pod_uid", "uid-1"}};
  auto with = [&](std::map<std::string, std::string> l, const char* type, const char* result) {
    l["probe_type"] = type;
    l["result"] = result;
    return l;
  };
  CHECK(counter(r, "prober_probe_total", with(app, "Readiness", "successful")) == 2);
  CHECK(counter(r, "prober_probe_total", with(app, "Readiness", "failed")) == 1);
  CHECK(counter(r, "prober_probe_total", with(app, "Liveness", "failed")) == 1);
  CHECK(counter(r, "prober_probe_total", with(app, "Liveness", "successful")) == -1);
  auto took = find_series(r, "prober_probe_duration_seconds",
                          {{"probe_type", "Readiness"}, {"container", "app"}});
  REQUIRE(took);
  CHECK(took->histogram.sample_count == 3);

  m.container_restarts(web, "app", 0);
  CHECK(counter(r, "kube_pod_container_status_restarts_total", {{"container", "app"}}) == 0);
  m.container_restarts(web, "app", 2);
  m.container_restarts(web, "app", 2);
  m.container_restarts(web, "app", 3);
  CHECK(counter(r, "kube_pod_container_status_restarts_total",
                {{"namespace", "default"}, {"pod", "web"}, {"uid", "uid-1"}, {"container", "app"}}) ==
        3);

  nm::container_state_counts c;
  c.running = 2;
  c.exited = 1;
  m.pod_runtime_state("uid-1", true, c);
  m.pod_runtime_state("uid-2", false, nm::container_state_counts{1, 0, 0, 0});
  CHECK(gauge(r, "kubelet_running_pods") == 1);
  CHECK(gauge(r, "kubelet_running_containers", {{"container_state", "running"}}) == 2);
  CHECK(gauge(r, "kubelet_running_containers", {{"container_state", "exited"}}) == 1);
  CHECK(gauge(r, "kubelet_running_containers", {{"container_state", "created"}}) == 1);
  c.running = 1;  // the same pod again replaces its share
  m.pod_runtime_state("uid-1", true, c);
  CHECK(gauge(r, "kubelet_running_containers", {{"container_state", "running"}}) == 1);
  CHECK(gauge(r, "kubelet_running_pods") == 1);

  m.forget_pod(web);
  CHECK(gauge(r, "kubelet_running_pods") == 0);
  CHECK(gauge(r, "kubelet_running_containers", {{"container_state", "running"}}) == 0);
  CHECK(gauge(r, "kubelet_running_containers", {{"container_state", "created"}}) == 1);
  CHECK_FALSE(find_series(r, "prober_probe_total", {{"pod_uid", "uid-1"}}));
  CHECK_FALSE(find_series(r, "prober_probe_duration_seconds", {{"pod", "web"}}));
  CHECK_FALSE(find_series(r, "kube_pod_container_status_restarts_total", {{"uid", "uid-1"}}));
  // Node-wide counters stay.
  CHECK(counter(r, "kubelet_started_pods_total") == 2);
}
