#pragma once
// The api_server actor: owns an apiserver::api_server (HTTPS front, request pool, store) for its
// lifetime. Its behavior is empty: the API's work runs on the server's own io and pool threads,
// never on CAF workers. A start failure ends the actor with an error, so its supervisor decides.

#include <caf/fwd.hpp>

#include "actors/apiserver/api_server.hpp"

namespace troupe::apiserver {

caf::actor spawn_api_server_actor(caf::actor_system& sys, api_server_options options);

} // namespace troupe::apiserver
