#pragma once
// The api_server actor: owns an apiserver::api_server (HTTPS front, request pool) for its
// lifetime, over the object store it borrows from the store actor. Its behavior is empty: the
// API's work runs on the server's own io and pool threads, never on CAF workers. A start failure
// ends the actor with an error, so its supervisor decides. If the store actor is gone before it
// lends the store, this actor waits: the store's own exit restarts it (rest_for_one).

#include <caf/fwd.hpp>

#include "actors/apiserver/api_server.hpp"
#include "actors/protocol/server_protocol.hpp"

namespace troupe::apiserver {

/// `options.store` is filled with the store borrowed from `store`.
caf::actor spawn_api_server_actor(caf::actor_system& sys, api_server_options options,
                                  protocol::store_actor_type store);

} // namespace troupe::apiserver
