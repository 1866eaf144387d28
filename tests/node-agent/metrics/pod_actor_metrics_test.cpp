// The pod actor records into node_metrics (pod_actor_context.metrics): a real actor system, the
// fake runtime behind the instrumented decorator, its clock driven by real time. The test thread
// polls the registry (assertions only here).
#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <prometheus/registry.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>
#include <unistd.h>

#include "config/json_codec.hpp"
#include "node-agent/agent/pod_actor.hpp"
#include "node-agent/metrics/instrumented_runtime.hpp"
#include "node-agent/metrics/node_metrics.hpp"
#include "node-agent/probe/prober.hpp"
#include "node-agent/runtime/fake_runtime.hpp"
#include "node-agent/runtime/fake_runtime_ticker.hpp"
#include "tests/node-agent/metrics/metrics_reader.hpp"

using nlohmann::json;
using namespace std::chrono_literals;
namespace na = troupe::node_agent;
namespace nm = troupe::node_agent::metrics;
namespace rt = troupe::node_agent::runtime;
namespace v1 = troupe::core::v1;
using troupe::testing::find_series;

namespace {

struct last_report {
  std::mutex mutex;
  v1::PodStatus status;
  bool finished = false;
};

caf::behavior keeper(caf::event_based_actor*, std::shared_ptr<last_report> log) {
  return {[log](na::pod_report& r) {
    std::lock_guard<std::mutex> lock(log->mutex);
    if (r.status)
      log->status = r.status->status();
    log->finished = log->finished || r.finished;
  }};
}

na::pod_ptr make_pod(const json& spec) {
  json obj = {{"metadata", {{"name", "p"}, {"namespace", "default"}, {"uid", "uid-p"}}},
              {"spec", spec}};
  auto p = std::make_shared<v1::Pod>();
  auto rep = troupe::config::json_to_message(obj, *p, troupe::config::decode_mode::strict);
  REQUIRE(rep.ok());
  return p;
}

struct fixture {
  prometheus::Registry registry;
  std::shared_ptr<nm::node_metrics> metrics = std::make_shared<nm::node_metrics>(registry);
  std::shared_ptr<rt::fake_runtime> fake = std::make_shared<rt::fake_runtime>();
  rt::fake_runtime_ticker ticker{*fake, 2ms};
  std::shared_ptr<rt::container_runtime> runtime = std::make_shared<nm::instrumented_runtime>(
    fake, metrics, [f = fake.get()] { return std::chrono::nanoseconds(f->now_ns()); });
  std::shared_ptr<na::probe::prober> prober = std::make_shared<na::probe::prober>(runtime, 1);
  std::shared_ptr<last_report> log = std::make_shared<last_report>();
  std::filesystem::path log_root = std::filesystem::temp_directory_path() /
                                   ("pod_metrics_test_" + std::to_string(::getpid()));
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  caf::actor parent = sys.spawn(keeper, log);
  std::vector<caf::actor> pods;

  fixture() { fake->add_local_image("busybox:1.30"); }
  ~fixture() {
    for (auto& a : pods)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(parent, caf::exit_reason::user_shutdown);
    sys.await_all_actors_done();
    std::filesystem::remove_all(log_root);
  }

  na::pod_actor_type spawn(na::pod_ptr pod) {
    na::pod_actor_context ctx;
    ctx.runtime = runtime;
    ctx.node_name = "node1";
    ctx.host_ip = "192.168.1.10";
    ctx.log_root = log_root.string();
    ctx.settings.resync = 300ms;
    ctx.settings.status_poll = 20ms;
    ctx.settings.runtime_timeout = 5s;
    ctx.prober = prober;
    ctx.metrics = metrics;
    std::weak_ptr<rt::fake_runtime> weak = fake;
    ctx.clock = [weak] {
      auto f = weak.lock();
      return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(f ? f->now_ns() : 0)));
    };
    auto a = na::spawn_pod_actor(sys, std::move(ctx), std::move(pod), parent);
    pods.push_back(caf::actor_cast<caf::actor>(a));
    return a;
  }

  double value(const std::string& name, const std::map<std::string, std::string>& labels = {}) {
    auto m = find_series(registry, name, labels);
    if (!m)
      return -1;
    return m->counter.value + m->gauge.value + static_cast<double>(m->histogram.sample_count);
  }

  /// Polls until the series' value (counter, gauge, or a histogram's count) satisfies `pred`.
  bool wait_value(const std::string& name, const std::map<std::string, std::string>& labels,
                  const std::function<bool(double)>& pred, std::chrono::milliseconds limit = 5s) {
    auto until = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < until) {
      if (pred(value(name, labels)))
        return true;
      std::this_thread::sleep_for(10ms);
    }
    return pred(value(name, labels));
  }

  v1::PodStatus status() {
    std::lock_guard<std::mutex> lock(log->mutex);
    return log->status;
  }
};

json app_with_readiness() {
  return {{"name", "app"},
          {"image", "busybox:1.30"},
          {"command", {"sleep", "3600"}},
          {"readinessProbe",
           {{"exec", {{"command", {"cat", "/tmp/ready"}}}}, {"periodSeconds", 1}}}};
}

} // namespace

TEST_CASE("pod actor metrics: start latency once per pod, starts, probe results by result, "
          "running gauges, CRI operations, a finished pod's series go",
          "[nodemetrics]") {
  fixture f;
  auto ready = std::make_shared<std::atomic<bool>>(false);
  f.fake->set_exec_handler([ready](const rt::container_info&, const std::vector<std::string>&)
                             -> rt::result<rt::exec_result> {
    if (ready->load())
      return rt::exec_result{"ok\n", "", 0};
    return rt::exec_result{"", "cat: can't open '/tmp/ready'\n", 1};
  });
  f.fake->set_delay("StartContainer", 300ms);  // a start latency the histogram must show
  auto pod = make_pod({{"containers", {app_with_readiness()}}});
  auto actor = f.spawn(pod);

  REQUIRE(f.wait_value("kubelet_pod_start_duration_seconds", {}, [](double n) { return n == 1; }));
  auto start = find_series(f.registry, "kubelet_pod_start_duration_seconds");
  REQUIRE(start);
  CHECK(start->histogram.sample_sum >= 0.3);  // at least the slow StartContainer
  CHECK(start->histogram.sample_sum < 5);
  CHECK(f.value("kubelet_started_pods_total") == 1);
  CHECK(f.value("kubelet_started_pods_errors_total") == 0);
  CHECK(f.value("kubelet_started_containers_total", {{"container_type", "container"}}) == 1);
  CHECK(f.value("kubelet_runtime_operations_total", {{"operation_type", "run_podsandbox"}}) == 1);
  auto started = find_series(f.registry, "kubelet_runtime_operations_duration_seconds",
                             {{"operation_type", "start_container"}});
  REQUIRE(started);
  CHECK(started->histogram.sample_sum == Approx(0.3).margin(0.05));
  CHECK(f.wait_value("kubelet_running_pods", {}, [](double n) { return n == 1; }));
  CHECK(f.wait_value("kubelet_running_containers", {{"container_state", "running"}},
                     [](double n) { return n == 1; }));

  // Readiness fails, then passes: counted by result with the pod's labels.
  const std::map<std::string, std::string> app{{"probe_type", "Readiness"},
                                               {"container", "app"},
                                               {"pod", "p"},
                                               {"namespace", "default"},
                                               {"pod_uid", "uid-p"}};
  auto with = [&](const char* result) {
    auto l = app;
    l["result"] = result;
    return l;
  };
  CHECK(f.wait_value("prober_probe_total", with("failed"), [](double n) { return n >= 1; }));
  ready->store(true);
  CHECK(f.wait_value("prober_probe_total", with("successful"), [](double n) { return n >= 1; },
                     5s));
  CHECK(f.value("kubelet_runtime_operations_errors_total", {{"operation_type", "exec_sync"}}) >=
        1);  // the failed exec probes
  CHECK(f.value("kube_pod_container_status_restarts_total",
                {{"pod", "p"}, {"container", "app"}}) == 0);

  // A second actor adopting the running pod (as after an agent restart, with the API object's
  // status) does not observe a start again.
  auto status = f.status();
  REQUIRE(status.phase() == "Running");
  caf::anon_send_exit(caf::actor_cast<caf::actor>(actor), caf::exit_reason::user_shutdown);
  auto adopted = std::make_shared<v1::Pod>(*pod);
  *adopted->mutable_status() = status;
  auto second = f.spawn(adopted);
  std::this_thread::sleep_for(300ms);
  CHECK(f.value("kubelet_pod_start_duration_seconds") == 1);
  CHECK(f.value("kubelet_started_containers_total", {{"container_type", "container"}}) == 1);

  // Killed and finished: its per-pod series and its share of the gauges go.
  caf::anon_send(second, na::kill_atom::value);
  REQUIRE(f.wait_value("kubelet_running_pods", {}, [](double n) { return n == 0; }));
  CHECK(f.wait_value("prober_probe_total", {{"pod_uid", "uid-p"}},
                     [](double n) { return n == -1; }));
  CHECK(f.value("kube_pod_container_status_restarts_total", {{"pod", "p"}}) == -1);
  CHECK(f.value("kubelet_running_containers", {{"container_state", "running"}}) == 0);
  CHECK(f.value("kubelet_runtime_operations_total", {{"operation_type", "remove_podsandbox"}}) >=
        1);
}

TEST_CASE("pod actor metrics: a failing container start counts an error with its gRPC code",
          "[nodemetrics]") {
  fixture f;
  rt::fake_container_behavior broken;
  broken.start_error = "exec: \"/no/such\": stat /no/such: no such file or directory";
  f.fake->set_behavior("app", broken);
  f.spawn(make_pod({{"containers",
                     {{{"name", "app"}, {"image", "busybox:1.30"}, {"command", {"/no/such"}}}}}}));
  CHECK(f.wait_value("kubelet_started_containers_errors_total",
                     {{"container_type", "container"}, {"code", "Unknown"}},
                     [](double n) { return n >= 1; }));
  CHECK(f.value("kubelet_started_containers_total", {{"container_type", "container"}}) >= 1);
  CHECK(f.value("kubelet_runtime_operations_errors_total",
                {{"operation_type", "start_container"}}) >= 1);
}
