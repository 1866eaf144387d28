#pragma once
// What a supervisor knows about its children (OTP's child specification), free of CAF: the
// actor layer instantiates child_spec with its own factory type (supervisor_actor.hpp).

#include <string>
#include <vector>

namespace troupe::supervision {

/// When a child that exited is started again.
enum class restart_type {
  permanent,  // always
  transient,  // only after an abnormal exit (not after a normal exit or a shutdown)
  temporary,  // never; the child leaves the list when it exits
};

/// Which siblings restart with a child that exited (and is to be restarted).
enum class strategy {
  one_for_one,   // only the child
  one_for_all,   // every child: the others stop (reverse start order), then all start in order
  rest_for_one,  // the child and those started after it
};

/// Why a child exited, as far as restarting is concerned.
enum class exit_kind {
  normal,    // finished its work
  shutdown,  // asked to stop (caf::exit_reason::user_shutdown)
  abnormal,  // crashed, was killed, or failed in any other way
};

/// The part of a child specification that restart decisions depend on.
struct child_entry {
  std::string id;  // unique among siblings; also the key of restart counts in /metrics
  restart_type restart = restart_type::permanent;
};

/// A child specification: `start` creates the child and returns its handle (whatever the actor
/// layer uses). Children start in list order and stop in reverse order.
template <class Start>
struct child_spec : child_entry {
  Start start;

  child_spec() = default;
  child_spec(std::string child_id, restart_type type, Start start_fn)
    : child_entry{std::move(child_id), type}, start(std::move(start_fn)) {}
};

/// Empty if the list is usable, else why not (empty or duplicate ids).
std::string validate(const std::vector<child_entry>& children);

const char* to_string(restart_type x);
const char* to_string(strategy x);
const char* to_string(exit_kind x);

} // namespace troupe::supervision
