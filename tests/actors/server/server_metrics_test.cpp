// troupe-server's /metrics: on the plain-HTTP metrics address (for Prometheus) and on the API port
// behind the bearer token, with API request counts, store commits, process and supervisor figures.
#include <catch2/catch.hpp>

#include "tests/support/server_process.hpp"

using troupe::testing::server_process;
using troupe::testing::sh;

namespace {
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
} // namespace

TEST_CASE("troupe-server serves Prometheus metrics", "[integration][server][metrics]") {
  if (troupe::testing::server_binary().empty()) {
    WARN("troupe-server not built; skipped");
    return;
  }
  server_process server("troupe-metrics");
  REQUIRE(server.start());
  INFO(troupe::testing::slurp(server.log()));
  auto created = server.curl_api("/api/v1/namespaces/default/configmaps",
                                 "-o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' "
                                 "-d '{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"m\"}}'");
  REQUIRE(created.output == "201");
  auto missing = server.curl_api("/api/v1/namespaces/default/configmaps/nope", "-o /dev/null -w '%{http_code}'");
  REQUIRE(missing.output == "404");

  // The supervisors are polled every few seconds: wait for their first figures.
  std::string text;
  for (int i = 0; i < 100; ++i) {
    text = sh("curl -sS " + server.metrics_url()).output;
    if (has(text, "troupe_actor_restarts_total{child=\"controllers\",supervisor=\"root\"}"))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(text);
  CHECK(has(text, "apiserver_request_total{code=\"201\",component=\"apiserver\",group=\"\",resource=\"configmaps\","
                  "scope=\"namespace\",subresource=\"\",verb=\"POST\",version=\"v1\"} 1"));
  CHECK(has(text, "apiserver_request_total{code=\"404\",component=\"apiserver\",group=\"\",resource=\"configmaps\","
                  "scope=\"resource\",subresource=\"\",verb=\"GET\",version=\"v1\"} 1"));
  CHECK(has(text, "apiserver_request_duration_seconds_bucket{"));
  CHECK(has(text, "troupe_store_write_duration_seconds_count{operation=\"create\",result=\"ok\"}"));
  CHECK(has(text, "troupe_store_commit_batch_size_count"));
  CHECK(has(text, "troupe_store_history_events"));
  CHECK(has(text, "apiserver_longrunning_requests{verb=\"WATCH\"} 0"));
  CHECK(has(text, "process_resident_memory_bytes"));
  CHECK(has(text, "troupe_actor_restarts_total{child=\"api_server\",supervisor=\"root\"} 0"));

  SECTION("the API port serves the same behind the token") {
    auto with_token = server.curl_api("/metrics");
    CHECK(has(with_token.output, "apiserver_request_total{"));
    auto without = sh("curl -sS -o /dev/null -w '%{http_code}' --cacert " + server.ca_file() + " " + server.url() +
                      "/metrics");
    CHECK(without.output == "401");
  }
}
