#pragma once
// The pod actor tests' fixture (CONVENTIONS 20): a real actor system, the fake runtime's clock driven
// by real time (fake_runtime_ticker) and given to the actor as its clock, short settings, a parent
// actor that collects the pod_reports. The test thread waits for a report that shows the
// behaviour, then asserts (Catch2 is not thread-safe: assertions only there). Shared by
// pod_actor_test.cpp (restart policies, images, start errors), pod_actor_probes_test.cpp and
// pod_actor_lifecycle_test.cpp (deletion, kill, adoption).
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


namespace pod_actor_testing {

struct report_log {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<na::pod_report> reports;
  std::vector<int64_t> received_ns;  // the fake's clock when each report arrived
};

inline caf::behavior collector(caf::event_based_actor*, std::shared_ptr<report_log> log,
                        std::shared_ptr<rt::fake_runtime> fake) {
  return {[log, fake](na::pod_report& r) {
    std::lock_guard<std::mutex> lock(log->mutex);
    log->reports.push_back(std::move(r));
    log->received_ns.push_back(fake->now_ns());
    log->cv.notify_all();
  }};
}

inline na::pod_ptr make_pod(const json& spec, const std::string& name = "p") {
  json obj = {{"metadata", {{"name", name}, {"namespace", "default"}, {"uid", "uid-" + name}}},
              {"spec", spec}};
  auto p = std::make_shared<v1::Pod>();
  auto rep = troupe::config::json_to_message(obj, *p, troupe::config::decode_mode::strict);
  INFO(troupe::config::to_string(rep.errors));
  REQUIRE(rep.ok());
  return p;
}

/// A container that exits with `code` after `after`.
inline rt::fake_container_behavior exits(std::chrono::milliseconds after, int32_t code) {
  rt::fake_container_behavior b;
  b.exit_after = after;
  b.exit_code = code;
  return b;
}

inline json container(const std::string& name, const json& extra = json::object()) {
  json c = {{"name", name}, {"image", "busybox:1.30"}, {"command", {"sleep", "3600"}}};
  c.merge_patch(extra);
  return c;
}

inline const v1::ContainerStatus* find_status(const v1::PodStatus& s, const std::string& name) {
  for (const auto& c : s.initcontainerstatuses())
    if (c.name() == name)
      return &c;
  for (const auto& c : s.containerstatuses())
    if (c.name() == name)
      return &c;
  return nullptr;
}

inline std::string condition(const v1::PodStatus& s, const std::string& type) {
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


} // namespace pod_actor_testing
