#pragma once
// The metrics actor: serves the process's metrics hub on the plain-HTTP metrics address with
// prometheus-cpp's exposer (its own civetweb threads, never CAF workers), and every `interval`
// reads the restart counts of troupe-server's supervisors into
//   troupe_actor_restarts_total{supervisor, child}
// (the root supervisor from the registry, and its children named in `supervisors`, e.g.
// "controllers"). A bind failure ends the actor with an error naming the address.

#include <caf/fwd.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "actors/metrics/metrics_hub.hpp"

namespace troupe::metrics {

struct metrics_actor_options {
  std::string address = "127.0.0.1:6480";  // HOST:PORT; port 0 picks a free one
  std::shared_ptr<metrics_hub> hub;
  std::vector<std::string> supervisors{"controllers"};  // root children that are supervisors
  std::chrono::milliseconds interval{std::chrono::seconds(5)};
};

caf::actor spawn_metrics_actor(caf::actor_system& sys, metrics_actor_options options);

} // namespace troupe::metrics
