#include "actors/http/responder.hpp"

namespace troupe::http {

responder::responder(std::weak_ptr<exchange> target) : state_(std::make_shared<state>()) {
  state_->target = std::move(target);
}

responder::state::~state() {
  if (answered.load())
    return;
  if (auto t = target.lock())
    t->send(response::status_error(500, "InternalError",
                                   "Internal error occurred: the request was not answered"));
}

void responder::send(response r) const {
  if (!claim())
    return;
  if (auto t = state_->target.lock())
    t->send(std::move(r));
}

std::shared_ptr<stream> responder::open_stream(unsigned status, header_list headers) const {
  if (claim())
    if (auto t = state_->target.lock())
      return t->open_stream(status, std::move(headers));
  auto closed = std::make_shared<stream>(std::weak_ptr<stream_sink>{}, 0);
  closed->ended(close_reason::client_gone);
  return closed;
}

} // namespace troupe::http
