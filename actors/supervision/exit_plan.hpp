#pragma once
// What a supervisor does when one of its children exits: a pure function from (strategy, children,
// which child exited, why, restart window, now) to a plan the supervisor actor applies. OTP
// semantics (supervisor.erl): a child that is not to be restarted leaves the list and its siblings
// are untouched; a restart first passes the restart window, and exceeding it stops every child
// and escalates.

#include "actors/supervision/child_spec.hpp"
#include "actors/supervision/restart_window.hpp"

#include <string>
#include <vector>

namespace troupe::supervision {

struct exit_plan {
  bool escalate = false;             // stop the children in `stop`, then exit with an error
  std::vector<std::string> stop;     // running siblings to stop first, one by one, in this order
  std::vector<std::string> start;    // then the children to start, in this order
  std::vector<std::string> remove;   // children that leave the list for good (never restart)
  restart_window window;             // the supervisor's window after this exit
};

/// `children` is the current list in start order, including the child that exited. An id not in
/// the list (an exit the supervisor already dealt with) yields an empty plan.
///
/// Example, rest_for_one, children [store, api, metrics] (metrics temporary), api crashes within
/// the window: stop [metrics], remove [metrics], start [api].
exit_plan plan_on_exit(strategy how, const std::vector<child_entry>& children,
                       const std::string& exited, exit_kind why, restart_window window,
                       time_point now);

} // namespace troupe::supervision
