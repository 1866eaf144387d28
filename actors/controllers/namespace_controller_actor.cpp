#include "actors/controllers/namespace_controller_actor.hpp"

#include <caf/all.hpp>

#include <map>

#include "actors/controllers/namespace_cleanup.hpp"
#include "store/object_meta.hpp"

namespace troupe::controllers {

using namespace troupe::protocol;

namespace {

using reconcile_atom = caf::atom_constant<caf::atom("reconcile")>;
using resubscribe_atom = caf::atom_constant<caf::atom("resub")>;

struct ns_work {
  bool in_flight = false;
  bool dirty = false;      // an event came during the pass: run again at its end
  unsigned failures = 0;
};

struct namespace_controller_state {
  static inline const char* name = "namespace_controller";
  namespace_controller_options opts;
  uint64_t subscription = 0;
  unsigned subscribe_failures = 0;
  std::map<std::string, ns_work> work;
};

using self_ptr = caf::stateful_actor<namespace_controller_state>*;

const config::kind_info& namespaces() { return *config::find_kind("v1", "Namespace"); }

void reconcile(self_ptr self, const std::string& name);

// The end of a pass: `ok` false counts a failure (backoff); `again_after` set: check again then.
void finish(self_ptr self, const std::string& name, bool ok,
            std::optional<std::chrono::milliseconds> again_after) {
  auto& w = self->state.work[name];
  w.in_flight = false;
  if (!ok) {
    ++w.failures;
    again_after = retry_backoff(w.failures);
  } else {
    w.failures = 0;
  }
  if (w.dirty) {
    w.dirty = false;
    reconcile(self, name);
  } else if (again_after) {
    self->delayed_send(self, *again_after, reconcile_atom::value, name);
  } else {
    self->state.work.erase(name);
  }
}

void enqueue(self_ptr self, const std::string& name) {
  auto& w = self->state.work[name];
  if (w.in_flight)
    w.dirty = true;
  else
    reconcile(self, name);
}

// Applies the plan's writes; the namespace itself goes last, when nothing is left.
void apply(self_ptr self, const std::string& name, const core::v1::Namespace& ns, cleanup_plan plan) {
  auto& opts = self->state.opts;
  if (plan.remove_namespace) {
    store_remove r{&namespaces(), "", name, {}};
    r.options.uid = ns.metadata().uid();
    r.options.grace_period_seconds = 0;
    self->request(opts.store, opts.request_timeout, std::move(r))
      .then([=](store::write_result&) { finish(self, name, true, std::nullopt); },
            [=](caf::error& e) {
              auto s = to_status(e);
              // Gone already: done. Changed meanwhile (conflict) or failed: look again later.
              finish(self, name, s.is(store::status::code::not_found), std::nullopt);
            });
    return;
  }
  // After deletions, count again at once (unscheduled pods are gone already); while only marked
  // objects remain, every `recheck`.
  struct pending {
    size_t left = 0;
    bool failed = false;
  };
  auto p = std::make_shared<pending>();
  const auto next = plan.deletions.empty() ? opts.recheck : std::chrono::milliseconds(0);
  auto done = [=](bool ok) {
    p->failed |= !ok;
    if (--p->left == 0)
      finish(self, name, !p->failed, next);
  };
  if (plan.status) {
    auto updated = std::make_shared<core::v1::Namespace>(ns);
    *updated->mutable_status() = *plan.status;
    ++p->left;
    self->request(opts.store, opts.request_timeout, store_update{&namespaces(), updated})
      .then([=](store::write_result&) { done(true); },
            [=](caf::error& e) { done(to_status(e).is(store::status::code::conflict)); });
  }
  if (plan.deletions.size() > opts.max_deletions_per_pass)
    plan.deletions.resize(opts.max_deletions_per_pass);
  for (auto& d : plan.deletions) {
    ++p->left;
    self->request(opts.store, opts.request_timeout, store_remove{d.kind, name, d.name, d.options})
      .then([=](store::write_result&) { done(true); },
            [=](caf::error& e) {
              auto s = to_status(e);
              done(s.is(store::status::code::not_found) || s.is(store::status::code::conflict));
            });
  }
  if (p->left == 0)
    finish(self, name, true, next);
}

void reconcile(self_ptr self, const std::string& name) {
  auto& st = self->state;
  st.work[name].in_flight = true;
  self->request(st.opts.store, st.opts.request_timeout, store_get{&namespaces(), "", name})
    .then(
      [=](store::stored_object& obj) {
        auto ns = std::make_shared<core::v1::Namespace>();
        ns->CopyFrom(*obj.object);
        if (!ns->metadata().has_deletiontimestamp()) {
          finish(self, name, true, std::nullopt);
          return;
        }
        // List every namespaced kind in it; plan when the last answer is in.
        const auto& kinds = namespaced_storage_kinds();
        auto contents = std::make_shared<std::vector<kind_contents>>(kinds.size());
        auto left = std::make_shared<size_t>(kinds.size());
        auto failed = std::make_shared<bool>(false);
        for (size_t i = 0; i < kinds.size(); ++i) {
          (*contents)[i].kind = kinds[i];
          store_list l{kinds[i], {}};
          l.options.ns = name;
          auto arrived = [=](bool ok) {
            *failed |= !ok;
            if (--*left > 0)
              return;
            if (*failed)
              finish(self, name, false, std::nullopt);
            else
              apply(self, name, *ns, plan_namespace_cleanup(*ns, *contents, self->state.opts.clock()));
          };
          self->request(self->state.opts.store, self->state.opts.request_timeout, std::move(l))
            .then(
              [=](store::list_result& r) {
                (*contents)[i].items = std::move(r.items);
                arrived(true);
              },
              [=](caf::error&) { arrived(false); });
        }
      },
      [=](caf::error& e) {
        finish(self, name, to_status(e).is(store::status::code::not_found), std::nullopt);
      });
}

void subscribe(self_ptr self) {
  auto& st = self->state;
  store_subscribe s{&namespaces(), "", 0, caf::actor_cast<caf::actor>(self)};
  self->request(st.opts.store, st.opts.request_timeout, std::move(s))
    .then(
      [=](uint64_t id) {
        self->state.subscription = id;
        self->state.subscribe_failures = 0;
      },
      [=](caf::error&) {
        auto delay = retry_backoff(++self->state.subscribe_failures);
        self->delayed_send(self, delay, resubscribe_atom::value);
      });
}

caf::behavior namespace_controller(self_ptr self, namespace_controller_options opts) {
  if (!opts.clock)
    opts.clock = wall_clock_now;
  self->state.opts = std::move(opts);
  subscribe(self);
  return {
    [=](watch_batch& b) {
      if (b.subscription != self->state.subscription)
        return;  // from an earlier subscription
      for (const auto& e : b.events) {
        if (!e.object || e.type == store::watch_event_type::deleted ||
            e.type == store::watch_event_type::error || e.type == store::watch_event_type::bookmark)
          continue;
        const auto& meta = store::object_meta(*e.object);
        if (meta.has_deletiontimestamp())
          enqueue(self, meta.name());
      }
      if (b.closed)
        subscribe(self);
    },
    [=](reconcile_atom, const std::string& name) { enqueue(self, name); },
    [=](resubscribe_atom) { subscribe(self); },
  };
}

} // namespace

config::timestamp wall_clock_now() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(now);
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now - secs);
  return {secs.count(), static_cast<int32_t>(nanos.count())};
}

caf::actor spawn_namespace_controller(caf::actor_system& sys, namespace_controller_options options) {
  return sys.spawn(namespace_controller, std::move(options));
}

} // namespace troupe::controllers
