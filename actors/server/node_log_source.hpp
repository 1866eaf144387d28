#pragma once
// The API server's pods/log source (actors/apiserver/pod_log_proxy.hpp) in troupe-server: finds
// the node's agent through the node registry (in the actor registry as
// protocol::node_registry_name) and asks it (logs_atom, node_protocol.hpp). Blocking, with
// timeouts; called from the API server's pool threads, never from a CAF worker.

#include <caf/fwd.hpp>

#include <chrono>

#include "actors/apiserver/pod_log_proxy.hpp"

namespace troupe::server {

apiserver::pod_log_source make_node_log_source(caf::actor_system& sys,
                                               std::chrono::milliseconds timeout =
                                                 std::chrono::seconds(10));

} // namespace troupe::server
