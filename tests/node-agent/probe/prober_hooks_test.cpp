#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "tests/node-agent/probe/loopback_server.hpp"
#include "tests/node-agent/probe/prober_fixtures.hpp"

namespace probe = troupe::node_agent::probe;
namespace rt = troupe::node_agent::runtime;
namespace v1 = troupe::core::v1;
using namespace std::chrono_literals;
using troupe::config::int_or_string_from_int;
using troupe::config::int_or_string_from_string;
using troupe::testing::closed_port;
using troupe::testing::exec_probe;
using troupe::testing::fake_pod;
using troupe::testing::http_answer;
using troupe::testing::http_probe;
using troupe::testing::outcomes;
using troupe::testing::target;
using troupe::testing::tcp_probe;
using troupe::testing::test_server;
using result = probe::probe_outcome::result;

TEST_CASE("prober: lifecycle hooks", "[probe]") {
  fake_pod p;
  probe::prober pr(p.fake);
  outcomes out;
  SECTION("exec hook: success, and the kubelet's FailedPostStartHook text") {
    v1::LifecycleHandler ok;
    ok.mutable_exec()->add_command("true");
    pr.run_hook(ok, target(p.app_id), 5s, out.slot(0));
    CHECK(out.one(0).what == result::success);
    v1::LifecycleHandler bad;
    bad.mutable_exec()->add_command("cat");
    bad.mutable_exec()->add_command("/tmp/healthy");
    pr.run_hook(bad, target(p.app_id), 5s, out.slot(1));
    auto o = out.one(1);
    CHECK(o.what == result::failure);
    CHECK(o.message ==
          "Exec lifecycle hook ([cat /tmp/healthy]) for Container \"main\" in Pod "
          "\"web_default(uid-web-1)\" failed - error: command 'cat /tmp/healthy' exited with 1: "
          "cat: can't open '/tmp/healthy': No such file or directory\n, message: \"cat: can't open "
          "'/tmp/healthy': No such file or directory\\n\"");
  }
  SECTION("exec hook past its limit fails") {
    p.fake->hang_exec("app");
    v1::LifecycleHandler h;
    h.mutable_exec()->add_command("sleep");
    pr.run_hook(h, target(p.app_id), 2s, out.slot(0));
    p.fake->advance(2s);
    auto o = out.one();
    CHECK(o.what == result::failure);
    CHECK(o.message.find("Exec lifecycle hook ([sleep]) for Container \"main\"") == 0);
    CHECK(o.message.find("DeadlineExceeded") != std::string::npos);
  }
  SECTION("httpGet hook: any status passes, User-Agent kube-lifecycle/1.32") {
    test_server srv([](const std::string&) { return http_answer(500, "oops"); });
    v1::LifecycleHandler h;
    h.mutable_httpget()->set_path("/hook");
    *h.mutable_httpget()->mutable_port() = int_or_string_from_int(srv.port());
    pr.run_hook(h, target(), 5s, out.slot(0));
    CHECK(out.one().what == result::success);
    REQUIRE(srv.requests().size() == 1);
    CHECK(srv.requests()[0].find("\r\nUser-Agent: kube-lifecycle/1.32\r\n") != std::string::npos);
  }
  SECTION("httpGet hook to a closed port fails with the kubelet's text") {
    int port = closed_port();
    v1::LifecycleHandler h;
    h.mutable_httpget()->set_path("/hook");
    *h.mutable_httpget()->mutable_port() = int_or_string_from_int(port);
    pr.run_hook(h, target(), 5s, out.slot(0));
    auto o = out.one();
    auto addr = "127.0.0.1:" + std::to_string(port);
    CHECK(o.what == result::failure);
    CHECK(o.message == "HTTP lifecycle hook (/hook) for Container \"main\" in Pod "
                       "\"web_default(uid-web-1)\" failed - error: Get \"http://" + addr +
                           "/hook\": dial tcp " + addr + ": connect: connection refused");
  }
  SECTION("tcpSocket hook is rejected without connecting") {
    test_server srv([](const std::string&) { return http_answer(200, ""); });
    v1::LifecycleHandler h;
    *h.mutable_tcpsocket()->mutable_port() = int_or_string_from_int(8080);
    pr.run_hook(h, target(), 5s, out.slot(0));
    auto o = out.one();
    CHECK(o.what == result::failure);
    CHECK(o.message ==
          "Cannot run handler: invalid handler: &LifecycleHandler{Exec:nil,HTTPGet:nil,"
          "TCPSocket:&TCPSocketAction{Port:{0 8080 },Host:,},Sleep:nil,}");
    CHECK(srv.connections() == 0);
  }
  SECTION("sleep hook: done within the limit passes; cut by the limit fails") {
    v1::LifecycleHandler h;
    h.mutable_sleep()->set_seconds(1);
    auto started = std::chrono::steady_clock::now();
    pr.run_hook(h, target(), 5s, out.slot(0));
    CHECK(out.one(0).what == result::success);
    CHECK(std::chrono::steady_clock::now() - started >= 950ms);
    pr.run_hook(h, target(), 200ms, out.slot(1));
    auto o = out.one(1);
    CHECK(o.what == result::failure);
    CHECK(o.message == "Sleep lifecycle hook (1) for Container \"main\" in Pod "
                       "\"web_default(uid-web-1)\" failed - error: container terminated before "
                       "sleep hook finished");
  }
}

TEST_CASE("prober: a sleep hook does not hold a prober thread", "[probe]") {
  test_server srv([](const std::string&) { return http_answer(200, ""); });
  probe::prober pr(nullptr, 1);
  outcomes out;
  v1::LifecycleHandler sleep;
  sleep.mutable_sleep()->set_seconds(2);
  auto started = std::chrono::steady_clock::now();
  pr.run_hook(sleep, target(), 10s, out.slot(0));
  pr.run_probe(http_probe(srv.port(), "/"), target(), out.slot(1));
  auto o = out.one(1);  // answered while the only pool thread would be sleeping otherwise
  CHECK(o.what == result::success);
  auto probe_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started).count();
  CHECK(probe_ms < 1000);
  CHECK(out.one(0).what == result::success);
  CHECK(std::chrono::steady_clock::now() - started >= 1900ms);
}
