#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "http_fixture.hpp"

namespace troupe::http {
namespace {

using testing::running_server;
using json = nlohmann::json;

// Answers with what it received, so tests can check the request the handler saw.
void echo(request req, responder res) {
  json query = json::array();
  for (const auto& [k, v] : req.query)
    query.push_back({k, v});
  json out{{"method", req.method},
           {"path", req.path},
           {"query", query},
           {"body", req.body},
           {"contentType", std::string(req.headers.get("content-type").value_or(""))},
           {"hasAuthorization", req.headers.has("authorization")},
           {"remote", req.remote_address}};
  res.send(response::json(req.method == "POST" ? 201 : 200, out.dump()));
}

TEST_CASE("GET and POST round trip over TLS with keep-alive", "[unit][http]") {
  running_server s{{}, echo};
  client c{s.client_opts()};

  auto get = c.request("GET", s.base + "/api/v1/namespaces/default/pods/web");
  REQUIRE(get.error == "");
  CHECK(get.status == 200);
  CHECK(get.headers.get("Content-Type") == std::optional<std::string_view>{"application/json"});
  auto g = json::parse(get.body);
  CHECK(g["method"] == "GET");
  CHECK(g["path"] == "/api/v1/namespaces/default/pods/web");
  CHECK(g["remote"].get<std::string>().rfind("127.0.0.1:", 0) == 0);

  header_list h;
  h.add("Content-Type", "application/vnd.kubernetes.protobuf");
  auto post = c.request("POST", s.base + "/api/v1/namespaces", h, std::string("k8s\0abc", 7));
  REQUIRE(post.error == "");
  CHECK(post.status == 201);
  auto p = json::parse(post.body);
  CHECK(p["body"] == std::string("k8s\0abc", 7));
  CHECK(p["contentType"] == "application/vnd.kubernetes.protobuf");
  // Both requests went over one kept-alive connection.
  CHECK(s.srv->open_connections() == 1);

  SECTION("a DNS name in the certificate works too") {
    auto by_name = c.request("GET", "https://localhost:" + std::to_string(s.srv->port()) + "/x");
    REQUIRE(by_name.error == "");
    CHECK(by_name.status == 200);
  }
}

TEST_CASE("plain HTTP serves the same handler", "[unit][http]") {
  running_server s{{}, echo, false};
  client c{{}};
  auto r = c.request("PUT", s.base + "/a?b=c", {}, "{}");
  REQUIRE(r.error == "");
  CHECK(json::parse(r.body)["method"] == "PUT");
  CHECK(json::parse(r.body)["contentType"] == "application/json");
}

TEST_CASE("query parameters reach the handler decoded", "[unit][http]") {
  running_server s{{}, echo};
  client c{s.client_opts()};
  auto r = c.request("GET", s.base + "/api/v1/pods?labelSelector=app%3Dweb%2Ctier+in+(a%2Cb)"
                                     "&fieldSelector=spec.nodeName%3Dn1&x=1&x=2&watch");
  REQUIRE(r.error == "");
  auto q = json::parse(r.body)["query"];
  CHECK(q == json::parse(R"j([["fieldSelector","spec.nodeName=n1"],)j"
                         R"j(["labelSelector","app=web,tier in (a,b)"],)j"
                         R"j(["watch",""],["x","1"],["x","2"]])j"));
}

TEST_CASE("bearer tokens: 401 without or with a wrong token, exempt paths open", "[unit][http]") {
  server_options opts;
  opts.authenticate = bearer_auth{{"good-token"}}.as_authenticator();
  running_server s{opts, echo};
  const std::string unauthorized =
      R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
      R"("message":"Unauthorized","reason":"Unauthorized","code":401})";

  struct test_case {
    const char* name;
    const char* token;
    const char* path;
    unsigned status;
  };
  const test_case cases[] = {
      {"no token", "", "/api/v1/pods", 401},
      {"wrong token", "bad-token", "/api/v1/pods", 401},
      {"right token", "good-token", "/api/v1/pods", 200},
      {"version open", "", "/version?timeout=5s", 200},
      {"healthz open", "", "/healthz", 200},
      {"readyz open", "", "/readyz", 200},
      {"livez open", "", "/livez", 200},
      {"wrong token on an open path", "bad-token", "/version", 200},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    client cl{s.client_opts(c.token)};
    auto r = cl.request("GET", s.base + c.path);
    REQUIRE(r.error == "");
    CHECK(r.status == c.status);
    if (c.status == 401) {
      CHECK(r.body == unauthorized);
      CHECK(r.headers.get("Content-Type") == std::optional<std::string_view>{"application/json"});
    }
  }
}

TEST_CASE("bodies over the limit get 413, at the limit pass", "[unit][http]") {
  server_options opts;
  opts.body_limit = 1024;
  running_server s{opts, echo};
  client c{s.client_opts()};

  auto at_limit = c.request("POST", s.base + "/x", {}, std::string(1024, 'a'));
  REQUIRE(at_limit.error == "");
  CHECK(at_limit.status == 201);

  auto over = c.request("POST", s.base + "/x", {}, std::string(1025, 'a'));
  REQUIRE(over.error == "");
  CHECK(over.status == 413);
  auto body = json::parse(over.body);
  CHECK(body["reason"] == "RequestEntityTooLarge");
  CHECK(body["code"] == 413);

  // The client recovers (the server closed that connection) for the next request.
  auto after = c.request("GET", s.base + "/x");
  REQUIRE(after.error == "");
  CHECK(after.status == 200);
}

TEST_CASE("the default body limit is 3 MiB", "[unit][http]") {
  running_server s{{}, echo};
  client c{s.client_opts()};
  auto over = c.request("POST", s.base + "/x", {}, std::string(3 * 1024 * 1024 + 1, 'a'));
  REQUIRE(over.error == "");
  CHECK(over.status == 413);
}

TEST_CASE("handlers may answer later from another thread", "[unit][http]") {
  std::vector<std::thread> workers;
  std::mutex mu;
  running_server s{{}, [&](request req, responder res) {
                     std::lock_guard<std::mutex> guard{mu};
                     workers.emplace_back([req = std::move(req), res] {
                       std::this_thread::sleep_for(std::chrono::milliseconds{20});
                       res.send(response::json(202, "{\"late\":\"" + req.path + "\"}"));
                     });
                   }};
  client c{s.client_opts()};
  for (int i = 0; i < 3; ++i) {
    auto r = c.request("GET", s.base + "/later");
    REQUIRE(r.error == "");
    CHECK(r.status == 202);
    CHECK(r.body == R"({"late":"/later"})");
  }
  s.srv->stop();
  for (auto& t : workers)
    t.join();
}

TEST_CASE("a handler that drops its responder or throws yields a 500 Status", "[unit][http]") {
  running_server s{{}, [](request req, responder) {
                     if (req.path == "/throw")
                       throw std::runtime_error("boom");
                   }};
  client c{s.client_opts()};
  for (const char* path : {"/drop", "/throw"}) {
    INFO(path);
    auto r = c.request("GET", s.base + path);
    REQUIRE(r.error == "");
    CHECK(r.status == 500);
    CHECK(json::parse(r.body)["reason"] == "InternalError");
  }
}

TEST_CASE("the client rejects a server its CA did not sign", "[unit][http]") {
  running_server s{{}, echo};
  client_options o = s.client_opts();
  o.tls = make_client_tls(testing::other_ca_pem()).context;
  client c{o};
  auto r = c.request("GET", s.base + "/x");
  CHECK(r.error.find("certificate verify failed") != std::string::npos);

}

TEST_CASE("the client checks the certificate names the host it dialled", "[unit][http]") {
  auto other = testing::issue_server_cert("DNS:example.com");
  server_options opts;
  opts.tls = make_server_tls_pem(other.cert_pem, other.key_pem).context;
  REQUIRE(opts.tls);
  server srv{opts, echo};
  REQUIRE(srv.start() == "");
  auto port = std::to_string(srv.port());
  client c{running_server{{}, echo}.client_opts()};
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    INFO(host);
    auto r = c.request("GET", "https://" + host + ":" + port + "/x");
    CHECK(r.error.find("certificate verify failed") != std::string::npos);
    CHECK(r.error.find("mismatch") != std::string::npos);
  }
}

TEST_CASE("TLS loaders report unusable inputs", "[unit][http]") {
  CHECK(make_server_tls("/nonexistent/cert", "/nonexistent/key").error ==
        "cannot read certificate file /nonexistent/cert");
  CHECK(make_server_tls_pem("not a pem", testing::shared_pki().key_pem).error != "");
  CHECK(make_server_tls_pem(testing::shared_pki().cert_pem, "not a pem").error != "");
  CHECK(make_client_tls_file("/nonexistent/ca").error ==
        "cannot read certificate authority file /nonexistent/ca");
  CHECK(make_client_tls(testing::shared_pki().ca_pem).error == "");
}

TEST_CASE("start reports a port in use", "[unit][http]") {
  running_server s{{}, echo, false};
  server_options opts;
  opts.port = s.srv->port();
  server second{opts, echo};
  auto err = second.start();
  CHECK(err.rfind("bind 127.0.0.1:" + std::to_string(s.srv->port()) + ":", 0) == 0);
}

} // namespace
} // namespace troupe::http
