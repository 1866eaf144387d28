#pragma once
// A supervisor actor (CONVENTIONS 12, OTP's supervisor): owns an ordered child list, starts the
// children in order and monitors them; when one exits it applies plan_on_exit (exit_plan.hpp):
// siblings to stop stop one at a time in reverse start order (each waited for, killed after
// stop_timeout), then children start in order. When the restart window is exceeded it stops
// every child and exits with server_errc::child_failed_too_often, so its own parent (or monitor)
// sees it die. An exit message from anyone (its parent, main) stops the children in reverse order
// and then the supervisor exits with that reason. It does no domain work.
//
// Children are plain caf::actor handles; a typed child's factory actor_casts its handle.

#include "actors/protocol/server_protocol.hpp"
#include "actors/supervision/child_spec.hpp"
#include "actors/supervision/restart_window.hpp"

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace troupe::supervision {

/// Spawns one child. Runs on the supervisor's thread: keep it to a spawn (pass caf::detached for
/// children that block). Returning an invalid handle makes the supervisor exit with
/// server_errc::child_start_failed.
using child_factory = std::function<caf::actor(caf::actor_system&)>;
using actor_child_spec = child_spec<child_factory>;

struct supervisor_options {
  std::string name = "supervisor";  // for errors and logs
  strategy how = strategy::one_for_one;
  restart_limits limits;
  std::chrono::milliseconds stop_timeout{5000};  // then the child is killed
  std::function<time_point()> now = [] { return clock::now(); };  // injectable clock
};

/// Spawns a supervisor that starts `children` in order. A bad child list or bad limits make it exit
/// at once with server_errc::bad_child_list.
protocol::supervisor_actor_type spawn_supervisor(caf::actor_system& sys, supervisor_options options,
                                                 std::vector<actor_child_spec> children);

/// A factory for a nested supervisor, to put in another supervisor's child list.
child_factory supervisor_factory(supervisor_options options,
                                 std::vector<actor_child_spec> children);

} // namespace troupe::supervision
