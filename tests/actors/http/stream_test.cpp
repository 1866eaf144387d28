#include <condition_variable>
#include <future>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <catch2/catch.hpp>

#include "http_fixture.hpp"

namespace troupe::http {
namespace {

using namespace std::chrono_literals;
using testing::running_server;

// Collects the streams the server opened, so the test can write into them from its own thread,
// as the store's watch fan-out will.
struct stream_board {
  std::mutex mu;
  std::condition_variable changed;
  std::vector<std::shared_ptr<stream>> streams;
  int closed = 0;

  handler as_handler() {
    return [this](request, responder res) {
      header_list h;
      h.add("Content-Type", "application/json");
      auto s = res.open_stream(200, h);
      s->on_close([this] {
        std::lock_guard<std::mutex> guard{mu};
        ++closed;
        changed.notify_all();
      });
      std::lock_guard<std::mutex> guard{mu};
      streams.push_back(s);
      changed.notify_all();
    };
  }

  std::shared_ptr<stream> wait_stream(size_t index = 0) {
    std::unique_lock<std::mutex> lock{mu};
    REQUIRE(changed.wait_for(lock, 5s, [&] { return streams.size() > index; }));
    return streams[index];
  }

  bool wait_closed(int n, std::chrono::milliseconds within) {
    std::unique_lock<std::mutex> lock{mu};
    return changed.wait_for(lock, within, [&] { return closed >= n; });
  }
};

TEST_CASE("stream chunks reach the client before the stream closes", "[unit][http]") {
  stream_board board;
  running_server s{{}, board.as_handler()};
  client c{s.client_opts()};
  std::promise<void> got_first, got_second;
  std::vector<std::string> lines;
  auto reader = std::async(std::launch::async, [&] {
    return c.stream_lines(s.base + "/api/v1/pods?watch=true", {}, [&](std::string_view line) {
      lines.emplace_back(line);
      (lines.size() == 1 ? got_first : got_second).set_value();
      return true;
    });
  });
  auto st = board.wait_stream();
  CHECK(st->write_chunk("{\"type\":\"ADDED\"}\n"));
  // The client sees the first event while the stream is still open.
  REQUIRE(got_first.get_future().wait_for(5s) == std::future_status::ready);
  CHECK(st->is_open());
  CHECK(st->write_chunk("{\"type\":"));
  CHECK(st->write_chunk("\"MODIFIED\"}\n"));
  REQUIRE(got_second.get_future().wait_for(5s) == std::future_status::ready);
  st->close();
  REQUIRE(reader.wait_for(5s) == std::future_status::ready);
  auto out = reader.get();
  CHECK(out.error == "");
  CHECK(out.status == 200);
  CHECK(out.headers.get("Transfer-Encoding") == std::optional<std::string_view>{"chunked"});
  CHECK(lines == std::vector<std::string>{"{\"type\":\"ADDED\"}", "{\"type\":\"MODIFIED\"}"});
  CHECK(st->reason() == close_reason::closed_by_server);
  CHECK(board.wait_closed(1, 10s));
}

TEST_CASE("the server notices a client that leaves mid-stream without a write", "[unit][http]") {
  stream_board board;
  running_server s{{}, board.as_handler()};
  client c{s.client_opts()};

  SECTION("the client stops after the first event") {
    auto reader = std::async(std::launch::async, [&] {
      return c.stream_lines(s.base + "/w", {}, [](std::string_view) { return false; });
    });
    auto st = board.wait_stream();
    st->write_chunk("first\n");
    REQUIRE(reader.wait_for(5s) == std::future_status::ready);
    CHECK(reader.get().error == "");
    // Nothing more is written: the pending read on the socket must see the client go.
    CHECK(board.wait_closed(1, 5s));
    CHECK(st->reason() == close_reason::client_gone);
    CHECK_FALSE(st->write_chunk("late\n"));
  }
  SECTION("the client is cancelled before any event") {
    auto reader = std::async(std::launch::async, [&] {
      return c.stream_lines(s.base + "/w", {}, [](std::string_view) { return true; });
    });
    auto st = board.wait_stream();
    while (reader.wait_for(10ms) != std::future_status::ready) // until the client is reading
      c.cancel();
    CHECK(reader.get().error == "cancelled");
    CHECK(board.wait_closed(1, 5s));
    CHECK(st->reason() == close_reason::client_gone);
  }
  // The connection is gone from the server too.
  for (int i = 0; i < 100 && s.srv->open_connections() != 0; ++i)
    std::this_thread::sleep_for(10ms);
  CHECK(s.srv->open_connections() == 0);
}

TEST_CASE("a client that does not read is cut off at the buffer limit", "[unit][http]") {
  stream_board board;
  server_options opts;
  opts.stream_buffer_limit = 256 * 1024;
  running_server s{opts, board.as_handler(), false};

  boost::asio::io_context io;
  boost::asio::ip::tcp::socket sock{io};
  sock.connect({boost::asio::ip::make_address("127.0.0.1"), s.srv->port()});
  std::string req = "GET /w HTTP/1.1\r\nHost: x\r\n\r\n";
  boost::asio::write(sock, boost::asio::buffer(req));
  // ...and never reads.
  auto st = board.wait_stream();
  const std::string chunk(64 * 1024, 'x');
  size_t accepted = 0;
  while (st->write_chunk(chunk) && accepted < 4096)
    ++accepted;
  CHECK(st->reason() == close_reason::overflow);
  CHECK(board.wait_closed(1, 10s));
  INFO("accepted " << accepted << " chunks");
  CHECK(accepted < 4096);
}

TEST_CASE("stop ends open streams gracefully", "[unit][http]") {
  stream_board board;
  running_server s{{}, board.as_handler()};
  client c{s.client_opts()};
  auto reader = std::async(std::launch::async, [&] {
    return c.stream_lines(s.base + "/w", {}, [](std::string_view) { return true; });
  });
  auto st = board.wait_stream();
  st->write_chunk("one\n");
  s.srv->stop();
  CHECK(st->reason() == close_reason::server_stopping);
  REQUIRE(reader.wait_for(5s) == std::future_status::ready);
  CHECK(reader.get().error == ""); // the terminating chunk arrived
  CHECK(s.srv->open_connections() == 0);
}

TEST_CASE("a stream answers non-2xx statuses with their body", "[unit][http]") {
  running_server s{{}, [](request, responder res) {
                     res.send(response::status_error(410, "Expired", "too old resource version"));
                   }};
  client c{s.client_opts()};
  int calls = 0;
  auto out = c.stream_lines(s.base + "/w", {}, [&](std::string_view) { return ++calls > 0; });
  CHECK(out.error == "");
  CHECK(out.status == 410);
  CHECK(calls == 0);
  CHECK(out.body.find("too old resource version") != std::string::npos);
}

TEST_CASE("100 concurrent streaming clients each receive every event", "[integration][http]") {
  constexpr int clients = 100, events = 20;
  stream_board board;
  running_server s{{}, board.as_handler()};
  std::vector<std::future<std::pair<client_response, std::vector<std::string>>>> readers;
  const client_options opts = s.client_opts(); // here: Catch2 assertions are not thread-safe
  for (int i = 0; i < clients; ++i)
    readers.push_back(std::async(std::launch::async, [&] {
      client c{opts};
      std::vector<std::string> got;
      auto out = c.stream_lines(
          s.base + "/api/v1/pods?watch=true", {},
          [&](std::string_view line) {
            got.emplace_back(line);
            return got.size() < events;
          },
          30s);
      return std::make_pair(out, got);
    }));
  board.wait_stream(clients - 1);
  std::vector<std::string> expected;
  for (int e = 0; e < events; ++e) {
    expected.push_back("{\"type\":\"ADDED\",\"n\":" + std::to_string(e) + "}");
    std::lock_guard<std::mutex> guard{board.mu};
    for (auto& st : board.streams)
      CHECK(st->write_chunk(expected.back() + "\n"));
  }
  for (int i = 0; i < clients; ++i) {
    INFO("client " << i);
    REQUIRE(readers[i].wait_for(30s) == std::future_status::ready);
    auto [out, got] = readers[i].get();
    CHECK(out.error == "");
    CHECK(got == expected);
  }
  // Every client left; the server noticed each without another write.
  CHECK(board.wait_closed(clients, 10s));
}

} // namespace
} // namespace troupe::http
