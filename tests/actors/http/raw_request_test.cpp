// Requests our client never sends, written byte by byte onto a plain socket.
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include "http_fixture.hpp"

namespace troupe::http {
namespace {

using testing::running_server;

// Sends `raw`, then reads until the server closes; returns everything it answered.
std::string exchange_raw(uint16_t port, const std::string& raw) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket sock{io};
  sock.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::system::error_code ec;
  boost::asio::write(sock, boost::asio::buffer(raw), ec);
  std::string out;
  char buf[4096];
  for (size_t n; (n = sock.read_some(boost::asio::buffer(buf), ec)) > 0 || !ec;)
    out.append(buf, n);
  return out;
}

TEST_CASE("raw requests: chunked bodies, malformed input, pipelining", "[unit][http]") {
  server_options opts;
  opts.body_limit = 100;
  running_server s{opts,
                   [](request req, responder res) {
                     res.send(response::json(200, "{\"len\":" + std::to_string(req.body.size()) +
                                                      "}"));
                   },
                   false};
  struct test_case {
    const char* name;
    std::string raw;
    std::vector<std::string> expected; // substrings of the answer, in order
  };
  const std::string chunk60 = "3c\r\n" + std::string(60, 'a') + "\r\n";
  const test_case cases[] = {
      {"chunked body within the limit",
       "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
           chunk60 + "0\r\n\r\n",
       {"HTTP/1.1 200 OK", "{\"len\":60}"}},
      {"chunked body over the limit (no Content-Length to refuse early)",
       "POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk60 + chunk60 +
           "0\r\n\r\n",
       {"HTTP/1.1 413", "RequestEntityTooLarge"}},
      {"Content-Length over the limit, answered before the body",
       "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n",
       {"HTTP/1.1 413", "\"code\":413"}},
      {"garbage", "NOT HTTP AT ALL\r\n\r\n", {"HTTP/1.1 400", "\"reason\":\"BadRequest\""}},
      {"malformed escape in the target", "GET /a%zz HTTP/1.1\r\nHost: h\r\n\r\n",
       {"HTTP/1.1 400", "malformed request target"}},
      {"two pipelined requests answered in order",
       "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\na"
       "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nConnection: close\r\n\r\nbb",
       {"{\"len\":1}", "{\"len\":2}"}},
      {"HTTP/1.0 without keep-alive is closed after the answer", "GET / HTTP/1.0\r\n\r\n",
       {" 200 OK", "Connection: close", "{\"len\":0}"}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto answer = exchange_raw(s.srv->port(), c.raw);
    INFO(answer);
    size_t at = 0;
    for (const auto& want : c.expected) {
      at = answer.find(want, at);
      CHECK(at != std::string::npos);
      if (at == std::string::npos)
        break;
    }
  }
}

} // namespace
} // namespace troupe::http
