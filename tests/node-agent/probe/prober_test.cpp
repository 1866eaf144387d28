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

TEST_CASE("prober: exec probes through the runtime", "[probe]") {
  fake_pod p;
  probe::prober pr(p.fake);
  outcomes out;
  SECTION("exit 0 passes") {
    pr.run_probe(exec_probe({"true"}), target(p.app_id), out.slot(0));
    auto o = out.one();
    CHECK(o.what == result::success);
    CHECK(p.fake->calls().back().find("ExecSync") == 0);
  }
  SECTION("a non-zero exit fails with the command's output") {
    pr.run_probe(exec_probe({"cat", "/tmp/healthy"}), target(p.app_id), out.slot(0));
    auto o = out.one();
    CHECK(o.what == result::failure);
    CHECK(o.message == "cat: can't open '/tmp/healthy': No such file or directory\n");
  }
  SECTION("output is cut at 10 KiB, stdout first") {
    pr.run_probe(exec_probe({"big"}), target(p.app_id), out.slot(0));
    auto o = out.one();
    CHECK(o.message.size() == 10240);
    CHECK(o.message.substr(7999, 2) == "oe");
  }
  SECTION("a command that cannot start fails with the runtime's error") {
    pr.run_probe(exec_probe({"/no/such"}), target(p.app_id), out.slot(0));
    auto o = out.one();
    CHECK(o.what == result::failure);
    CHECK(o.message ==
          "rpc error: code = Unknown desc = OCI runtime exec failed: exec: \"/no/such\": not found");
  }
  SECTION("a hung exec fails at timeoutSeconds with the kubelet's wording") {
    p.fake->hang_exec("app");
    pr.run_probe(exec_probe({"cat", "/tmp/healthy"}, 3), target(p.app_id), out.slot(0));
    p.fake->advance(2999ms);
    CHECK_FALSE(out.wait(1, 50ms));
    p.fake->advance(1ms);
    auto o = out.one();
    CHECK(o.what == result::failure);
    CHECK(o.message == "command \"cat /tmp/healthy\" timed out");
  }
  SECTION("timeoutSeconds defaults to 1") {
    p.fake->hang_exec("app");
    pr.run_probe(exec_probe({"true"}), target(p.app_id), out.slot(0));
    p.fake->advance(1s);
    CHECK(out.one().message == "command \"true\" timed out");
  }
}

TEST_CASE("prober: tcpSocket probes on loopback", "[probe]") {
  probe::prober pr(nullptr);
  outcomes out;
  SECTION("an open port passes, at the pod IP when no host is given") {
    test_server srv([](const std::string&) { return std::string(); });
    pr.run_probe(tcp_probe(srv.port()), target(), out.slot(0));
    auto o = out.one();
    CHECK(o.what == result::success);
    CHECK(o.message.empty());
  }
  SECTION("a closed port fails as Go's dialer says it") {
    int port = closed_port();
    pr.run_probe(tcp_probe(port), target(), out.slot(0));
    auto o = out.one();
    CHECK(o.what == result::failure);
    CHECK(o.message ==
          "dial tcp 127.0.0.1:" + std::to_string(port) + ": connect: connection refused");
  }
  SECTION("a named port resolves against the container's ports") {
    test_server srv([](const std::string&) { return std::string(); });
    auto t = target();
    auto* cp = t.container.add_ports();
    cp->set_name("web");
    cp->set_containerport(srv.port());
    auto pr_ = tcp_probe(0);
    *pr_.mutable_handler()->mutable_tcpsocket()->mutable_port() = int_or_string_from_string("web");
    pr.run_probe(pr_, t, out.slot(0));
    CHECK(out.one(0).what == result::success);
    *pr_.mutable_handler()->mutable_tcpsocket()->mutable_port() = int_or_string_from_string("admin");
    pr.run_probe(pr_, t, out.slot(1));
    auto o = out.one(1);
    CHECK(o.what == result::failure);
    CHECK(o.message == "strconv.Atoi: parsing \"admin\": invalid syntax");
  }
  SECTION("a connect that never completes fails with i/o timeout") {
    // A listener whose accept queue is full: Linux drops further SYNs, so connect hangs.
    int lfd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(lfd, 0);
    socklen_t len = sizeof a;
    ::getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len);
    std::vector<int> fillers;
    for (int i = 0; i < 4; ++i) {
      int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
      fillers.push_back(fd);
    }
    std::this_thread::sleep_for(100ms);
    auto started = std::chrono::steady_clock::now();
    pr.run_probe(tcp_probe(ntohs(a.sin_port), 1), target(), out.slot(0));
    auto o = out.one();
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(o.what == result::failure);
    CHECK(o.message == "dial tcp 127.0.0.1:" + std::to_string(ntohs(a.sin_port)) + ": i/o timeout");
    CHECK(took >= 900ms);
    CHECK(took < 3s);
    for (int fd : fillers)
      ::close(fd);
    ::close(lfd);
  }
}

TEST_CASE("prober: httpGet probes against a loopback server", "[probe]") {
  probe::prober pr(nullptr);
  outcomes out;
  SECTION("status codes, table") {
    struct row {
      int status;
      result what;
      std::string message;
    };
    const std::vector<row> rows = {
        {200, result::success, "fine"},
        {404, result::failure, "HTTP probe failed with statuscode: 404"},
        {500, result::failure, "HTTP probe failed with statuscode: 500"},
    };
    int id = 0;
    for (const auto& r : rows) {
      INFO("status " << r.status);
      test_server srv([&](const std::string&) { return http_answer(r.status, "fine"); });
      pr.run_probe(http_probe(srv.port(), "/healthz"), target(), out.slot(id));
      auto o = out.one(id++);
      CHECK(o.what == r.what);
      CHECK(o.message == r.message);
    }
  }
  SECTION("the request: path, Host, User-Agent kube-probe/1.32, Accept, given headers") {
    test_server srv([](const std::string&) { return http_answer(200, ""); });
    auto p = http_probe(srv.port(), "/healthz?full=1");
    auto* h = p.mutable_handler()->mutable_httpget()->add_httpheaders();
    h->set_name("x-custom");
    h->set_value("yes");
    pr.run_probe(p, target(), out.slot(0));
    CHECK(out.one().what == result::success);
    auto reqs = srv.requests();
    REQUIRE(reqs.size() == 1);
    const auto& req = reqs[0];
    CHECK(req.find("GET /healthz?full=1 HTTP/1.1\r\n") == 0);
    CHECK(req.find("\r\nHost: 127.0.0.1:" + std::to_string(srv.port()) + "\r\n") != std::string::npos);
    CHECK(req.find("\r\nUser-Agent: kube-probe/1.32\r\n") != std::string::npos);
    CHECK(req.find("\r\nAccept: */*\r\n") != std::string::npos);
    CHECK(req.find("\r\nX-Custom: yes\r\n") != std::string::npos);
    CHECK(req.find("\r\nConnection: close\r\n") != std::string::npos);
  }
  SECTION("a redirect on the same host is followed; to another host it passes with a warning") {
    test_server srv([](const std::string& req) {
      if (req.find("GET /old ") == 0)
        return http_answer(302, "", "Location: /new\r\n");
      if (req.find("GET /away ") == 0)
        return http_answer(302, "moved", "Location: http://example.invalid/x\r\n");
      return http_answer(200, "new");
    });
    pr.run_probe(http_probe(srv.port(), "/old"), target(), out.slot(0));
    auto o = out.one(0);
    CHECK(o.what == result::success);
    CHECK(srv.requests().size() == 2);
    pr.run_probe(http_probe(srv.port(), "/away"), target(), out.slot(1));
    o = out.one(1);
    CHECK(o.what == result::warning);
    CHECK(o.passed());
    CHECK(o.message == "Probe terminated redirects, Response body: moved");
  }
  SECTION("a redirect loop stops after 10 requests") {
    test_server srv([](const std::string&) { return http_answer(302, "", "Location: /loop\r\n"); });
    pr.run_probe(http_probe(srv.port(), "/loop"), target(), out.slot(0));
    auto o = out.one();
    CHECK(o.what == result::failure);
    CHECK(o.message == "Get \"http://127.0.0.1:" + std::to_string(srv.port()) +
                           "/loop\": stopped after 10 redirects");
    CHECK(srv.requests().size() == 10);
  }
  SECTION("a closed port: Go's client error") {
    int port = closed_port();
    pr.run_probe(http_probe(port, "/healthz"), target(), out.slot(0));
    auto o = out.one();
    CHECK(o.what == result::failure);
    auto addr = "127.0.0.1:" + std::to_string(port);
    CHECK(o.message == "Get \"http://" + addr + "/healthz\": dial tcp " + addr +
                           ": connect: connection refused");
  }
  SECTION("a server that accepts but never answers: timeout wording, at timeoutSeconds") {
    test_server srv([](const std::string&) { return std::nullopt; });
    auto started = std::chrono::steady_clock::now();
    pr.run_probe(http_probe(srv.port(), "/", 1), target(), out.slot(0));
    auto o = out.one();
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(o.what == result::failure);
    CHECK(o.message == "Get \"http://127.0.0.1:" + std::to_string(srv.port()) +
                           "/\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
    CHECK(took >= 900ms);
    CHECK(took < 3s);
  }
  SECTION("a named port") {
    test_server srv([](const std::string&) { return http_answer(200, ""); });
    auto t = target();
    auto* cp = t.container.add_ports();
    cp->set_name("http");
    cp->set_containerport(srv.port());
    auto p = http_probe(0, "/");
    *p.mutable_handler()->mutable_httpget()->mutable_port() = int_or_string_from_string("http");
    p.mutable_handler()->mutable_httpget()->clear_host();  // the pod IP
    pr.run_probe(p, t, out.slot(0));
    CHECK(out.one().what == result::success);
  }
}

TEST_CASE("prober: httpGet with scheme HTTPS", "[probe]") {
  probe::prober pr(nullptr);
  outcomes out;
  SECTION("TLS without verifying the certificate, status codes as for HTTP") {
    test_server srv([](const std::string& req) {
      return http_answer(req.find("GET /bad ") == 0 ? 503 : 200, "secure");
    }, true);
    auto p = http_probe(srv.port(), "/healthz");
    p.mutable_handler()->mutable_httpget()->set_scheme("HTTPS");
    pr.run_probe(p, target(), out.slot(0));
    auto o = out.one(0);
    CHECK(o.what == result::success);
    CHECK(o.message == "secure");
    REQUIRE(srv.requests().size() == 1);
    CHECK(srv.requests()[0].find("\r\nUser-Agent: kube-probe/1.32\r\n") != std::string::npos);
    p.mutable_handler()->mutable_httpget()->set_path("/bad");
    pr.run_probe(p, target(), out.slot(1));
    o = out.one(1);
    CHECK(o.what == result::failure);
    CHECK(o.message == "HTTP probe failed with statuscode: 503");
  }
  SECTION("an HTTPS probe against a plain HTTP server: Go's wording") {
    test_server srv([](const std::string&) { return http_answer(400, "Client sent an HTTP request to an HTTPS server."); });
    auto p = http_probe(srv.port(), "/");
    p.mutable_handler()->mutable_httpget()->set_scheme("HTTPS");
    pr.run_probe(p, target(), out.slot(0));
    auto o = out.one();
    CHECK(o.what == result::failure);
    CHECK(o.message == "Get \"https://127.0.0.1:" + std::to_string(srv.port()) +
                           "/\": http: server gave HTTP response to HTTPS client");
  }
  SECTION("an HTTPS hook against a plain HTTP server is retried over HTTP (a warning)") {
    test_server srv([](const std::string&) { return http_answer(200, ""); });
    v1::LifecycleHandler h;
    h.mutable_httpget()->set_scheme("HTTPS");
    h.mutable_httpget()->set_path("/hook");
    *h.mutable_httpget()->mutable_port() = int_or_string_from_int(srv.port());
    auto* auth = h.mutable_httpget()->add_httpheaders();
    auth->set_name("Authorization");
    auth->set_value("Bearer x");
    pr.run_hook(h, target(), 5s, out.slot(0));
    auto o = out.one();
    CHECK(o.what == result::warning);
    CHECK(o.message == "request to HTTPS lifecycle hook 127.0.0.1:" + std::to_string(srv.port()) +
                           " got HTTP response, retry with HTTP succeeded");
    auto reqs = srv.requests();
    REQUIRE(reqs.size() == 1);  // the TLS hello is no request; the plain retry is
    CHECK(reqs[0].find("GET /hook HTTP/1.1\r\n") == 0);
    CHECK(reqs[0].find("Authorization") == std::string::npos);
  }
}

TEST_CASE("prober: never more than `threads` probes at once", "[probe]") {
  test_server srv([](const std::string&) {
    std::this_thread::sleep_for(200ms);
    return http_answer(200, "");
  });
  outcomes out;
  auto started = std::chrono::steady_clock::now();
  {
    probe::prober pr(nullptr, 2);
    for (int i = 0; i < 6; ++i)
      pr.run_probe(http_probe(srv.port(), "/", 5), target(), out.slot(i));
    REQUIRE(out.wait(6));
  }
  auto took = std::chrono::steady_clock::now() - started;
  for (int i = 0; i < 6; ++i)
    CHECK(out.got[i].size() == 1);
  CHECK(srv.max_concurrent() == 2);
  CHECK(took >= 550ms);  // three rounds of two
}

TEST_CASE("prober: a probe's timeout starts when it is tried, not while it is queued", "[probe]") {
  test_server srv([](const std::string&) {
    std::this_thread::sleep_for(600ms);
    return http_answer(200, "");
  });
  probe::prober pr(nullptr, 1);
  outcomes out;
  for (int i = 0; i < 3; ++i)  // the third starts after ~1.2 s, past its 1 s from the call
    pr.run_probe(http_probe(srv.port(), "/", 1), target(), out.slot(i));
  for (int i = 0; i < 3; ++i) {
    INFO("probe " << i);
    auto o = out.one(i);
    CHECK(o.what == result::success);
    CHECK(o.message.empty());
  }
}

TEST_CASE("prober: destruction answers calls in flight once, with a failure", "[probe]") {
  fake_pod p;
  p.fake->hang_exec("app");
  test_server silent([](const std::string&) { return std::nullopt; });
  outcomes out;
  auto started = std::chrono::steady_clock::now();
  {
    probe::prober pr(p.fake, 2);
    for (int i = 0; i < 3; ++i)  // two on the threads, one queued
      pr.run_probe(http_probe(silent.port(), "/", 30), target(), out.slot(i));
    pr.run_probe(exec_probe({"sleep", "100"}, 30), target(p.app_id), out.slot(3));
    v1::LifecycleHandler sleep;
    sleep.mutable_sleep()->set_seconds(30);
    pr.run_hook(sleep, target(), 60s, out.slot(4));
    std::this_thread::sleep_for(200ms);
    CHECK_FALSE(out.wait(1, 1ms));
  }
  auto took = std::chrono::steady_clock::now() - started;
  CHECK(took < 3s);
  REQUIRE(out.got.size() == 5);
  for (auto& [id, v] : out.got) {
    INFO("call " << id);
    REQUIRE(v.size() == 1);
    CHECK(v[0].what == result::failure);
    CHECK(v[0].message == "probe cancelled: the prober is stopping");
  }
  p.fake->advance(60s);  // the runtime's late answer to the exec is dropped
  CHECK(out.got[3].size() == 1);
}

