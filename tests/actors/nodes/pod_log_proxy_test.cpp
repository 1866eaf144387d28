// pods/log proxy (actors/apiserver/pod_log_proxy.hpp) against a fake log source and a fake HTTP
// exchange: options reach the node, errors are 400 Statuses, follow repeats with the returned
// offset until the container ends, limitBytes bounds the whole answer, no session falls back.
#include "actors/apiserver/pod_log_proxy.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "proto/core_v1.pb.h"

namespace api = troupe::apiserver;
namespace http = troupe::http;
using namespace std::chrono_literals;

namespace {

// Records what the proxy answered: a response, or a stream's chunks until it closes.
struct fake_exchange : http::exchange, http::stream_sink,
                       std::enable_shared_from_this<fake_exchange> {
  std::mutex mu;
  std::condition_variable cv;
  std::optional<http::response> response;
  unsigned stream_status = 0;
  std::string streamed;
  bool finished = false;
  std::shared_ptr<http::stream> s;

  void send(http::response r) override {
    std::lock_guard<std::mutex> g(mu);
    response = std::move(r);
    finished = true;
    cv.notify_all();
  }
  std::shared_ptr<http::stream> open_stream(unsigned status, http::header_list) override {
    std::lock_guard<std::mutex> g(mu);
    stream_status = status;
    s = std::make_shared<http::stream>(weak_from_this(), 1 << 20);
    return s;
  }
  void deliver(std::string framed, size_t counted) override {
    // framed = "<hex>\r\n<data>\r\n"
    auto start = framed.find("\r\n") + 2;
    std::lock_guard<std::mutex> g(mu);
    streamed += framed.substr(start, counted);
    if (s)
      s->written(counted);
  }
  void finish(bool) override {
    std::lock_guard<std::mutex> g(mu);
    finished = true;
    cv.notify_all();
  }
  bool wait(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> g(mu);
    return cv.wait_for(g, d, [&] { return finished; });
  }
};

troupe::core::v1::Pod pod_on(const std::string& node) {
  troupe::core::v1::Pod p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("shop");
  p.mutable_spec()->set_nodename(node);
  p.mutable_spec()->add_containers()->set_name("app");
  return p;
}

http::request log_request(const std::string& query) {
  http::request r;
  r.method = "GET";
  r.path = "/api/v1/namespaces/shop/pods/web/log";
  r.raw_target = r.path + "?" + query;
  size_t at = 0;
  while (!query.empty() && at <= query.size()) {
    auto amp = query.find('&', at);
    auto part = query.substr(at, amp == std::string::npos ? std::string::npos : amp - at);
    auto eq = part.find('=');
    r.query.emplace(part.substr(0, eq), eq == std::string::npos ? "" : part.substr(eq + 1));
    if (amp == std::string::npos)
      break;
    at = amp + 1;
  }
  return r;
}

// A source that serves "line N\n" for reads 0..lines-1, then says the container ended.
struct counting_source {
  std::mutex mu;
  std::vector<api::pod_log_request> seen;
  int lines = 3;
  api::pod_log_chunk operator()(const api::pod_log_request& q) {
    std::lock_guard<std::mutex> g(mu);
    seen.push_back(q);
    api::pod_log_chunk c;
    if (q.node != "node1")
      return c;  // no session
    const int64_t n = q.offset < 0 ? 0 : q.offset;
    c.what = api::pod_log_chunk::outcome::ok;
    c.text = "line " + std::to_string(n) + "\n";
    c.next_offset = n + 1;
    c.more = n + 1 < lines;
    return c;
  }
};

} // namespace

TEST_CASE("pods/log proxy: a plain read passes the options to the node", "[nodes]") {
  auto source = std::make_shared<counting_source>();
  api::pod_log_options o;
  o.source = [source](const api::pod_log_request& q) { return (*source)(q); };
  auto ex = std::make_shared<fake_exchange>();
  bool served = api::serve_pod_log(
    o, pod_on("node1"), log_request("tailLines=5&sinceSeconds=30&timestamps=true&previous=true&limitBytes=100"),
    http::responder(ex));
  REQUIRE(served);
  REQUIRE(ex->wait(2s));
  REQUIRE(ex->response);
  CHECK(ex->response->status == 200);
  CHECK(ex->response->body == "line 0\n");
  REQUIRE(source->seen.size() == 1);
  const auto& q = source->seen[0];
  CHECK(q.ns == "shop");
  CHECK(q.pod == "web");
  CHECK(q.container == "app");
  CHECK(q.tail_lines == 5);
  CHECK(q.since_seconds == 30);
  CHECK(q.timestamps);
  CHECK(q.previous);
  CHECK(q.limit_bytes == 100);
  CHECK(q.offset == -1);
}

TEST_CASE("pods/log proxy: follow repeats with the offset until the container ends", "[nodes]") {
  auto source = std::make_shared<counting_source>();
  api::pod_log_options o;
  o.source = [source](const api::pod_log_request& q) { return (*source)(q); };
  o.follow_interval = 10ms;
  auto ex = std::make_shared<fake_exchange>();
  REQUIRE(api::serve_pod_log(o, pod_on("node1"), log_request("follow=true"), http::responder(ex)));
  REQUIRE(ex->wait(5s));
  CHECK(ex->stream_status == 200);
  CHECK(ex->streamed == "line 0\nline 1\nline 2\n");
  std::lock_guard<std::mutex> g(source->mu);
  REQUIRE(source->seen.size() == 3);
  CHECK(source->seen[1].offset == 1);
  CHECK(source->seen[2].offset == 2);
}

TEST_CASE("pods/log proxy: limitBytes bounds a follow", "[nodes]") {
  auto source = std::make_shared<counting_source>();
  source->lines = 100;
  api::pod_log_options o;
  o.source = [source](const api::pod_log_request& q) { return (*source)(q); };
  o.follow_interval = 5ms;
  auto ex = std::make_shared<fake_exchange>();
  REQUIRE(api::serve_pod_log(o, pod_on("node1"), log_request("follow=true&limitBytes=10"),
                             http::responder(ex)));
  REQUIRE(ex->wait(5s));
  CHECK(ex->streamed == "line 0\nlin");
}

TEST_CASE("pods/log proxy: errors, bad options and no session", "[nodes]") {
  api::pod_log_options o;
  o.source = [](const api::pod_log_request& q) {
    api::pod_log_chunk c;
    c.what = api::pod_log_chunk::outcome::failed;
    c.error = "container \"" + q.container + "\" in pod \"web\" is not available";
    return c;
  };
  auto ex = std::make_shared<fake_exchange>();
  REQUIRE(api::serve_pod_log(o, pod_on("node1"), log_request(""), http::responder(ex)));
  REQUIRE(ex->response);
  CHECK(ex->response->status == 400);
  auto body = nlohmann::json::parse(ex->response->body);
  CHECK(body["message"] == "container \"app\" in pod \"web\" is not available");

  ex = std::make_shared<fake_exchange>();
  REQUIRE(api::serve_pod_log(o, pod_on("node1"), log_request("tailLines=abc"), http::responder(ex)));
  REQUIRE(ex->response);
  CHECK(ex->response->status == 400);
  CHECK(nlohmann::json::parse(ex->response->body)["message"] == "tailLines: Invalid value: \"abc\"");

  ex = std::make_shared<fake_exchange>();
  REQUIRE(api::serve_pod_log(o, pod_on("node1"), log_request("container=nope"), http::responder(ex)));
  CHECK(nlohmann::json::parse(ex->response->body)["message"] == "container nope is not valid for pod web");

  // Unbound pod, or a node without a session: not served here (the API server answers as before).
  auto source = std::make_shared<counting_source>();
  o.source = [source](const api::pod_log_request& q) { return (*source)(q); };
  ex = std::make_shared<fake_exchange>();
  http::responder kept(ex);  // the router keeps its copy to answer itself
  CHECK_FALSE(api::serve_pod_log(o, pod_on(""), log_request(""), kept));
  CHECK_FALSE(api::serve_pod_log(o, pod_on("node2"), log_request(""), kept));
  CHECK_FALSE(ex->response);
  CHECK_FALSE(kept.answered());
}
