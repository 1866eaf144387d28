#include "actors/server/root_children.hpp"

#include <caf/all.hpp>

#include "actors/apiserver/api_server_actor.hpp"

namespace troupe::server {

using supervision::actor_child_spec;
using supervision::restart_type;
using supervision::strategy;
using supervision::supervisor_options;

supervisor_options root_options() {
  supervisor_options opts;
  opts.name = "root";
  opts.how = strategy::rest_for_one;
  // Three restarts a minute; beyond that the server exits (non-zero) for systemd or scripts/up
  // to restart it whole.
  opts.limits = {3, std::chrono::seconds(60)};
  return opts;
}

namespace {

// The controllers supervisor: one child per kind, added by the controller issues.
supervisor_options controllers_options() {
  supervisor_options opts;
  opts.name = "controllers";
  opts.how = strategy::one_for_one;
  opts.limits = {5, std::chrono::seconds(60)};
  return opts;
}

} // namespace

std::vector<actor_child_spec> root_children(const server_context& context) {
  std::vector<actor_child_spec> children;
  apiserver::api_server_options api;
  api.data_dir = context.config.data_dir;
  api.address = context.config.api_address.host;
  api.port = context.config.api_address.port;
  api.cert_file = context.paths.server_cert;
  api.key_file = context.paths.server_key;
  api.token = context.token;
  // The API server owns the store until the store actor exists.
  children.push_back({"api_server", restart_type::permanent,
                      [api](caf::actor_system& sys) { return apiserver::spawn_api_server_actor(sys, api); }});
  // Start order matters; children stop in reverse. The rows to come, in order:
  //   "store"       the store actor (owns the object store under context.config.data_dir)
  //   "api_server"  HTTPS front on context.config.api_address (TLS from context.paths,
  //                 bearer token context.token)
  //   "scheduler", "node_registry" (CAF middleman on context.config.node_port)
  //   "controllers" (below), then "metrics" (context.config.metrics_address)
  children.push_back({"controllers", restart_type::permanent,
                      supervision::supervisor_factory(controllers_options(), {})});
  return children;
}

} // namespace troupe::server
