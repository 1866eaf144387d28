#include "actors/apiserver/api_server.hpp"

#include <chrono>

#include "actors/apiserver/api_router.hpp"
#include "actors/apiserver/request_pool.hpp"
#include "actors/apiserver/resource_service.hpp"
#include "actors/http/auth.hpp"
#include "actors/http/server.hpp"
#include "actors/http/tls.hpp"
#include "store/object_store.hpp"

namespace troupe::apiserver {

namespace {

config::timestamp wall_clock() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(now);
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now - secs);
  return {secs.count(), static_cast<int32_t>(nanos.count())};
}

} // namespace

struct api_server::impl {
  api_server_options options;
  std::shared_ptr<store::object_store> store;
  std::unique_ptr<resource_service> service;
  std::unique_ptr<request_pool> pool;
  std::unique_ptr<api_router> router;
  std::unique_ptr<http::server> server;
};

api_server::api_server(api_server_options options) : impl_(std::make_unique<impl>()) {
  impl_->options = std::move(options);
}

api_server::~api_server() {
  stop();
}

std::string api_server::start() {
  auto& s = *impl_;
  // The store's owner (the store actor) set its metrics observer when it opened it.
  if (!s.options.store)
    return "no object store";
  s.store = s.options.store;
  s.service = std::make_unique<resource_service>(*s.store, wall_clock);
  s.pool = std::make_unique<request_pool>(s.options.request_threads);
  s.router = std::make_unique<api_router>(*s.service, *s.pool, wall_clock,
                                          s.options.address + ":" + std::to_string(s.options.port));
  http::server_options so;
  so.address = s.options.address;
  so.port = s.options.port;
  so.io_threads = s.options.io_threads;
  if (!s.options.cert_file.empty()) {
    auto tls = http::make_server_tls(s.options.cert_file, s.options.key_file);
    if (!tls)
      return tls.error;
    so.tls = tls.context;
  }
  if (!s.options.token.empty())
    so.authenticate = http::bearer_auth({s.options.token}).as_authenticator();
  auto* router = s.router.get();
  s.server = std::make_unique<http::server>(
    so, [router](http::request req, http::responder res) { router->handle(std::move(req), std::move(res)); });
  return s.server->start();
}

void api_server::stop() {
  auto& s = *impl_;
  if (s.server)
    s.server->stop();
  if (s.pool)
    s.pool->stop();
  s.server.reset();
  s.router.reset();
  s.pool.reset();
  s.service.reset();
  s.store.reset();
  s.options.store.reset();  // let go of the borrowed store now: its owner may reopen it
}

uint16_t api_server::port() const {
  return impl_->server ? impl_->server->port() : 0;
}

} // namespace troupe::apiserver
