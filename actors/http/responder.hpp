#pragma once
// The handler's side of one request: answer once, from any thread, either with a whole response
// or by opening a stream. Copies share one answer; the first answer wins, later ones are ignored.
// If every copy is dropped without an answer, the client gets a 500 Status (a handler bug must
// not leave a connection hanging). If the client went away first, answers go nowhere.

#include <atomic>
#include <memory>

#include "actors/http/message.hpp"
#include "actors/http/stream.hpp"

namespace troupe::http {

/// One request awaiting its answer; implemented by the server's connection.
class exchange {
public:
  virtual ~exchange() = default;
  virtual void send(response r) = 0;
  virtual std::shared_ptr<stream> open_stream(unsigned status, header_list headers) = 0;
};

class responder {
public:
  explicit responder(std::weak_ptr<exchange> target);

  /// Content-Type defaults to application/json.
  void send(response r) const;
  /// Writes the head (chunked, Content-Type application/json unless given) as soon as possible.
  /// Never null: if the client is gone the stream comes back closed (reason client_gone).
  std::shared_ptr<stream> open_stream(unsigned status = 200, header_list headers = {}) const;
  bool answered() const { return state_->answered.load(); }

private:
  struct state {
    std::weak_ptr<exchange> target;
    std::atomic<bool> answered{false};
    ~state();
  };
  bool claim() const { return !state_->answered.exchange(true); }

  std::shared_ptr<state> state_;
};

} // namespace troupe::http
