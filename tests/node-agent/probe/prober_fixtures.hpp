#pragma once
// Shared pieces of the prober tests: an outcome collector (prober threads write, the test thread
// waits and asserts), probe factories and a fake runtime with a started container to exec in.

#include <catch2/catch.hpp>

#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "config/int_or_string.hpp"
#include "node-agent/probe/prober.hpp"
#include "node-agent/runtime/blocking_call.hpp"
#include "node-agent/runtime/fake_runtime.hpp"
#include "tests/node-agent/runtime/runtime_fixtures.hpp"

namespace troupe::testing {

namespace probe = troupe::node_agent::probe;
namespace rt = troupe::node_agent::runtime;
namespace v1 = troupe::core::v1;
using namespace std::chrono_literals;

struct outcomes {
  std::mutex m;
  std::condition_variable cv;
  std::map<int, std::vector<probe::probe_outcome>> got;

  probe::probe_callback slot(int id) {
    return [this, id](probe::probe_outcome o) {
      std::lock_guard<std::mutex> g(m);
      got[id].push_back(std::move(o));
      cv.notify_all();
    };
  }
  /// True once `n` calls have answered.
  bool wait(std::size_t n, std::chrono::milliseconds limit = 10s) {
    std::unique_lock<std::mutex> l(m);
    return cv.wait_for(l, limit, [&] { return got.size() >= n; });
  }
  /// The one answer of call `id` (waits up to 10 s for it).
  probe::probe_outcome one(int id = 0) {
    std::unique_lock<std::mutex> l(m);
    REQUIRE(cv.wait_for(l, 10s, [&] { return got.count(id) == 1; }));
    REQUIRE(got[id].size() == 1);
    return got[id][0];
  }
};

inline v1::Probe http_probe(int port, const std::string& path, int timeout_s = 2) {
  v1::Probe p;
  auto* h = p.mutable_handler()->mutable_httpget();
  h->set_path(path);
  *h->mutable_port() = troupe::config::int_or_string_from_int(port);
  h->set_host("127.0.0.1");
  p.set_timeoutseconds(timeout_s);
  return p;
}

inline v1::Probe tcp_probe(int port, int timeout_s = 2) {
  v1::Probe p;
  *p.mutable_handler()->mutable_tcpsocket()->mutable_port() = troupe::config::int_or_string_from_int(port);
  p.set_timeoutseconds(timeout_s);
  return p;
}

inline v1::Probe exec_probe(std::vector<std::string> cmd, int timeout_s = 0) {
  v1::Probe p;
  for (auto& c : cmd)
    p.mutable_handler()->mutable_exec()->add_command(c);
  if (timeout_s > 0)
    p.set_timeoutseconds(timeout_s);
  return p;
}

inline probe::probe_target target(const std::string& container_id = "") {
  probe::probe_target t;
  t.pod_ip = "127.0.0.1";
  t.container_id = container_id;
  t.container.set_name("main");
  t.pod = "web_default(uid-web-1)";
  return t;
}

// A fake runtime with a started container "app" to exec in.
struct fake_pod {
  std::shared_ptr<rt::fake_runtime> fake = std::make_shared<rt::fake_runtime>();
  std::string app_id;
  fake_pod() {
    fake->add_local_image("busybox:1.30");
    auto pod = troupe::testing::make_sandbox_config();
    auto sb = rt::await_result<std::string>([&](auto cb) { fake->run_pod_sandbox(pod, 5s, cb); });
    REQUIRE(sb.ok());
    auto id = rt::await_result<std::string>([&](auto cb) {
      fake->create_container(*sb, troupe::testing::make_container_config(pod), pod, 5s, cb);
    });
    REQUIRE(id.ok());
    app_id = *id;
    REQUIRE(rt::await_status([&](auto cb) { fake->start_container(app_id, 5s, cb); }).is_ok());
    fake->set_exec_handler([](const rt::container_info&, const std::vector<std::string>& cmd)
                               -> rt::result<rt::exec_result> {
      if (cmd.at(0) == "/no/such")
        return rt::status::unknown("OCI runtime exec failed: exec: \"/no/such\": not found");
      if (cmd.at(0) == "cat")
        return rt::exec_result{"", "cat: can't open '/tmp/healthy': No such file or directory\n", 1};
      if (cmd.at(0) == "big")
        return rt::exec_result{std::string(8000, 'o'), std::string(8000, 'e'), 2};
      return rt::exec_result{"ok\n", "", 0};
    });
  }
};

} // namespace troupe::testing
