#include "actors/supervision/supervisor_actor.hpp"

#include "actors/supervision/exit_plan.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>

namespace troupe::supervision {

using protocol::server_errc;
using protocol::supervisor_actor_type;

namespace {

using running_map = std::map<std::string, caf::actor>;

struct supervisor_state {
  static inline const char* name = "supervisor";

  supervisor_options opts;
  std::vector<actor_child_spec> children;  // current list, in start order
  // Shared with the functor that stops the children if the supervisor itself dies.
  std::shared_ptr<running_map> running = std::make_shared<running_map>();
  std::map<caf::actor_addr, std::string> ids;  // running child -> its id
  restart_window window;
  protocol::restart_counts restarts;

  // The plan being applied: stop `stop_queue` one by one (waiting on `stopping`), then start
  // `to_start`, or exit with `exit_reason` if set (escalation, shutdown).
  std::deque<std::string> stop_queue;
  std::string stopping;
  uint64_t stop_generation = 0;
  std::vector<std::string> to_start;
  std::optional<caf::error> exit_reason;
  // Exits of children outside the plan that arrived while it was being applied.
  std::deque<std::pair<std::string, exit_kind>> deferred;
  // The last few abnormal exits ("id: reason"), named when escalating: the child that exceeds the
  // window is often not the one that failed first (rest_for_one restarts its followers too).
  std::deque<std::string> recent_failures;
};

using self_ptr = supervisor_actor_type::stateful_pointer<supervisor_state>;

exit_kind kind_of(const caf::error& reason) {
  if (!reason || reason == caf::exit_reason::normal)
    return exit_kind::normal;
  if (reason == caf::exit_reason::user_shutdown)
    return exit_kind::shutdown;
  return exit_kind::abnormal;
}

std::vector<child_entry> entries(const std::vector<actor_child_spec>& children) {
  return {children.begin(), children.end()};
}

void continue_plan(self_ptr self);

// Stops every running child in reverse start order, then exits with `reason`.
void stop_everything(self_ptr self, caf::error reason) {
  auto& st = self->state;
  st.exit_reason = std::move(reason);
  st.to_start.clear();
  st.deferred.clear();
  st.stop_queue.clear();
  for (auto i = st.children.rbegin(); i != st.children.rend(); ++i)
    if (i->id != st.stopping && st.running->count(i->id))
      st.stop_queue.push_back(i->id);
  for (auto& [id, handle] : *st.running)  // removed from the list but still stopping
    if (id != st.stopping &&
        std::find(st.stop_queue.begin(), st.stop_queue.end(), id) == st.stop_queue.end())
      st.stop_queue.push_front(id);
  continue_plan(self);
}

bool start_child(self_ptr self, const std::string& id) {
  auto& st = self->state;
  auto spec = std::find_if(st.children.begin(), st.children.end(),
                           [&](const actor_child_spec& c) { return c.id == id; });
  if (spec == st.children.end())
    return true;
  caf::actor handle = spec->start ? spec->start(self->system()) : caf::actor{};
  if (!handle) {
    stop_everything(self, make_error(server_errc::child_start_failed,
                                     st.opts.name + ": child \"" + id + "\" did not start"));
    return false;
  }
  self->monitor(handle);
  st.ids[handle.address()] = id;
  (*st.running)[id] = std::move(handle);
  return true;
}

void handle_exit(self_ptr self, const std::string& id, exit_kind why) {
  auto& st = self->state;
  auto plan = plan_on_exit(st.opts.how, entries(st.children), id, why, st.window, st.opts.now());
  st.window = plan.window;
  for (const auto& gone : plan.remove)
    st.children.erase(std::remove_if(st.children.begin(), st.children.end(),
                                     [&](const actor_child_spec& c) { return c.id == gone; }),
                      st.children.end());
  if (plan.escalate) {
    const auto& limits = st.opts.limits;
    std::string failures;
    for (const auto& f : st.recent_failures)
      failures += (failures.empty() ? "; recent failures: " : "; ") + f;
    stop_everything(self, make_error(server_errc::child_failed_too_often,
                                     st.opts.name + ": child \"" + id + "\" exceeded " +
                                       std::to_string(limits.intensity) + " restart(s) in " +
                                       std::to_string(limits.period.count()) + "s" + failures));
    return;
  }
  for (const auto& restarted : plan.start)
    ++st.restarts[restarted];
  st.stop_queue.assign(plan.stop.begin(), plan.stop.end());
  st.to_start = plan.start;
  continue_plan(self);
}

void continue_plan(self_ptr self) {
  auto& st = self->state;
  if (!st.stopping.empty())
    return;
  while (!st.stop_queue.empty()) {
    auto id = std::move(st.stop_queue.front());
    st.stop_queue.pop_front();
    auto child = st.running->find(id);
    if (child == st.running->end())
      continue;
    st.stopping = id;
    self->send_exit(child->second, caf::exit_reason::user_shutdown);
    self->delayed_send(caf::actor_cast<supervisor_actor_type>(self), st.opts.stop_timeout,
                       protocol::stop_timeout_atom::value, id, ++st.stop_generation);
    return;
  }
  if (st.exit_reason) {
    self->quit(*st.exit_reason);
    return;
  }
  auto to_start = std::move(st.to_start);
  st.to_start.clear();
  for (const auto& id : to_start)
    if (!start_child(self, id))
      return;
  while (!st.deferred.empty() && st.stopping.empty() && !st.exit_reason) {
    auto [id, why] = st.deferred.front();
    st.deferred.pop_front();
    handle_exit(self, id, why);
  }
}

// True if the current plan already stops or restarts `id`, so its exit needs no plan of its own.
bool in_plan(const supervisor_state& st, const std::string& id) {
  return std::find(st.stop_queue.begin(), st.stop_queue.end(), id) != st.stop_queue.end() ||
         std::find(st.to_start.begin(), st.to_start.end(), id) != st.to_start.end();
}

void on_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  auto i = st.ids.find(dm.source);
  if (i == st.ids.end())
    return;
  auto id = i->second;
  st.ids.erase(i);
  st.running->erase(id);
  if (kind_of(dm.reason) == exit_kind::abnormal) {
    auto failure = id + ": " + self->system().render(dm.reason);
    auto& recent = st.recent_failures;
    if (std::find(recent.begin(), recent.end(), failure) == recent.end())
      recent.push_back(std::move(failure));
    if (recent.size() > 3)
      recent.pop_front();
  }
  if (id == st.stopping) {
    st.stopping.clear();
    continue_plan(self);
    return;
  }
  if (st.exit_reason || in_plan(st, id))
    return;
  if (!st.stopping.empty()) {
    st.deferred.emplace_back(id, kind_of(dm.reason));
    return;
  }
  handle_exit(self, id, kind_of(dm.reason));
}

supervisor_actor_type::behavior_type supervisor_actor(self_ptr self, supervisor_options opts,
                                                      std::vector<actor_child_spec> children) {
  auto& st = self->state;
  st.window = restart_window{opts.limits};
  st.opts = std::move(opts);
  st.children = std::move(children);
  // If the supervisor dies in any other way (killed, an exception), its children die with it.
  self->attach_functor([running = st.running](const caf::error& reason) {
    caf::error why = reason ? reason : caf::make_error(caf::exit_reason::user_shutdown);
    for (auto& [id, handle] : *running)
      handle->enqueue(nullptr, caf::make_message_id(),
                      caf::make_message(caf::exit_msg{handle->address(), why}), nullptr);
  });
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  self->set_exit_handler([=](caf::exit_msg& em) {
    if (!em.reason || self->state.exit_reason)
      return;
    stop_everything(self, em.reason);
  });
  auto problem = validate(st.opts.limits);
  if (problem.empty())
    problem = validate(entries(st.children));
  if (!problem.empty()) {
    self->quit(make_error(server_errc::bad_child_list, st.opts.name + ": " + problem));
  } else {
    for (const auto& child : entries(st.children))
      if (!start_child(self, child.id))
        break;
  }
  return {
    [=](caf::get_atom, protocol::restarts_atom) -> protocol::restart_counts {
      // Every child, zeros included, so a metric exists before the first restart.
      auto counts = self->state.restarts;
      for (const auto& child : self->state.children)
        counts.emplace(child.id, 0);
      return counts;
    },
    [=](caf::get_atom, protocol::child_atom, const std::string& id) -> caf::result<caf::actor> {
      auto i = self->state.running->find(id);
      if (i == self->state.running->end())
        return make_error(server_errc::no_such_child, id);
      return i->second;
    },
    [=](protocol::stop_timeout_atom, const std::string& id, uint64_t generation) {
      auto& st = self->state;
      if (st.stopping != id || st.stop_generation != generation)
        return;
      auto child = st.running->find(id);
      if (child != st.running->end())
        self->send_exit(child->second, caf::exit_reason::kill);
    },
  };
}

} // namespace

protocol::supervisor_actor_type spawn_supervisor(caf::actor_system& sys, supervisor_options options,
                                                 std::vector<actor_child_spec> children) {
  return sys.spawn(supervisor_actor, std::move(options), std::move(children));
}

child_factory supervisor_factory(supervisor_options options,
                                 std::vector<actor_child_spec> children) {
  return [options = std::move(options), children = std::move(children)](caf::actor_system& sys) {
    return caf::actor_cast<caf::actor>(spawn_supervisor(sys, options, children));
  };
}

} // namespace troupe::supervision
