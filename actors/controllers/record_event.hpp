#pragma once
// Records a controller's Event through the store actor, best effort: a write that fails is
// dropped, as client-go's recorder drops what it cannot send. For actors (it needs CAF).

#include <caf/all.hpp>

#include <memory>

#include "actors/protocol/server_protocol.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::controllers {

template <class Self, class Duration>
void record_event(Self* self, const protocol::store_actor_type& store, Duration timeout,
                  core::v1::Event event) {
  static const config::kind_info& events = *config::find_kind("v1", "Event");
  auto obj = std::make_shared<core::v1::Event>(std::move(event));
  self->request(store, timeout, protocol::store_create{&events, obj})
    .then([](store::write_result&) {}, [](caf::error&) {});
}

} // namespace troupe::controllers
