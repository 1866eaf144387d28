#include "actors/http/server.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include "actors/http/connection.hpp"

namespace troupe::http {

struct server::state : connection_host, std::enable_shared_from_this<server::state> {
  state(server_options o, handler h)
    : opts(std::move(o)), handle(std::move(h)), acceptor(net::make_strand(io)),
      retry(acceptor.get_executor()) {}

  const server_options& options() const override { return opts; }
  const handler& on_request() const override { return handle; }

  void forget(connection_base* c) override {
    std::lock_guard<std::mutex> guard{mu};
    open.erase(c);
    if (open.empty())
      all_closed.notify_all();
  }

  void accept() {
    auto self = shared_from_this();
    acceptor.async_accept(net::make_strand(io), [self](beast::error_code ec,
                                                      net::ip::tcp::socket socket) {
      if (ec == net::error::operation_aborted || !self->acceptor.is_open())
        return;
      if (ec) // out of descriptors, say: pause instead of spinning
        return self->accept_later();
      self->adopt(std::move(socket));
      self->accept();
    });
  }

  void accept_later() {
    auto self = shared_from_this();
    retry.expires_after(std::chrono::milliseconds{100});
    retry.async_wait([self](beast::error_code ec) {
      if (!ec && self->acceptor.is_open())
        self->accept();
    });
  }

  void adopt(net::ip::tcp::socket socket) {
    beast::error_code ec;
    socket.set_option(net::ip::tcp::no_delay{true}, ec);
    auto peer = socket.remote_endpoint(ec);
    std::string remote = ec ? "" : peer.address().to_string() + ":" + std::to_string(peer.port());
    std::shared_ptr<connection_base> c;
    if (opts.tls)
      c = std::make_shared<connection<beast::ssl_stream<beast::tcp_stream>>>(
          shared_from_this(), std::move(remote), std::move(socket), *opts.tls);
    else
      c = std::make_shared<connection<beast::tcp_stream>>(shared_from_this(), std::move(remote),
                                                          std::move(socket));
    {
      std::lock_guard<std::mutex> guard{mu};
      if (stopping) {
        return; // c is dropped, closing the socket
      }
      open.emplace(c.get(), c);
    }
    c->start();
  }

  server_options opts;
  handler handle;
  net::io_context io;
  net::ip::tcp::acceptor acceptor;
  net::steady_timer retry;
  std::vector<std::thread> threads;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  uint16_t bound_port = 0;

  mutable std::mutex mu;
  std::condition_variable all_closed;
  std::unordered_map<connection_base*, std::shared_ptr<connection_base>> open;
  bool stopping = false;
};

namespace {

std::vector<std::shared_ptr<connection_base>> registered(server::state& s) {
  std::lock_guard<std::mutex> guard{s.mu};
  std::vector<std::shared_ptr<connection_base>> out;
  for (auto& entry : s.open)
    out.push_back(entry.second);
  return out;
}

bool wait_closed(server::state& s, std::chrono::milliseconds grace) {
  std::unique_lock<std::mutex> lock{s.mu};
  return s.all_closed.wait_for(lock, grace, [&] { return s.open.empty(); });
}

} // namespace

server::server(server_options options, handler on_request)
  : state_(std::make_shared<state>(std::move(options), std::move(on_request))) {}

server::~server() { stop(); }

std::string server::start() {
  auto& s = *state_;
  beast::error_code ec;
  auto address = net::ip::make_address(s.opts.address, ec);
  if (ec)
    return "invalid address " + s.opts.address + ": " + ec.message();
  net::ip::tcp::endpoint endpoint{address, s.opts.port};
  std::string where = s.opts.address + ":" + std::to_string(s.opts.port);
  s.acceptor.open(endpoint.protocol(), ec);
  if (!ec)
    s.acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec)
    s.acceptor.bind(endpoint, ec);
  if (ec)
    return "bind " + where + ": " + ec.message();
  s.acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return "listen " + where + ": " + ec.message();
  s.bound_port = s.acceptor.local_endpoint(ec).port();
  s.work.emplace(s.io.get_executor());
  s.accept();
  unsigned n = s.opts.io_threads == 0 ? 1 : s.opts.io_threads;
  for (unsigned i = 0; i < n; ++i)
    s.threads.emplace_back([st = state_] { st->io.run(); });
  return {};
}

uint16_t server::port() const { return state_->bound_port; }

size_t server::open_connections() const {
  std::lock_guard<std::mutex> guard{state_->mu};
  return state_->open.size();
}

void server::stop() {
  auto& s = *state_;
  {
    std::lock_guard<std::mutex> guard{s.mu};
    if (s.stopping)
      return;
    s.stopping = true;
  }
  if (s.threads.empty())
    return;
  auto st = state_;
  net::post(s.acceptor.get_executor(), [st] {
    beast::error_code ignored;
    st->acceptor.close(ignored);
    st->retry.cancel();
  });
  for (auto& c : registered(s))
    c->stop();
  if (!wait_closed(s, s.opts.stop_grace)) {
    for (auto& c : registered(s))
      c->abort();
    wait_closed(s, std::chrono::seconds{1});
  }
  s.work.reset();
  s.io.stop();
  for (auto& t : s.threads)
    t.join();
  s.threads.clear();
  // Handlers of operations cancelled above still hold their connections: run them once so the
  // connections (and with them this state) are released.
  s.io.restart();
  s.io.poll();
}

} // namespace troupe::http
