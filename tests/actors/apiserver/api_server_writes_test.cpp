// The API server's writes do not hold its request threads while they wait for their sync: with the
// store's commits held, more creates than request threads are in the store's hands at once, reads
// still answer, and every create answers once the commits go through. A commit the store refuses
// answers its creates with the store's error.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "actors/apiserver/api_server.hpp"
#include "actors/http/client.hpp"
#include "store/engine_store.hpp"
#include "tests/store/scripted_engine.hpp"
#include "tests/support/server_process.hpp"

using namespace troupe;
using nlohmann::json;

namespace {

struct paused_server {
  std::shared_ptr<testing::scripted_engine::control> control =
    std::make_shared<testing::scripted_engine::control>();
  std::shared_ptr<store::engine_store> store;
  std::unique_ptr<apiserver::api_server> server;
  std::string base;

  explicit paused_server(unsigned request_threads) {
    store = std::make_shared<store::engine_store>(std::make_unique<testing::scripted_engine>(control),
                                                  store::store_options{});
    REQUIRE(store->start());
    apiserver::api_server_options o;
    o.store = store;
    o.port = 0;
    o.request_threads = request_threads;
    server = std::make_unique<apiserver::api_server>(o);
    REQUIRE(server->start() == "");
    base = "http://127.0.0.1:" + std::to_string(server->port());
  }
  ~paused_server() {
    control->paused = false;
    server->stop();
  }

  static http::client_options client_options() {
    http::client_options o;
    o.timeout = std::chrono::seconds(20);
    return o;
  }
  http::client_response create_configmap(const std::string& name) const {
    http::client c(client_options());
    json cm = {{"apiVersion", "v1"},
               {"kind", "ConfigMap"},
               {"metadata", {{"name", name}}},
               {"data", {{"k", "v"}}}};
    return c.request("POST", base + "/api/v1/namespaces/default/configmaps", {}, cm.dump());
  }
};

} // namespace

TEST_CASE("api server: creates waiting for their sync hold no request thread, and reads answer "
          "meanwhile",
          "[integration][apiserver]") {
  paused_server s(2);  // two request threads
  const int commits_before = s.control->commits.load();  // the system namespaces'
  const auto syncs_before = s.store->stats().syncs;
  s.control->paused = true;

  constexpr int creates = 6;
  std::vector<http::client_response> answers(creates);
  std::vector<std::thread> clients;
  for (int i = 0; i < creates; ++i)
    clients.emplace_back([&, i] { answers[i] = s.create_configmap("held-" + std::to_string(i)); });

  // All six are in the store's hands at once: three times the request threads. A request thread
  // waiting for its write would leave at most two.
  REQUIRE(testing::eventually([&] { return s.store->stats().pending_writes == creates; },
                              std::chrono::seconds(20)));
  CHECK(s.control->commits.load() == commits_before + 1);  // the first, held; the rest wait

  // A read is answered now, from what is durable: none of the held creates.
  http::client reader(paused_server::client_options());
  auto list = reader.request("GET", s.base + "/api/v1/namespaces/default/configmaps");
  REQUIRE(list.ok());
  CHECK(list.status == 200);
  CHECK(json::parse(list.body)["items"].empty());
  for (const auto& a : answers)
    CHECK(a.status == 0);  // still waiting

  s.control->paused = false;
  for (auto& t : clients)
    t.join();
  for (int i = 0; i < creates; ++i) {
    INFO("create " << i << ": " << answers[i].error << " " << answers[i].body);
    REQUIRE(answers[i].ok());
    CHECK(answers[i].status == 201);
    auto body = json::parse(answers[i].body);
    CHECK(body["metadata"]["name"] == "held-" + std::to_string(i));
    CHECK(!body["metadata"]["resourceVersion"].get<std::string>().empty());
  }
  CHECK(s.store->stats().pending_writes == 0);
  // However they were grouped (the first commit may have taken some or all of them), every one
  // was committed, in at most two syncs: the held one and one after it.
  CHECK(s.store->stats().syncs - syncs_before <= 2);
  list = reader.request("GET", s.base + "/api/v1/namespaces/default/configmaps");
  REQUIRE(list.ok());
  CHECK(json::parse(list.body)["items"].size() == creates);
}

TEST_CASE("api server: a write the store refuses answers with the store's error",
          "[integration][apiserver]") {
  paused_server s(2);
  s.control->fail = true;
  auto a = s.create_configmap("refused");
  REQUIRE(a.ok());
  CHECK(a.status == 500);
  CHECK(a.body.find("no space left on device") != std::string::npos);
  // Later writes: the store takes none until reopened, and says so.
  auto b = s.create_configmap("later");
  REQUIRE(b.ok());
  CHECK(b.status == 503);
  CHECK(b.body.find("takes no more writes until reopened") != std::string::npos);
  CHECK(s.store->stats().pending_writes == 0);
}
