// The pod actor on a fake runtime (CONVENTIONS 20): a real actor system, the fake's clock driven by
// real time (fake_runtime_ticker) and given to the actor as its clock, short settings, a parent
// actor that collects the pod_reports. The test thread waits for a report that shows the
// behaviour, then asserts (Catch2 is not thread-safe: assertions only here).
#include <catch2/catch.hpp>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <functional>
#include <mutex>
#include <set>

#include "config/json_codec.hpp"
#include "node-agent/agent/pod_actor.hpp"
#include "node-agent/probe/prober.hpp"
#include "node-agent/runtime/fake_runtime.hpp"
#include "node-agent/runtime/fake_runtime_ticker.hpp"

using nlohmann::json;
using namespace std::chrono_literals;
namespace na = troupe::node_agent;
namespace rt = troupe::node_agent::runtime;
namespace v1 = troupe::core::v1;

namespace {

struct report_log {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<na::pod_report> reports;
  std::vector<int64_t> received_ns;  // the fake's clock when each report arrived
};

caf::behavior collector(caf::event_based_actor*, std::shared_ptr<report_log> log,
                        std::shared_ptr<rt::fake_runtime> fake) {
  return {[log, fake](na::pod_report& r) {
    std::lock_guard<std::mutex> lock(log->mutex);
    log->reports.push_back(std::move(r));
    log->received_ns.push_back(fake->now_ns());
    log->cv.notify_all();
  }};
}

na::pod_ptr make_pod(const json& spec, const std::string& name = "p") {
  json obj = {{"metadata", {{"name", name}, {"namespace", "default"}, {"uid", "uid-" + name}}},
              {"spec", spec}};
  auto p = std::make_shared<v1::Pod>();
  auto rep = troupe::config::json_to_message(obj, *p, troupe::config::decode_mode::strict);
  INFO(troupe::config::to_string(rep.errors));
  REQUIRE(rep.ok());
  return p;
}

/// A container that exits with `code` after `after`.
rt::fake_container_behavior exits(std::chrono::milliseconds after, int32_t code) {
  rt::fake_container_behavior b;
  b.exit_after = after;
  b.exit_code = code;
  return b;
}

json container(const std::string& name, const json& extra = json::object()) {
  json c = {{"name", name}, {"image", "busybox:1.30"}, {"command", {"sleep", "3600"}}};
  c.merge_patch(extra);
  return c;
}

const v1::ContainerStatus* find_status(const v1::PodStatus& s, const std::string& name) {
  for (const auto& c : s.initcontainerstatuses())
    if (c.name() == name)
      return &c;
  for (const auto& c : s.containerstatuses())
    if (c.name() == name)
      return &c;
  return nullptr;
}

std::string condition(const v1::PodStatus& s, const std::string& type) {
  for (const auto& c : s.conditions())
    if (c.type() == type)
      return c.status();
  return "";
}

class fixture {
public:
  fixture() : fake_(std::make_shared<rt::fake_runtime>()), ticker_(*fake_, 2ms), sys_(cfg_) {
    log_root_ = std::filesystem::temp_directory_path() /
                ("pod_actor_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(log_root_);
    fake_->add_local_image("busybox:1.30");
    log_ = std::make_shared<report_log>();
    parent_ = sys_.spawn(collector, log_, fake_);
  }

  ~fixture() {
    for (auto& a : pods_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(parent_, caf::exit_reason::user_shutdown);
    sys_.await_all_actors_done();
    std::filesystem::remove_all(log_root_);
  }

  const std::filesystem::path& log_root() const { return log_root_; }

  na::pod_actor_context context() {
    na::pod_actor_context ctx;
    ctx.runtime = fake_;
    ctx.node_name = "node1";
    ctx.host_ip = "192.168.1.10";
    ctx.log_root = log_root_.string();
    auto& s = ctx.settings;
    s.backoff_initial = 200ms;
    s.backoff_max = 800ms;
    s.backoff_reset = 60s;
    s.resync = 300ms;
    s.status_poll = 20ms;
    s.runtime_timeout = 5s;
    s.image_pull_timeout = 5s;
    if (!prober_)
      prober_ = std::make_shared<na::probe::prober>(fake_, 1);
    ctx.prober = prober_;
    std::weak_ptr<rt::fake_runtime> weak = fake_;
    ctx.clock = [weak] {
      auto f = weak.lock();
      return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::nanoseconds(f ? f->now_ns() : 0)));
    };
    return ctx;
  }

  na::pod_actor_type spawn(na::pod_ptr pod) {
    auto a = na::spawn_pod_actor(sys_, context(), std::move(pod), parent_);
    pods_.push_back(a);
    return a;
  }

  /// How many reports arrived so far: waits may look only at later ones.
  size_t mark() {
    std::lock_guard<std::mutex> lock(log_->mutex);
    return log_->reports.size();
  }

  /// Waits until some report (from index `from` on) satisfies `pred`.
  bool wait_for(const std::function<bool(const na::pod_report&)>& pred,
                std::chrono::milliseconds limit = 5s, size_t from = 0) {
    std::unique_lock<std::mutex> lock(log_->mutex);
    return log_->cv.wait_for(lock, limit, [&] {
      return from <= log_->reports.size() &&
             std::any_of(log_->reports.begin() + static_cast<long>(from), log_->reports.end(),
                         pred);
    });
  }

  bool wait_status(const std::function<bool(const v1::PodStatus&)>& pred,
                   std::chrono::milliseconds limit = 5s, size_t from = 0) {
    return wait_for([&](const na::pod_report& r) { return r.status && pred(r.status->status()); },
                    limit, from);
  }

  /// The fake's time of the first report whose status satisfies `pred` (-1: none).
  int64_t first_time(const std::function<bool(const v1::PodStatus&)>& pred) {
    std::lock_guard<std::mutex> lock(log_->mutex);
    for (size_t i = 0; i < log_->reports.size(); ++i)
      if (log_->reports[i].status && pred(log_->reports[i].status->status()))
        return log_->received_ns[i];
    return -1;
  }

  bool wait_event(const std::string& reason, const std::string& message_part,
                  std::chrono::milliseconds limit = 5s) {
    return wait_for(
      [&](const na::pod_report& r) {
        for (const auto& e : r.events)
          if (e.reason() == reason && e.message().find(message_part) != std::string::npos)
            return true;
        return false;
      },
      limit);
  }

  v1::PodStatus latest() {
    std::lock_guard<std::mutex> lock(log_->mutex);
    for (auto it = log_->reports.rbegin(); it != log_->reports.rend(); ++it)
      if (it->status)
        return it->status->status();
    return {};
  }

  std::vector<v1::Event> events() {
    std::lock_guard<std::mutex> lock(log_->mutex);
    std::vector<v1::Event> out;
    for (const auto& r : log_->reports)
      out.insert(out.end(), r.events.begin(), r.events.end());
    return out;
  }

  /// Index of the first call starting with `prefix` in the fake's call log, or -1.
  long call_index(const std::string& prefix) {
    auto calls = fake_->calls();
    for (size_t i = 0; i < calls.size(); ++i)
      if (calls[i].rfind(prefix, 0) == 0)
        return static_cast<long>(i);
    return -1;
  }

  long count_calls(const std::string& prefix) {
    auto calls = fake_->calls();
    return std::count_if(calls.begin(), calls.end(),
                         [&](const std::string& c) { return c.rfind(prefix, 0) == 0; });
  }

  rt::fake_runtime& fake() { return *fake_; }
  caf::actor_system& sys() { return sys_; }

private:
  std::filesystem::path log_root_;
  std::shared_ptr<rt::fake_runtime> fake_;
  rt::fake_runtime_ticker ticker_;
  std::shared_ptr<na::probe::prober> prober_;
  std::shared_ptr<report_log> log_;
  caf::actor_system_config cfg_;
  caf::actor_system sys_;
  caf::actor parent_;
  std::vector<na::pod_actor_type> pods_;
};

} // namespace

TEST_CASE("pod actor: init containers run in order and the app waits", "[podactor]") {
  fixture f;
  f.fake().set_behavior("init1", exits(60ms, 0));
  f.fake().set_behavior("init2", exits(60ms, 0));
  f.spawn(make_pod({{"initContainers", {container("init1"), container("init2")}},
                    {"containers", {container("app")}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    return s.phase() == "Running" && condition(s, "Initialized") == "True";
  }));
  // While init1 ran, the app waited with PodInitializing.
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* i1 = find_status(s, "init1");
    const auto* app = find_status(s, "app");
    return i1 && i1->state().has_running() && app &&
           app->state().waiting().reason() == "PodInitializing";
  }));
  long i1 = f.call_index("StartContainer p/init1#0");
  long c2 = f.call_index("CreateContainer p/init2#0");
  long i2 = f.call_index("StartContainer p/init2#0");
  long app = f.call_index("CreateContainer p/app#0");
  CHECK(i1 >= 0);
  CHECK(i1 < c2);
  CHECK(c2 < i2);
  CHECK(i2 < app);
  auto s = f.latest();
  CHECK(find_status(s, "init2")->state().terminated().reason() == "Completed");
  CHECK(s.podip() == "10.88.0.2");
  CHECK(s.hostip() == "192.168.1.10");
  CHECK(s.has_starttime());
  CHECK(f.wait_event("Started", "Started container app"));
  CHECK(f.wait_event("Created", "Created container: init1"));
  CHECK(f.wait_event("Pulled", "Container image \"busybox:1.30\" already present on machine"));
}

TEST_CASE("pod actor: a failing init container under OnFailure restarts with backoff",
          "[podactor]") {
  fixture f;
  f.fake().set_behavior("init", exits(30ms, 1));
  f.spawn(make_pod({{"restartPolicy", "OnFailure"},
                    {"initContainers", {container("init")}},
                    {"containers", {container("app")}}}));
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* i = find_status(s, "init");
    return i && i->state().terminated().reason() == "Error";  // Init:Error
  }));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* i = find_status(s, "init");
    return i && i->state().waiting().reason() == "CrashLoopBackOff" &&  // Init:CrashLoopBackOff
           i->restartcount() >= 1 && i->laststate().terminated().exitcode() == 1;
  }));
  auto s = f.latest();
  CHECK(s.phase() == "Pending");
  CHECK(f.count_calls("CreateContainer p/app") == 0);
  CHECK(f.wait_event("BackOff", "Back-off restarting failed container init in pod p_default(uid-p)"));
}

TEST_CASE("pod actor: a failing init container under Never fails the pod", "[podactor]") {
  fixture f;
  f.fake().set_behavior("init", exits(30ms, 2));
  f.spawn(make_pod({{"restartPolicy", "Never"},
                    {"initContainers", {container("init")}},
                    {"containers", {container("app")}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Failed"; }));
  std::this_thread::sleep_for(200ms);
  CHECK(f.count_calls("StartContainer p/init") == 1);
  CHECK(f.count_calls("CreateContainer p/app") == 0);
}

TEST_CASE("pod actor: an app container under Always restarts with growing backoff",
          "[podactor]") {
  fixture f;
  f.fake().set_behavior("app", exits(20ms, 0));
  f.spawn(make_pod({{"containers", {container("app")}}}));
  REQUIRE(f.wait_status(
    [](const v1::PodStatus& s) {
      const auto* a = find_status(s, "app");
      return a && a->restartcount() >= 3;
    },
    10s));
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->state().waiting().reason() == "CrashLoopBackOff" &&
           a->laststate().terminated().reason() == "Completed";
  }));
  // The first exit restarts at once, then 200 ms, then 400 ms (each run lasts 20 ms).
  auto restarts = [&](int n) {
    return f.first_time([n](const v1::PodStatus& s) {
      const auto* a = find_status(s, "app");
      return a && a->restartcount() >= n && a->state().has_running();
    });
  };
  int64_t r1 = restarts(1), r2 = restarts(2), r3 = restarts(3);
  REQUIRE(r1 > 0);
  REQUIRE(r2 > r1);
  REQUIRE(r3 > r2);
  CHECK(r2 - r1 >= 200'000'000);
  CHECK(r3 - r2 >= 400'000'000);
  CHECK(r3 - r2 > r2 - r1);
  CHECK(f.latest().phase() == "Running");
  CHECK(f.wait_event("BackOff", "Back-off restarting failed container app"));
}

TEST_CASE("pod actor: OnFailure restarts only non-zero exits", "[podactor]") {
  fixture f;
  f.fake().set_behavior("good", exits(20ms, 0));
  f.fake().set_behavior("bad", exits(20ms, 3));
  f.spawn(make_pod({{"restartPolicy", "OnFailure"},
                    {"containers", {container("good"), container("bad")}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* b = find_status(s, "bad");
    return b && b->restartcount() >= 2;
  }));
  auto s = f.latest();
  CHECK(find_status(s, "good")->restartcount() == 0);
  CHECK(find_status(s, "good")->state().terminated().reason() == "Completed");
  CHECK(f.count_calls("StartContainer p/good") == 1);
}

TEST_CASE("pod actor: restartPolicy Never leaves the pod Failed or Succeeded", "[podactor]") {
  fixture f;
  f.fake().set_behavior("fails", exits(20ms, 1));
  f.fake().set_behavior("works", exits(20ms, 0));
  f.spawn(make_pod({{"restartPolicy", "Never"}, {"containers", {container("fails")}}}, "p1"));
  f.spawn(make_pod({{"restartPolicy", "Never"}, {"containers", {container("works")}}}, "p2"));
  REQUIRE(f.wait_for([](const na::pod_report& r) {
    return r.uid == "uid-p1" && r.status && r.status->status().phase() == "Failed";
  }));
  REQUIRE(f.wait_for([](const na::pod_report& r) {
    return r.uid == "uid-p2" && r.status && r.status->status().phase() == "Succeeded";
  }));
  std::this_thread::sleep_for(200ms);
  CHECK(f.count_calls("StartContainer p1/fails") == 1);
  CHECK(f.count_calls("StartContainer p2/works") == 1);
}

TEST_CASE("pod actor: an unknown image shows ErrImagePull, then ImagePullBackOff",
          "[podactor]") {
  fixture f;
  f.spawn(make_pod({{"containers", {container("app", {{"image", "nope:1"}})}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->state().waiting().reason() == "ErrImagePull";
  }));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->state().waiting().reason() == "ImagePullBackOff" &&
           a->state().waiting().message() == "Back-off pulling image \"nope:1\"";
  }));
  CHECK(f.latest().phase() == "Pending");
  CHECK(f.wait_event("Pulling", "Pulling image \"nope:1\""));
  CHECK(f.wait_event("Failed", "Failed to pull image \"nope:1\": rpc error: code = NotFound"));
  CHECK(f.wait_event("Failed", "Error: ErrImagePull"));
  CHECK(f.wait_event("Failed", "Error: ImagePullBackOff"));
  CHECK(f.wait_event("BackOff", "Back-off pulling image \"nope:1\""));
  // The image appears in the registry: the next pull after the backoff succeeds.
  f.fake().add_registry_image("nope:1");
  CHECK(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  CHECK(f.wait_event("Pulled", "Successfully pulled image \"nope:1\" in "));
}

namespace {

/// An exec handler: commands whose text contains a key answer per `fail(key)`.
rt::fake_runtime::exec_handler exec_answers(std::function<bool(const std::string&)> fails) {
  return [fails](const rt::container_info&, const std::vector<std::string>& cmd)
           -> rt::result<rt::exec_result> {
    std::string text;
    for (const auto& c : cmd)
      text += (text.empty() ? "" : " ") + c;
    if (fails(text))
      return rt::exec_result{"", "cat: can't open '/tmp/healthy': No such file or directory\n", 1};
    return rt::exec_result{"ok\n", "", 0};
  };
}

json exec_probe(const std::string& file, int failure_threshold = 1) {
  return {{"exec", {{"command", {"cat", file}}}},
          {"periodSeconds", 1},
          {"failureThreshold", failure_threshold}};
}

} // namespace

TEST_CASE("pod actor: a failing exec liveness probe restarts the container", "[podactor]") {
  fixture f;
  f.fake().set_exec_handler(
    exec_answers([](const std::string& cmd) { return cmd == "cat /tmp/healthy"; }));
  f.spawn(make_pod(
    {{"containers", {container("app", {{"livenessProbe", exec_probe("/tmp/healthy")}})}}}));
  REQUIRE(f.wait_status(
    [](const v1::PodStatus& s) {
      const auto* a = find_status(s, "app");
      return a && a->restartcount() >= 1;
    },
    8s));
  CHECK(f.wait_event("Unhealthy", "Liveness probe failed: "));
  CHECK(f.wait_event("Killing", "Container app failed liveness probe, will be restarted"));
  CHECK(f.count_calls("ExecSync p/app [cat /tmp/healthy]") >= 1);
  CHECK(f.count_calls("StopContainer p/app#0") == 1);
  CHECK(f.call_index("StopContainer p/app#0") < f.call_index("StartContainer p/app#1"));
}

TEST_CASE("pod actor: a readiness probe toggles Ready", "[podactor]") {
  fixture f;
  auto ready = std::make_shared<std::atomic<bool>>(true);
  f.fake().set_exec_handler(exec_answers([ready](const std::string& cmd) {
    return cmd == "cat /tmp/ready" && !ready->load();
  }));
  f.spawn(make_pod(
    {{"containers", {container("app", {{"readinessProbe", exec_probe("/tmp/ready")}})}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return condition(s, "Ready") == "True" && condition(s, "ContainersReady") == "True" && a &&
           a->ready();
  }));
  auto from = f.mark();
  ready->store(false);
  REQUIRE(f.wait_status(
    [](const v1::PodStatus& s) {
      return condition(s, "Ready") == "False" && s.phase() == "Running";
    },
    5s, from));
  CHECK(f.wait_event("Unhealthy", "Readiness probe failed: "));
  from = f.mark();
  ready->store(true);
  CHECK(f.wait_status([](const v1::PodStatus& s) { return condition(s, "Ready") == "True"; }, 5s,
                      from));
  CHECK(find_status(f.latest(), "app")->restartcount() == 0);
}

TEST_CASE("pod actor: a failing postStart hook kills the container", "[podactor]") {
  fixture f;
  f.fake().set_exec_handler(
    exec_answers([](const std::string& cmd) { return cmd == "sh -c exit 1"; }));
  f.spawn(make_pod({{"containers",
                     {container("app", {{"lifecycle",
                                         {{"postStart",
                                           {{"exec", {{"command", {"sh", "-c", "exit 1"}}}}}}}}})}}}));
  REQUIRE(f.wait_event("FailedPostStartHook", ""));
  CHECK(f.wait_event("Killing", "FailedPostStartHook"));
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->restartcount() >= 1;
  }));
  CHECK(f.call_index("ExecSync p/app [sh -c exit 1]") < f.call_index("StopContainer p/app#0"));
}

namespace {

na::pod_ptr deleted(const na::pod_ptr& p, int64_t grace) {
  auto d = std::make_shared<v1::Pod>(*p);
  d->mutable_metadata()->mutable_deletiontimestamp()->set_seconds(1700000000);
  d->mutable_metadata()->set_deletiongraceperiodseconds(grace);
  return d;
}

json with_pre_stop() {
  return {{"lifecycle", {{"preStop", {{"exec", {{"command", {"sh", "-c", "nginx -s quit"}}}}}}}}};
}

} // namespace

TEST_CASE("pod actor: deletion runs preStop, stops within the grace period and finishes",
          "[podactor]") {
  fixture f;
  rt::fake_container_behavior stubborn;
  stubborn.ignores_sigterm = true;  // the stop takes what is left of the grace period
  f.fake().set_behavior("app", stubborn);
  auto pod = make_pod({{"terminationGracePeriodSeconds", 1},
                       {"containers", {container("app", with_pre_stop())}}});
  auto actor = f.spawn(pod);
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  auto logs = f.log_root() / "default_p_uid-p";
  std::filesystem::create_directories(logs / "app");
  std::ofstream(logs / "app" / "0.log") << "hello\n";
  int64_t began = f.fake().now_ns();
  caf::anon_send(actor, na::pod_atom::value, deleted(pod, 1));
  REQUIRE(f.wait_for([](const na::pod_report& r) { return r.finished; }, 5s));
  long pre_stop = f.call_index("ExecSync p/app [sh -c nginx -s quit]");
  long stop = f.call_index("StopContainer p/app#0");
  long stop_sandbox = f.call_index("StopPodSandbox");
  long remove_sandbox = f.call_index("RemovePodSandbox");
  CHECK(pre_stop >= 0);
  CHECK(pre_stop < stop);
  CHECK(stop < stop_sandbox);
  CHECK(stop_sandbox < remove_sandbox);
  // SIGTERM ignored: SIGKILL when the grace period (1 s, preStop included) ends, not later.
  int64_t elapsed = f.fake().now_ns() - began;
  CHECK(elapsed >= 900'000'000);
  CHECK(elapsed < 2'000'000'000);
  CHECK(f.wait_event("Killing", "Stopping container app"));
  CHECK_FALSE(std::filesystem::exists(logs));  // the pod's logs went with it
}

TEST_CASE("pod actor: kill_atom stops everything at once without hooks", "[podactor]") {
  fixture f;
  rt::fake_container_behavior stubborn;
  stubborn.ignores_sigterm = true;
  f.fake().set_behavior("app", stubborn);
  auto actor = f.spawn(make_pod({{"containers", {container("app", with_pre_stop())}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  int64_t began = f.fake().now_ns();
  caf::anon_send(actor, na::kill_atom::value);
  REQUIRE(f.wait_for([](const na::pod_report& r) { return r.finished; }, 3s));
  CHECK(f.fake().now_ns() - began < 500'000'000);  // grace 0, although the default is 30 s
  CHECK(f.count_calls("ExecSync") == 0);
  CHECK(f.call_index("StopContainer p/app#0") < f.call_index("RemovePodSandbox"));
}

TEST_CASE("pod actor: a second actor adopts the running pod without restarting it",
          "[podactor]") {
  fixture f;
  auto pod = make_pod({{"containers", {container("app")}}});
  auto first = f.spawn(pod);
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  // One crash from outside: the container restarts once (restartCount 1).
  auto id0 = find_status(f.latest(), "app")->containerid().substr(std::string("containerd://").size());
  f.fake().kill_container(id0, 1);
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->restartcount() == 1 && a->state().has_running();
  }));
  auto before = *find_status(f.latest(), "app");
  caf::anon_send_exit(first, caf::exit_reason::kill);  // the agent dies
  std::this_thread::sleep_for(100ms);
  f.fake().clear_calls();
  auto from = f.mark();
  f.spawn(pod);
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }, 5s, from));
  std::this_thread::sleep_for(200ms);
  auto after = *find_status(f.latest(), "app");
  CHECK(after.containerid() == before.containerid());
  CHECK(after.restartcount() == 1);
  CHECK(after.laststate().terminated().exitcode() == 1);
  CHECK(f.count_calls("CreateContainer") == 0);
  CHECK(f.count_calls("StartContainer") == 0);
  CHECK(f.count_calls("StopContainer") == 0);
  CHECK(f.count_calls("RunPodSandbox") == 0);
  // The adopted container crashes: the new actor restarts it in the adopted sandbox.
  f.fake().kill_container(after.containerid().substr(std::string("containerd://").size()), 1);
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->restartcount() == 2 && a->state().has_running();
  }));
  CHECK(f.count_calls("CreateContainer p/app#2") == 1);
  CHECK(f.count_calls("RunPodSandbox") == 0);
}

TEST_CASE("pod actor: kill_atom cuts a graceful deletion short", "[podactor]") {
  fixture f;
  rt::fake_container_behavior stubborn;
  stubborn.ignores_sigterm = true;
  f.fake().set_behavior("app", stubborn);
  auto pod = make_pod({{"containers", {container("app")}}});
  auto actor = f.spawn(pod);
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  int64_t began = f.fake().now_ns();
  caf::anon_send(actor, na::pod_atom::value, deleted(pod, 30));  // SIGTERM ignored: 30 s
  std::this_thread::sleep_for(100ms);
  caf::anon_send(actor, na::kill_atom::value);
  REQUIRE(f.wait_for([](const na::pod_report& r) { return r.finished; }, 3s));
  CHECK(f.fake().now_ns() - began < 2'000'000'000);
  CHECK(f.count_calls("StopContainer p/app#0") == 2);  // graceful, then at once
}

TEST_CASE("pod actor: a startup probe holds the liveness probe back until it passes",
          "[podactor]") {
  fixture f;
  auto started = std::make_shared<std::atomic<bool>>(false);
  f.fake().set_exec_handler(exec_answers([started](const std::string& cmd) {
    if (cmd == "cat /tmp/started")
      return !started->load();
    return cmd == "cat /tmp/healthy";  // liveness always fails
  }));
  f.spawn(make_pod({{"containers",
                     {container("app", {{"startupProbe", exec_probe("/tmp/started", 30)},
                                        {"livenessProbe", exec_probe("/tmp/healthy")}})}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  std::this_thread::sleep_for(1500ms);  // two startup probes, both failing
  CHECK(f.count_calls("ExecSync p/app [cat /tmp/started]") >= 2);
  CHECK(f.count_calls("ExecSync p/app [cat /tmp/healthy]") == 0);
  auto s = f.latest();
  CHECK_FALSE(find_status(s, "app")->started());
  CHECK(find_status(s, "app")->restartcount() == 0);
  started->store(true);
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->restartcount() >= 1;
  }, 5s));
  CHECK(f.count_calls("ExecSync p/app [cat /tmp/healthy]") >= 1);
  CHECK(f.wait_event("Killing", "Container app failed liveness probe, will be restarted"));
}

TEST_CASE("pod actor: a hung preStop hook is cut at the grace period and recorded",
          "[podactor]") {
  fixture f;
  auto pod = make_pod({{"terminationGracePeriodSeconds", 1},
                       {"containers", {container("app", with_pre_stop())}}});
  auto actor = f.spawn(pod);
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  f.fake().hang_exec("app");
  int64_t began = f.fake().now_ns();
  caf::anon_send(actor, na::pod_atom::value, deleted(pod, 1));
  REQUIRE(f.wait_for([](const na::pod_report& r) { return r.finished; }, 5s));
  int64_t elapsed = f.fake().now_ns() - began;
  CHECK(elapsed >= 900'000'000);    // the hook had the whole grace period
  CHECK(elapsed < 2'000'000'000);   // and the stop nothing more
  CHECK(f.wait_event("FailedPreStopHook", ""));
  CHECK(f.call_index("ExecSync p/app [sh -c nginx -s quit]") <
        f.call_index("StopContainer p/app#0"));
}

TEST_CASE("pod actor: a container that cannot start waits with RunContainerError",
          "[podactor]") {
  fixture f;
  rt::fake_container_behavior broken;
  broken.start_error = "exec: \"nope\": executable file not found in $PATH";
  f.fake().set_behavior("app", broken);
  f.spawn(make_pod({{"containers", {container("app")}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->state().waiting().reason() == "RunContainerError" &&
           a->laststate().terminated().reason() == "StartError" &&
           a->laststate().terminated().exitcode() == 128;
  }));
  CHECK(f.wait_event("Failed", "Error: failed to create containerd task: exec: \"nope\""));
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->state().waiting().reason() == "CrashLoopBackOff" && a->restartcount() >= 1;
  }));
  CHECK(f.latest().phase() == "Running");  // Always: restarting, as the kubelet reports it
}

// Hidden (run by name): 50 pods on one fake runtime, default timing except the clock; prints how
// long until all run and how many runtime calls the idle pods make per second.
TEST_CASE("pod actor: 50 pods on one fake runtime", "[.podactor-measure][slow]") {
  fixture f;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i)
    f.spawn(make_pod({{"containers", {container("app")}}}, "p" + std::to_string(i)));
  std::set<std::string> running;
  REQUIRE(f.wait_for(
    [&](const na::pod_report& r) {
      if (r.status && r.status->status().phase() == "Running")
        running.insert(r.uid);
      return running.size() == 50;
    },
    10s));
  auto took = std::chrono::steady_clock::now() - t0;
  f.fake().clear_calls();
  std::this_thread::sleep_for(2s);
  auto idle_calls = f.fake().calls().size();
  WARN("50 pods Running after "
       << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms; idle: "
       << idle_calls / 2 << " runtime calls/s (status_poll 20 ms in this fixture)");
}
