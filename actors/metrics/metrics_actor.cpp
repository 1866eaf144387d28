#include "actors/metrics/metrics_actor.hpp"

#include <caf/all.hpp>

#include <iostream>
#include <map>

#include <prometheus/counter.h>
#include <prometheus/exposer.h>

#include "actors/protocol/server_protocol.hpp"

namespace troupe::metrics {

namespace {

using tick_atom = caf::atom_constant<caf::atom("mtick")>;

struct metrics_state {
  metrics_actor_options options;
  prometheus::Family<prometheus::Counter>* restarts = nullptr;
  // Restart counts already added to the counters, by (supervisor, child).
  std::map<std::pair<std::string, std::string>, uint64_t> seen;
};

void record(metrics_state& st, const std::string& supervisor, const protocol::restart_counts& counts) {
  for (const auto& [child, n] : counts) {
    auto& before = st.seen[{supervisor, child}];
    auto& counter = st.restarts->Add({{"supervisor", supervisor}, {"child", child}});
    // A supervisor that restarted itself counts from zero again: add what is new since then.
    counter.Increment(static_cast<double>(n >= before ? n - before : n));
    before = n;
  }
}

caf::behavior metrics_behavior(caf::stateful_actor<metrics_state>* self, metrics_actor_options options) {
  // Held only by the exit functor, which destroys it (closing the port) as the actor exits, so a
  // restarted metrics actor can bind the same address.
  auto exposer = std::make_shared<std::unique_ptr<prometheus::Exposer>>();
  try {
    *exposer = std::make_unique<prometheus::Exposer>(options.address);
  } catch (const std::exception& e) {
    std::string why = "metrics: cannot listen on " + options.address + ": " + e.what();
    std::cerr << "troupe-server: " << why << "\n";
    self->quit(caf::make_error(caf::sec::runtime_error, why));
    return {};
  }
  for (const auto& c : options.hub->collectables())
    (*exposer)->RegisterCollectable(c);
  auto ports = (*exposer)->GetListeningPorts();
  std::cerr << "troupe-server: metrics on http://" << options.address.substr(0, options.address.rfind(':')) << ":"
            << (ports.empty() ? 0 : ports.front()) << "/metrics\n";
  self->attach_functor([exposer] { exposer->reset(); });
  self->state.restarts = &prometheus::BuildCounter()
                            .Name("troupe_actor_restarts_total")
                            .Help("Children restarted by a supervisor, by supervisor and child id.")
                            .Register(*options.hub->registry);
  self->state.options = std::move(options);
  self->send(self, tick_atom::value);
  return {
    [self](tick_atom) {
      auto& st = self->state;
      self->delayed_send(self, st.options.interval, tick_atom::value);
      auto root = self->system().registry().get(protocol::root_supervisor_name);
      if (!root)
        return;
      auto sup = caf::actor_cast<protocol::supervisor_actor_type>(root);
      self->request(sup, st.options.interval, caf::get_atom::value, protocol::restarts_atom::value)
        .then([self](const protocol::restart_counts& counts) { record(self->state, "root", counts); },
              [](const caf::error&) {});
      for (const auto& id : st.options.supervisors) {
        self->request(sup, st.options.interval, caf::get_atom::value, protocol::child_atom::value, id)
          .then(
            [self, id](const caf::actor& child) {
              auto child_sup = caf::actor_cast<protocol::supervisor_actor_type>(child);
              self->request(child_sup, self->state.options.interval, caf::get_atom::value,
                            protocol::restarts_atom::value)
                .then([self, id](const protocol::restart_counts& counts) { record(self->state, id, counts); },
                      [](const caf::error&) {});
            },
            [](const caf::error&) {});
      }
    },
  };
}

} // namespace

caf::actor spawn_metrics_actor(caf::actor_system& sys, metrics_actor_options options) {
  return sys.spawn(metrics_behavior, std::move(options));
}

} // namespace troupe::metrics
