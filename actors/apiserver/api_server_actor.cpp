#include "actors/apiserver/api_server_actor.hpp"

#include <caf/all.hpp>

#include <iostream>

namespace troupe::apiserver {

namespace {

struct api_server_state {
  std::unique_ptr<api_server> server;
  static inline const char* name = "api_server";
};

caf::behavior api_server_behavior(caf::stateful_actor<api_server_state>* self,
                                   api_server_options options) {
  self->state.server = std::make_unique<api_server>(options);
  auto err = self->state.server->start();
  if (!err.empty()) {
    std::cerr << "troupe-server: the API server did not start: " << err << "\n";
    self->state.server.reset();
    self->quit(caf::make_error(caf::sec::runtime_error, err));
    return {};
  }
  std::cerr << "troupe-server: API listening on " << options.address << ":"
            << self->state.server->port() << "\n";
  self->attach_functor([self] {
    if (self->state.server)
      self->state.server->stop();
  });
  return {[](caf::get_atom) { return caf::unit; }};
}

} // namespace

caf::actor spawn_api_server_actor(caf::actor_system& sys, api_server_options options) {
  // Detached: start() opens RocksDB and binds, which block.
  return sys.spawn<caf::detached>(api_server_behavior, std::move(options));
}

} // namespace troupe::apiserver
