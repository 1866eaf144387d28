#include "actors/apiserver/api_server.hpp"

#include <chrono>

#include "actors/apiserver/api_router.hpp"
#include "actors/apiserver/request_pool.hpp"
#include "actors/apiserver/system_namespaces.hpp"
#include "actors/apiserver/resource_service.hpp"
#include "actors/http/auth.hpp"
#include "actors/http/server.hpp"
#include "actors/http/tls.hpp"
#include "actors/metrics/metrics_hub.hpp"
#include "actors/protocol/node_join.hpp"
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
  std::unique_ptr<metrics::sampler_set> samplers;  // before the server and store go
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
  // Before serving: clients expect default, kube-system... from the first request on.
  if (auto err = ensure_system_namespaces(*s.store, wall_clock()); !err.empty())
    return err;
  s.service = std::make_unique<resource_service>(*s.store, wall_clock, s.options.admission);
  s.pool = std::make_unique<request_pool>(s.options.request_threads);
  // Writes answer from the pool once durable; until then no pool thread waits for them.
  s.service->set_executor([pool = s.pool.get()](std::function<void()> job) { pool->post(std::move(job)); });
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
  if (s.options.node_join.issue)
    s.router->set_node_join(s.options.node_join);
  if (s.options.pod_logs)
    s.router->set_pod_logs(s.options.pod_logs);
  if (!s.options.token.empty()) {
    auto exempt = http::bearer_auth::default_exempt_paths();
    if (s.options.node_join.issue)
      exempt.push_back(protocol::node_join_path);
    so.authenticate = http::bearer_auth({s.options.token}, exempt).as_authenticator();
  }
  if (auto hub = s.options.metrics) {
    so.observe = [api = hub->api](const http::request_record& r) { api->observe(r); };
    std::weak_ptr<metrics::metrics_hub> weak = hub;
    s.router->set_metrics([weak] {
      auto h = weak.lock();
      return h ? h->text() : std::string{};
    });
  }
  auto* router = s.router.get();
  s.server = std::make_unique<http::server>(
    so, [router](http::request req, http::responder res) { router->handle(std::move(req), std::move(res)); });
  if (auto err = s.server->start(); !err.empty())
    return err;
  if (auto hub = s.options.metrics) {
    s.samplers = std::make_unique<metrics::sampler_set>(hub->sampled);
    for (auto& sm : metrics::store_samplers(*s.store))
      s.samplers->add(std::move(sm));
    auto* server = s.server.get();
    s.samplers->add({"apiserver_longrunning_requests", "Watches open now.", metrics::sample_type::gauge,
                     {{"verb", "WATCH"}}, [router] { return static_cast<double>(router->open_watches()); }});
    s.samplers->add({"troupe_apiserver_open_connections", "HTTP connections open now.",
                     metrics::sample_type::gauge, {}, [server] { return static_cast<double>(server->open_connections()); }});
  }
  return {};
}

void api_server::stop() {
  auto& s = *impl_;
  s.samplers.reset();
  if (s.server)
    s.server->stop();
  if (s.pool)
    s.pool->stop();  // no request starts a write after this
  if (s.service)
    s.service->drain();  // writes still in the store's hands post to the stopped pool (dropped)
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
