#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "actors/http/auth.hpp"
#include "actors/http/message.hpp"
#include "actors/http/stream.hpp"

namespace troupe::http {
namespace {

TEST_CASE("header_list looks names up case-insensitively", "[unit][http]") {
  header_list h;
  h.add("Content-Type", "application/json");
  h.add("X-Multi", "1");
  h.add("x-multi", "2");
  CHECK(h.get("content-type") == std::optional<std::string_view>{"application/json"});
  CHECK(h.get("CONTENT-TYPE").has_value());
  CHECK_FALSE(h.get("Content-Length").has_value());
  CHECK(h.get("X-MULTI") == std::optional<std::string_view>{"1"});
  h.set("X-Multi", "3");
  CHECK(h.fields().size() == 2);
  CHECK(h.get("x-multi") == std::optional<std::string_view>{"3"});
  h.erase("CONTENT-type");
  CHECK_FALSE(h.has("Content-Type"));
}

TEST_CASE("status_body is a Kubernetes Status failure", "[unit][http]") {
  auto body = nlohmann::json::parse(status_body(404, "NotFound", "pods \"x\" not found"));
  CHECK(body["kind"] == "Status");
  CHECK(body["apiVersion"] == "v1");
  CHECK(body["metadata"] == nlohmann::json::object());
  CHECK(body["status"] == "Failure");
  CHECK(body["message"] == "pods \"x\" not found");
  CHECK(body["reason"] == "NotFound");
  CHECK(body["code"] == 404);
}

TEST_CASE("the 401 body is exactly kube-apiserver's", "[unit][http]") {
  auto r = unauthorized_response();
  CHECK(r.status == 401);
  CHECK(r.body == R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",)"
                  R"("message":"Unauthorized","reason":"Unauthorized","code":401})");
}

TEST_CASE("frame_chunk writes chunked transfer coding", "[unit][http]") {
  struct test_case {
    std::string data;
    std::string size_line;
  };
  const test_case cases[] = {{"a", "1"}, {std::string(15, 'x'), "f"}, {std::string(16, 'x'), "10"},
                             {std::string(4096, 'x'), "1000"}};
  for (const auto& c : cases) {
    INFO(c.data.size());
    CHECK(frame_chunk(c.data) == c.size_line + "\r\n" + c.data + "\r\n");
  }
}

// A sink that records what the stream hands it, standing in for a connection.
struct recording_sink : stream_sink {
  std::vector<std::string> delivered;
  std::vector<bool> finished;
  void deliver(std::string framed, size_t) override { delivered.push_back(std::move(framed)); }
  void finish(bool graceful) override { finished.push_back(graceful); }
};

TEST_CASE("stream: buffering bound, close, and a single on_close", "[unit][http]") {
  auto sink = std::make_shared<recording_sink>();
  int closes = 0;

  SECTION("chunks are framed and counted until written") {
    stream s{sink, 100};
    CHECK(s.write_chunk("hello"));
    CHECK(s.write_chunk("")); // ignored, not a terminator
    CHECK(sink->delivered == std::vector<std::string>{"5\r\nhello\r\n"});
    CHECK(s.buffered() == 5);
    s.written(5);
    CHECK(s.buffered() == 0);
  }
  SECTION("past the limit the stream closes with overflow and aborts") {
    stream s{sink, 10};
    s.on_close([&] { ++closes; });
    CHECK(s.write_chunk("123456"));
    CHECK_FALSE(s.write_chunk("123456"));
    CHECK_FALSE(s.is_open());
    CHECK(s.reason() == close_reason::overflow);
    CHECK(sink->finished == std::vector<bool>{false});
    CHECK_FALSE(s.write_chunk("1"));
    CHECK(closes == 1);
  }
  SECTION("close is graceful, idempotent, and fires on_close once") {
    stream s{sink, 10};
    s.on_close([&] { ++closes; });
    s.close();
    s.close();
    s.ended(close_reason::client_gone);
    CHECK(closes == 1);
    CHECK(s.reason() == close_reason::closed_by_server);
    CHECK(sink->finished == std::vector<bool>{true});
  }
  SECTION("on_close registered after the end fires at once") {
    stream s{sink, 10};
    s.ended(close_reason::client_gone);
    s.on_close([&] { ++closes; });
    CHECK(closes == 1);
    CHECK(s.reason() == close_reason::client_gone);
  }
  SECTION("a stream whose connection is gone refuses writes") {
    stream s{std::weak_ptr<stream_sink>{}, 10};
    CHECK_FALSE(s.write_chunk("x"));
    CHECK(s.reason() == close_reason::client_gone);
  }
}

TEST_CASE("bearer_auth admits exempt paths and accepted tokens only", "[unit][http]") {
  bearer_auth auth{{"s3cret-token", "second"}};
  struct test_case {
    const char* name;
    const char* path;
    const char* authorization; // nullptr: no header
    bool allowed;
  };
  const test_case cases[] = {
      {"version without token", "/version", nullptr, true},
      {"healthz without token", "/healthz", nullptr, true},
      {"readyz without token", "/readyz", nullptr, true},
      {"livez without token", "/livez", nullptr, true},
      {"api without token", "/api", nullptr, false},
      {"sub-path of an exempt path", "/version/x", nullptr, false},
      {"right token", "/api", "Bearer s3cret-token", true},
      {"second token", "/api", "Bearer second", true},
      {"scheme case-insensitive", "/api", "bearer s3cret-token", true},
      {"wrong token", "/api", "Bearer s3cret-tokem", false},
      {"prefix of the token", "/api", "Bearer s3cret", false},
      {"token plus suffix", "/api", "Bearer s3cret-token2", false},
      {"empty token", "/api", "Bearer ", false},
      {"basic auth", "/api", "Basic czNjcmV0LXRva2Vu", false},
      {"token without scheme", "/api", "s3cret-token", false},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    request req;
    req.path = c.path;
    if (c.authorization)
      req.headers.add("Authorization", c.authorization);
    CHECK(auth.allows(req) == c.allowed);
    CHECK(auth.as_authenticator()(req) == c.allowed);
  }
  CHECK_FALSE(bearer_auth{{""}}.accepts(""));
}

} // namespace
} // namespace troupe::http
