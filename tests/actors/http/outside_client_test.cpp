// Outside clients against the server, as a user would run them: Debian's curl (OpenSSL) and
// kubectl (Go's TLS stack, which offers h2 first).
#include <unistd.h>

#include <array>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "http_fixture.hpp"

namespace troupe::http {
namespace {

using testing::running_server;

std::string run(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
    out.append(buf.data(), n);
  pclose(p);
  return out;
}

TEST_CASE("curl talks to the server over TLS with a bearer token", "[integration][http]") {
  if (access("/usr/bin/curl", X_OK) != 0) {
    WARN("curl not installed; skipped");
    return;
  }
  server_options opts;
  opts.authenticate = bearer_auth{{"curl-token"}}.as_authenticator();
  running_server s{opts, [](request req, responder res) {
                     res.send(response::json(200, "{\"path\":\"" + req.path + "\"}"));
                   }};
  const std::string curl = "/usr/bin/curl -sS --max-time 10 --cacert " +
                           testing::shared_pki().ca_file() + " ";
  const std::string url = s.base + "/api/v1/pods";

  SECTION("with the token") {
    auto out = run(curl + "-H 'Authorization: Bearer curl-token' " + url);
    CHECK(out == "{\"path\":\"/api/v1/pods\"}");
  }
  SECTION("without or with a wrong token") {
    CHECK(run(curl + "-o /dev/null -w '%{http_code}' " + url) == "401");
    CHECK(run(curl + "-o /dev/null -w '%{http_code}' -H 'Authorization: Bearer nope' " + url) ==
          "401");
    CHECK(run(curl + "-o /dev/null -w '%{http_code}' " + s.base + "/healthz") == "200");
  }
  SECTION("HTTP/2 is offered by curl but HTTP/1.1 is negotiated") {
    auto out = run(curl + "--http2 -o /dev/null -w '%{http_version}' " + s.base + "/version");
    CHECK(out == "1.1");
  }
  SECTION("a large POST with Expect: 100-continue") {
    std::string file = testing::shared_pki().dir + "/body.json";
    run("head -c 200000 /dev/zero | tr '\\0' 'a' > " + file);
    auto out = run(curl + "-H 'Authorization: Bearer curl-token' -H 'Expect: 100-continue' "
                          "-o /dev/null -w '%{http_code}' --data-binary @" + file + " " + url);
    CHECK(out == "200");
  }
}

TEST_CASE("kubectl reads through the server over TLS, streams included", "[integration][http]") {
  if (access("/usr/bin/kubectl", X_OK) != 0) {
    WARN("kubectl not installed; skipped");
    return;
  }
  server_options opts;
  opts.authenticate = bearer_auth{{"kube-token"}}.as_authenticator();
  std::vector<std::thread> writers;
  std::mutex mu;
  running_server s{opts, [&](request req, responder res) {
                     if (req.path == "/version")
                       return res.send(response::json(200, R"({"major":"1","minor":"32"})"));
                     if (!req.query_param("watch"))
                       return res.send(response::json(200, R"({"kind":"Thing"})"));
                     auto st = res.open_stream();
                     std::lock_guard<std::mutex> guard{mu};
                     writers.emplace_back([st] {
                       for (int i = 0; i < 3; ++i) {
                         st->write_chunk("{\"n\":" + std::to_string(i) + "}\n");
                         std::this_thread::sleep_for(std::chrono::milliseconds{50});
                       }
                       st->close();
                     });
                   }};
  std::string home = testing::shared_pki().dir + "/home";
  const std::string kubectl = "HOME=" + home + " /usr/bin/kubectl --kubeconfig=/dev/null " +
                              "--request-timeout=10s --server=" + s.base +
                              " --certificate-authority=" + testing::shared_pki().ca_file() + " ";
  CHECK(run(kubectl + "--token=kube-token get --raw /api/v1/things") == R"({"kind":"Thing"})");
  CHECK(run(kubectl + "--token=kube-token get --raw '/api/v1/things?watch=true'") ==
        "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n");
  CHECK(run(kubectl + "--token=wrong get --raw /api/v1/things 2>&1") ==
        "error: You must be logged in to the server (Unauthorized)\n");
  s.srv->stop();
  for (auto& t : writers)
    t.join();
}

} // namespace
} // namespace troupe::http
