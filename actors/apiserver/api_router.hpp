#pragma once
// The HTTP handler of the Kubernetes REST API: routes a request (actors/api/request_path.hpp),
// negotiates the answer's form (JSON, Table, aggregated discovery), answers discovery and OpenAPI
// directly, and hands resource operations to the request pool, which calls resource_service and
// answers through the responder. Watches stream one JSON event per chunk until the client leaves,
// timeoutSeconds passes, or the store closes the watch.

#include <atomic>
#include <functional>
#include <string>

#include "actors/apiserver/node_join_endpoint.hpp"
#include "actors/apiserver/pod_log_proxy.hpp"
#include "actors/apiserver/request_pool.hpp"
#include "actors/apiserver/resource_service.hpp"
#include "actors/http/message.hpp"
#include "actors/http/responder.hpp"

namespace troupe::apiserver {

class api_router {
public:
  api_router(resource_service& service, request_pool& pool,
             std::function<config::timestamp()> clock, std::string server_address);
  ~api_router();

  /// The http::handler.
  void handle(http::request req, http::responder res);

  /// Watch streams open now.
  size_t open_watches() const { return open_watches_->load(); }

  /// Serves GET /metrics with this text (Prometheus exposition); unset: 404.
  void set_metrics(std::function<std::string()> text) { metrics_text_ = std::move(text); }

  /// Serves POST /troupe/v1/join (node_join_endpoint.hpp); unset: 404.
  void set_node_join(node_join_options options) { node_join_ = std::move(options); }

  /// Proxies pods/log to the pod's node (pod_log_proxy.hpp); unset: the answers without nodes.
  void set_pod_logs(pod_log_source source) { pod_logs_ = std::move(source); }

private:
  void handle_resource(http::request req, http::responder res);
  void handle_node_join(http::request req, http::responder res);

  resource_service& service_;
  request_pool& pool_;
  std::function<config::timestamp()> clock_;
  std::string server_address_;
  std::function<std::string()> metrics_text_;
  node_join_options node_join_;
  pod_log_source pod_logs_;
  std::shared_ptr<std::atomic<size_t>> open_watches_ = std::make_shared<std::atomic<size_t>>(0);
  std::shared_ptr<std::atomic<bool>> stopping_ = std::make_shared<std::atomic<bool>>(false);
};

} // namespace troupe::apiserver
