#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "config/int_or_string.hpp"
#include "node-agent/probe/http_response.hpp"

namespace probe = troupe::node_agent::probe;
namespace v1 = troupe::core::v1;
using troupe::config::int_or_string_from_int;
using troupe::config::int_or_string_from_string;

TEST_CASE("resolve_port: ints, named ports, ints as strings, errors, table", "[probe]") {
  v1::Container c;
  auto* p = c.add_ports();
  p->set_name("http");
  p->set_containerport(8080);
  struct row {
    troupe::meta::IntOrString port;
    int want;
    std::string error;
  };
  const std::vector<row> rows = {
      {int_or_string_from_int(80), 80, ""},
      {int_or_string_from_string("http"), 8080, ""},
      {int_or_string_from_string("9090"), 9090, ""},
      {int_or_string_from_string("metrics"), 0, "strconv.Atoi: parsing \"metrics\": invalid syntax"},
      {int_or_string_from_int(0), 0, "invalid port number: 0"},
      {int_or_string_from_int(65536), 0, "invalid port number: 65536"},
      {int_or_string_from_string("-1"), 0, "invalid port number: -1"},
      {int_or_string_from_string(""), 0, "strconv.Atoi: parsing \"\": invalid syntax"},
  };
  for (const auto& r : rows) {
    INFO("port: " << troupe::config::to_string(r.port));
    auto got = probe::resolve_port(r.port, c);
    CHECK(got.error == r.error);
    if (r.error.empty())
      CHECK(got.port == r.want);
  }
}

TEST_CASE("URLs as formatURL prints them, table", "[probe]") {
  struct row {
    std::string scheme, host;
    int port;
    std::string path, text, target;
  };
  const std::vector<row> rows = {
      {"", "10.0.0.5", 8080, "/healthz", "http://10.0.0.5:8080/healthz", "/healthz"},
      {"HTTP", "10.0.0.5", 80, "", "http://10.0.0.5:80", "/"},
      {"HTTPS", "10.0.0.5", 443, "healthz", "https://10.0.0.5:443/healthz", "/healthz"},
      {"", "::1", 80, "/x?a=b", "http://[::1]:80/x?a=b", "/x?a=b"},
      {"", "h", 80, "?q=1", "http://h:80?q=1", "/?q=1"},
      {"", "h", 80, "/p#frag", "http://h:80/p#frag", "/p"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    auto u = probe::make_url(r.scheme, r.host, r.port, r.path);
    CHECK(u.text() == r.text);
    CHECK(u.target() == r.target);
  }
}

TEST_CASE("request headers and request text as the kubelet sends them", "[probe]") {
  CHECK(probe::canonical_header_name("x-forwarded-for") == "X-Forwarded-For");
  CHECK(probe::canonical_header_name("USER-AGENT") == "User-Agent");
  CHECK(probe::canonical_header_name("bad header") == "bad header");

  google::protobuf::RepeatedPtrField<v1::HTTPHeader> given;
  auto add = [&](const std::string& n, const std::string& v) {
    auto* h = given.Add();
    h->set_name(n);
    h->set_value(v);
  };
  SECTION("defaults") {
    auto h = probe::request_headers(given, probe::probe_user_agent);
    CHECK(h == probe::header_list{{"User-Agent", "kube-probe/1.32"}, {"Accept", "*/*"}});
    auto u = probe::make_url("", "10.0.0.5", 8080, "/healthz");
    CHECK(probe::build_request(u, h) ==
          "GET /healthz HTTP/1.1\r\nHost: 10.0.0.5:8080\r\nUser-Agent: kube-probe/1.32\r\n"
          "Accept: */*\r\nConnection: close\r\n\r\n");
  }
  SECTION("given headers: canonical names, own User-Agent and Host, empty Accept removed") {
    add("x-token", "a");
    add("X-Token", "b");
    add("user-agent", "mine/1");
    add("accept", "");
    add("host", "example.com");
    auto h = probe::request_headers(given, probe::hook_user_agent);
    CHECK(h == probe::header_list{{"User-Agent", "mine/1"},
                                  {"Host", "example.com"},
                                  {"X-Token", "a"},
                                  {"X-Token", "b"}});
    auto req = probe::build_request(probe::make_url("", "10.0.0.5", 80, "/"), h);
    CHECK(req ==
          "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: mine/1\r\nX-Token: a\r\n"
          "X-Token: b\r\nConnection: close\r\n\r\n");
  }
}

TEST_CASE("parse_response: heads, bodies, chunks, errors, table", "[probe]") {
  struct row {
    std::string name, bytes;
    bool eof;
    probe::read_state state;
    int status;
    std::string body, error;
  };
  using rs = probe::read_state;
  const std::vector<row> rows = {
      {"nothing yet", "", false, rs::need_more, 0, "", ""},
      {"closed before anything", "", true, rs::malformed, 0, "", "EOF"},
      {"closed in the head", "HTTP/1.1 200 OK\r\nContent-", true, rs::malformed, 0, "",
       "unexpected EOF"},
      {"content-length complete", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false,
       rs::complete, 200, "ok", ""},
      {"content-length partial", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok", false,
       rs::need_more, 200, "ok", ""},
      {"content-length cut by EOF", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok", true,
       rs::malformed, 200, "ok", "unexpected EOF"},
      {"no length: until EOF", "HTTP/1.0 404 Not Found\r\n\r\nnope", true, rs::complete, 404,
       "nope", ""},
      {"no length, open", "HTTP/1.0 404 Not Found\r\n\r\nnope", false, rs::need_more, 404, "nope",
       ""},
      {"chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n3;x=y\r\ncde\r\n0\r\n\r\n",
       false, rs::complete, 200, "abcde", ""},
      {"chunked partial", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n", false,
       rs::need_more, 200, "ab", ""},
      {"204 has no body", "HTTP/1.1 204 No Content\r\n\r\n", false, rs::complete, 204, "", ""},
      {"100 continue then the answer",
       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n", false,
       rs::complete, 500, "", ""},
      {"bare newlines", "HTTP/1.1 302 Found\nLocation: /x\n\n", true, rs::complete, 302, "", ""},
      {"not http", "SSH-2.0-OpenSSH\r\n\r\n", false, rs::malformed, 0, "",
       "net/http: HTTP/1.x transport connection broken: malformed HTTP response \"SSH-2.0-OpenSSH\""},
      {"bad status code", "HTTP/1.1 2x0 OK\r\n\r\n", false, rs::malformed, 0, "",
       "net/http: HTTP/1.x transport connection broken: malformed HTTP status code \"2x0\""},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    probe::http_response resp;
    std::string error;
    auto st = probe::parse_response(r.bytes, r.eof, resp, error);
    CHECK(st == r.state);
    CHECK(error == r.error);
    if (st != rs::malformed || r.status != 0) {
      CHECK(resp.status == r.status);
      CHECK(resp.body == r.body);
    }
  }
  SECTION("bodies are cut at 10 KiB") {
    std::string big(20000, 'x');
    probe::http_response resp;
    std::string error;
    auto st = probe::parse_response("HTTP/1.1 200 OK\r\nContent-Length: 20000\r\n\r\n" + big.substr(0, 12000),
                                    false, resp, error);
    CHECK(st == rs::complete);
    CHECK(resp.body.size() == 10240);
  }
}

TEST_CASE("judge_http_response: 2xx passes, 3xx warns, others fail, table", "[probe]") {
  using k = probe::probe_verdict::kind;
  struct row {
    int status;
    k what;
    std::string message;
  };
  const std::vector<row> rows = {
      {200, k::success, "body"},
      {204, k::success, "body"},
      {302, k::warning, "Probe terminated redirects, Response body: body"},
      {399, k::warning, "Probe terminated redirects, Response body: body"},
      {400, k::failure, "HTTP probe failed with statuscode: 400"},
      {404, k::failure, "HTTP probe failed with statuscode: 404"},
      {500, k::failure, "HTTP probe failed with statuscode: 500"},
      {199, k::failure, "HTTP probe failed with statuscode: 199"},
  };
  for (const auto& r : rows) {
    INFO("status " << r.status);
    probe::http_response resp;
    resp.status = r.status;
    resp.body = "body";
    auto v = probe::judge_http_response(resp);
    CHECK(v.what == r.what);
    CHECK(v.message == r.message);
  }
}

TEST_CASE("redirect_target: same hostname followed, others stop, table", "[probe]") {
  auto current = probe::make_url("http", "10.0.0.5", 8080, "/a/b?x=1");
  struct row {
    int status;
    std::string location;
    std::optional<std::string> next;  // the next URL's text; none = stop here
  };
  const std::vector<row> rows = {
      {302, "/healthz", "http://10.0.0.5:8080/healthz"},
      {301, "c", "http://10.0.0.5:8080/a/c"},
      {307, "?y=2", "http://10.0.0.5:8080/a/b?y=2"},
      {308, "http://10.0.0.5:9090/other", "http://10.0.0.5:9090/other"},  // port aside: same host
      {303, "//10.0.0.5/z", "http://10.0.0.5/z"},
      {302, "http://example.com/", std::nullopt},
      {302, "https://10.0.0.6:443/", std::nullopt},
      {302, "", std::nullopt},
      {300, "/healthz", std::nullopt},  // not a code Go follows
      {304, "/healthz", std::nullopt},
      {200, "/healthz", std::nullopt},
      {302, "ftp://10.0.0.5/x", std::nullopt},
  };
  for (const auto& r : rows) {
    INFO(r.status << " " << r.location);
    probe::http_response resp;
    resp.status = r.status;
    if (!r.location.empty())
      resp.headers.emplace_back("Location", r.location);
    auto next = probe::redirect_target(current, resp);
    REQUIRE(next.has_value() == r.next.has_value());
    if (next)
      CHECK(next->text() == *r.next);
  }
}

TEST_CASE("go_quote and http_error wording", "[probe]") {
  CHECK(probe::go_quote("cat /tmp/x") == "\"cat /tmp/x\"");
  CHECK(probe::go_quote("a\"b\\c\n\x01") == "\"a\\\"b\\\\c\\n\\x01\"");
  CHECK(probe::http_error(probe::make_url("", "10.0.0.5", 80, "/h"), "EOF") ==
        "Get \"http://10.0.0.5:80/h\": EOF");
}
