#pragma once
// The root supervisor of troupe-server and its children, in start order (ARCHITECTURE.md §3).
// To add a child, add a row in root_children.cpp; its factory gets the actor system, and what it
// needs from configuration and init is captured from `server_context`.

#include "actors/metrics/metrics_hub.hpp"
#include "actors/server/cluster_init.hpp"
#include "actors/server/server_config.hpp"
#include "actors/supervision/supervisor_actor.hpp"

#include <vector>

namespace troupe::server {

/// What the control plane's actors need from configuration and first-start initialisation.
struct server_context {
  server_config config;
  cluster_paths paths;
  std::string server_url;
  std::string token;  // the admin bearer token; never log it
  std::string join_token;  // the node join token; never log it
  std::shared_ptr<metrics::metrics_hub> metrics = std::make_shared<metrics::metrics_hub>();
};

/// rest_for_one: a child that restarts takes down and restarts the children started after it,
/// which depend on it (the API server and controllers on the store).
supervision::supervisor_options root_options();

std::vector<supervision::actor_child_spec> root_children(const server_context& context);

} // namespace troupe::server
