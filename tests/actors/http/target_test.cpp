#include <catch2/catch.hpp>

#include "actors/http/target.hpp"
#include "actors/http/url.hpp"

namespace troupe::http {
namespace {

TEST_CASE("percent_decode decodes escapes and rejects malformed ones", "[unit][http]") {
  struct test_case {
    const char* name;
    const char* in;
    bool plus_is_space;
    std::optional<std::string> expected;
  };
  const test_case cases[] = {
      {"plain", "abc", false, "abc"},
      {"escape", "a%3Db", false, "a=b"},
      {"lower-case hex", "%2f%2F", false, "//"},
      {"utf-8 bytes", "%C3%A9", false, "\xC3\xA9"},
      {"plus kept in path", "a+b", false, "a+b"},
      {"plus as space in query", "a+b", true, "a b"},
      {"escaped plus stays plus", "a%2Bb", true, "a+b"},
      {"nul byte", "%00", false, std::string(1, '\0')},
      {"truncated escape", "%4", false, std::nullopt},
      {"lone percent", "%", false, std::nullopt},
      {"not hex", "%zz", false, std::nullopt},
      {"half hex", "%4g", true, std::nullopt},
  };
  for (const auto& c : cases) {
    INFO(c.name << ": " << c.in);
    CHECK(percent_decode(c.in, c.plus_is_space) == c.expected);
  }
}

TEST_CASE("percent_encode round-trips through percent_decode", "[unit][http]") {
  const char* inputs[] = {"app=web,tier in (a,b)", "a b+c", "x/y?z&w#", "plain-._~", "\xC3\xA9"};
  for (const char* in : inputs) {
    INFO(in);
    auto encoded = percent_encode(in);
    CHECK(encoded.find_first_of(" =,()+/?&#") == std::string::npos);
    CHECK(percent_decode(encoded, true) == std::string(in));
  }
  CHECK(percent_encode("plain-._~") == "plain-._~");
}

TEST_CASE("parse_target splits path and query and decodes both", "[unit][http]") {
  using query = std::multimap<std::string, std::string>;
  struct test_case {
    const char* name;
    const char* target;
    std::optional<std::string> path;
    query q;
  };
  const test_case cases[] = {
      {"path only", "/api/v1/pods", "/api/v1/pods", {}},
      {"selector", "/api/v1/pods?labelSelector=app%3Dweb%2Ctier+in+(a)&watch=1",
       "/api/v1/pods", {{"labelSelector", "app=web,tier in (a)"}, {"watch", "1"}}},
      {"repeated key", "/x?a=1&a=2", "/x", {{"a", "1"}, {"a", "2"}}},
      {"flag without value", "/x?watch&b=", "/x", {{"b", ""}, {"watch", ""}}},
      {"empty pieces", "/x?&&a=1&", "/x", {{"a", "1"}}},
      {"empty query", "/x?", "/x", {}},
      {"escaped path, plus kept", "/api/v1/namespaces/a%2Bb+c", "/api/v1/namespaces/a+b+c", {}},
      {"value with '='", "/x?fieldSelector=metadata.name=web", "/x",
       {{"fieldSelector", "metadata.name=web"}}},
      {"bad escape in path", "/a%zz", std::nullopt, {}},
      {"bad escape in query", "/a?b=%", std::nullopt, {}},
      {"absolute form", "http://host/x", std::nullopt, {}},
      {"empty", "", std::nullopt, {}},
  };
  for (const auto& c : cases) {
    INFO(c.name << ": " << c.target);
    auto got = parse_target(c.target);
    REQUIRE(got.has_value() == c.path.has_value());
    if (!got)
      continue;
    CHECK(got->path == *c.path);
    CHECK(got->query == c.q);
  }
}

TEST_CASE("parse_url reads kubeconfig server URLs", "[unit][http]") {
  struct test_case {
    const char* name;
    const char* in;
    bool ok;
    const char* scheme;
    const char* host;
    const char* port;
    const char* target;
    const char* authority;
  };
  const test_case cases[] = {
      {"https with port", "https://127.0.0.1:6443", true, "https", "127.0.0.1", "6443", "/",
       "127.0.0.1:6443"},
      {"default https port", "https://example.com/api?x=1", true, "https", "example.com", "443",
       "/api?x=1", "example.com"},
      {"default http port", "HTTP://localhost", true, "http", "localhost", "80", "/", "localhost"},
      {"ipv6", "https://[::1]:8443/version", true, "https", "::1", "8443", "/version",
       "[::1]:8443"},
      {"query right after host", "http://h:1?a=b", true, "http", "h", "1", "/?a=b", "h:1"},
      {"no scheme", "127.0.0.1:6443", false, "", "", "", "", ""},
      {"unknown scheme", "ftp://h/", false, "", "", "", "", ""},
      {"port not a number", "https://h:x/", false, "", "", "", "", ""},
      {"port too large", "https://h:70000/", false, "", "", "", "", ""},
      {"userinfo", "https://u:p@h/", false, "", "", "", "", ""},
      {"empty host", "https:///x", false, "", "", "", "", ""},
      {"unclosed ipv6", "https://[::1:80/", false, "", "", "", "", ""},
  };
  for (const auto& c : cases) {
    INFO(c.name << ": " << c.in);
    auto u = parse_url(c.in);
    REQUIRE(u.has_value() == c.ok);
    if (!u)
      continue;
    CHECK(u->scheme == c.scheme);
    CHECK(u->host == c.host);
    CHECK(u->port == c.port);
    CHECK(u->target == c.target);
    CHECK(u->authority() == c.authority);
  }
}

} // namespace
} // namespace troupe::http
