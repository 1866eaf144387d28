#include "actors/supervision/exit_plan.hpp"

#include <algorithm>

namespace troupe::supervision {

namespace {

bool wants_restart(restart_type type, exit_kind why) {
  switch (type) {
    case restart_type::permanent: return true;
    case restart_type::transient: return why == exit_kind::abnormal;
    case restart_type::temporary: return false;
  }
  return false;
}

} // namespace

exit_plan plan_on_exit(strategy how, const std::vector<child_entry>& children,
                       const std::string& exited, exit_kind why, restart_window window,
                       time_point now) {
  exit_plan plan;
  auto pos = std::find_if(children.begin(), children.end(),
                          [&](const child_entry& c) { return c.id == exited; });
  if (pos == children.end()) {
    plan.window = std::move(window);
    return plan;
  }
  const size_t index = static_cast<size_t>(pos - children.begin());
  if (!wants_restart(pos->restart, why)) {
    plan.remove.push_back(exited);
    plan.window = std::move(window);
    return plan;
  }
  if (window.record(now) == restart_window::decision::escalate) {
    plan.escalate = true;
    for (size_t i = children.size(); i-- > 0;)
      if (i != index)
        plan.stop.push_back(children[i].id);
    plan.window = std::move(window);
    return plan;
  }
  plan.window = std::move(window);
  // The children that go down and come back with the one that exited: [first, children.size()).
  size_t first = index;
  if (how == strategy::one_for_one) {
    plan.start.push_back(exited);
    return plan;
  }
  if (how == strategy::one_for_all)
    first = 0;
  for (size_t i = children.size(); i-- > first;) {
    if (i == index)
      continue;
    plan.stop.push_back(children[i].id);
    // A temporary child stopped by its supervisor is gone for good, as in OTP.
    if (children[i].restart == restart_type::temporary)
      plan.remove.push_back(children[i].id);
  }
  for (size_t i = first; i < children.size(); ++i)
    if (i == index || children[i].restart != restart_type::temporary)
      plan.start.push_back(children[i].id);
  return plan;
}

} // namespace troupe::supervision
