#include "actors/apiserver/api_server_actor.hpp"

#include <caf/all.hpp>

#include <iostream>

namespace troupe::apiserver {

namespace {

caf::behavior api_server_behavior(caf::event_based_actor* self, api_server_options options,
                                  protocol::store_actor_type store) {
  self->request(store, caf::infinite, protocol::borrow_atom::value)
    .then(
      [=](protocol::shared_store& db) mutable {
        options.store = std::move(db);
        // Owned by the exit functor (not by actor state, which may be gone when attachables
        // run), so the server stops exactly once when the actor exits for any reason.
        auto server = std::make_shared<api_server>(options);
        auto err = server->start();
        if (!err.empty()) {
          std::cerr << "troupe-server: the API server did not start: " << err << "\n";
          self->quit(caf::make_error(caf::sec::runtime_error, err));
          return;
        }
        std::cerr << "troupe-server: API listening on " << options.address << ":" << server->port() << "\n";
        self->attach_functor([server] { server->stop(); });
      },
      [=](caf::error&) {
        // The store actor failed (it said why); its exit restarts this child too.
      });
  return {[](caf::get_atom) { return caf::unit; }};
}

} // namespace

caf::actor spawn_api_server_actor(caf::actor_system& sys, api_server_options options,
                                  protocol::store_actor_type store) {
  // Detached: start() binds and loads TLS files, which block.
  return sys.spawn<caf::detached>(api_server_behavior, std::move(options), std::move(store));
}

} // namespace troupe::apiserver
