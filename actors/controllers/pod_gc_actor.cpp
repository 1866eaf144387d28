#include "actors/controllers/pod_gc_actor.hpp"

#include <caf/all.hpp>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <map>
#include <set>

#include "actors/controllers/namespace_controller_actor.hpp"
#include "store/object_meta.hpp"

namespace troupe::controllers {

using namespace troupe::protocol;

class pod_gc_metrics {
public:
  explicit pod_gc_metrics(prometheus::Registry& r)
      : deleted_(prometheus::BuildCounter()
                   .Name("pod_gc_collector_force_delete_pods_total")
                   .Help("Number of pods that are being forcefully deleted since the Pod GC Controller started.")
                   .Register(r)),
        errors_(prometheus::BuildCounter()
                  .Name("pod_gc_collector_force_delete_pod_errors_total")
                  .Help("Number of errors encountered when forcefully deleting the pods since the Pod GC Controller started.")
                  .Register(r)) {}
  void count(const std::string& ns, pod_gc_reason reason, bool ok) {
    (ok ? deleted_ : errors_).Add({{"namespace", ns}, {"reason", to_string(reason)}}).Increment();
  }

private:
  prometheus::Family<prometheus::Counter>& deleted_;
  prometheus::Family<prometheus::Counter>& errors_;
};

std::shared_ptr<pod_gc_metrics> make_pod_gc_metrics(prometheus::Registry& registry) {
  return std::make_shared<pod_gc_metrics>(registry);
}

namespace {

namespace v1 = troupe::core::v1;

using tick_atom = caf::atom_constant<caf::atom("podgc_tick")>;
using resubscribe_atom = caf::atom_constant<caf::atom("podgc_resu")>;

const config::kind_info& nodes_kind() { return *config::find_kind("v1", "Node"); }
const config::kind_info& pods_kind() { return *config::find_kind("v1", "Pod"); }

struct view {
  uint64_t id = 0;
  bool synced = false;
};

struct pod_gc_state {
  static inline const char* name = "pod_gc";
  pod_gc_actor_options opts;
  view pods_watch;
  view nodes_watch;
  std::map<std::string, std::shared_ptr<const v1::Pod>> pods;  // by uid
  std::map<std::string, pod_gc_node> nodes;                     // by name
  std::map<std::string, config::timestamp> missing_since;       // quarantined node names
  std::set<std::string> in_flight;                              // pod uids
};

using self_ptr = caf::stateful_actor<pod_gc_state>*;
using done_fn = std::function<void(bool deleted)>;

void subscribe(self_ptr self, bool nodes) {
  auto& st = self->state;
  store_subscribe s{nodes ? &nodes_kind() : &pods_kind(), "", 0, caf::actor_cast<caf::actor>(self), true};
  self->request(st.opts.store, st.opts.request_timeout, std::move(s))
    .then([=](uint64_t id) { (nodes ? self->state.nodes_watch : self->state.pods_watch).id = id; },
          [=](caf::error&) { self->delayed_send(self, std::chrono::seconds(1), resubscribe_atom::value, nodes); });
}

void on_batch(self_ptr self, watch_batch& b) {
  auto& st = self->state;
  const bool nodes = b.subscription == st.nodes_watch.id;
  if (!nodes && b.subscription != st.pods_watch.id)
    return;  // an earlier subscription's
  auto& w = nodes ? st.nodes_watch : st.pods_watch;
  for (const auto& e : b.events) {
    switch (e.type) {
      case store::watch_event_type::added:
      case store::watch_event_type::modified:
        if (nodes) {
          const auto& node = static_cast<const v1::Node&>(*e.object);
          st.nodes[node.metadata().name()] = pod_gc_node_of(node);
        } else {
          auto pod = std::static_pointer_cast<const v1::Pod>(e.object);
          st.pods[pod->metadata().uid()] = std::move(pod);
        }
        break;
      case store::watch_event_type::deleted:
        if (nodes)
          st.nodes.erase(store::object_meta(*e.object).name());
        else
          st.pods.erase(store::object_meta(*e.object).uid());
        break;
      case store::watch_event_type::bookmark:
        w.synced = true;
        break;
      case store::watch_event_type::error:
        break;
    }
  }
  if (b.closed) {
    // Start this view over: the new initial events bring back what exists.
    w = view{};
    if (nodes)
      st.nodes.clear();
    else
      st.pods.clear();
    subscribe(self, nodes);
  }
}

void count(self_ptr self, const pod_gc_action& a, bool ok) {
  if (auto* m = self->state.opts.metrics.get())
    m->count(a.ns, a.reason, ok);
}

// Force-deletes one pod: Failed first if the plan says so, then a removal with grace 0.
void force_delete(self_ptr self, pod_gc_action a, done_fn done) {
  auto& opts = self->state.opts;
  auto store = opts.store;
  auto timeout = opts.request_timeout;
  auto remove = [=] {
    store_remove r{&pods_kind(), a.ns, a.name, {}};
    r.options.uid = a.uid;
    r.options.grace_period_seconds = 0;
    self->request(store, timeout, std::move(r))
      .then(
        [=](store::write_result&) {
          count(self, a, true);
          done(true);
        },
        [=](caf::error& e) {
          const bool gone = to_status(e).is(store::status::code::not_found);
          if (!gone)
            count(self, a, false);
          done(false);
        });
  };
  if (!a.mark_failed) {
    remove();
    return;
  }
  self->request(store, timeout, store_get{&pods_kind(), a.ns, a.name})
    .then(
      [=](store::stored_object& live) {
        const auto& pod = static_cast<const v1::Pod&>(*live.object);
        if (pod.metadata().uid() != a.uid) {
          done(false);  // another pod of that name meanwhile
          return;
        }
        auto failed = std::make_shared<v1::Pod>(mark_failed_by_pod_gc(pod, a.reason, self->state.opts.clock()));
        self->request(store, timeout, store_update{&pods_kind(), std::move(failed)})
          .then([=](store::write_result&) { remove(); },
                [=](caf::error& e) {
                  if (!to_status(e).is(store::status::code::not_found))
                    count(self, a, false);
                  done(false);  // a conflict is planned again next pass
                });
      },
      [=](caf::error&) { done(false); });
}

// One pass; `finished` gets the number of pods deleted once every deletion answered, or -1 when
// the watches have not delivered their initial events yet (no pass then).
void run_pass(self_ptr self, std::function<void(int64_t)> finished) {
  auto& st = self->state;
  if (!st.pods_watch.synced || !st.nodes_watch.synced) {
    finished(-1);
    return;
  }
  pod_gc_pods pods;
  pods.reserve(st.pods.size());
  for (const auto& [uid, p] : st.pods)
    pods.push_back(p);
  auto actions = plan_pod_gc(pods, st.nodes, st.missing_since, st.opts.clock(), st.opts.gc);
  auto left = std::make_shared<size_t>(1);
  auto deleted = std::make_shared<int64_t>(0);
  auto one_done = [=](bool ok) {
    if (ok)
      ++*deleted;
    if (--*left == 0)
      finished(*deleted);
  };
  // The pods of each missing node wait for the store to confirm the node is gone.
  std::map<std::string, std::vector<pod_gc_action>> orphans;
  for (auto& a : actions) {
    if (!st.in_flight.insert(a.uid).second)
      continue;
    ++*left;
    auto release = [=, uid = a.uid](bool ok) {
      self->state.in_flight.erase(uid);
      one_done(ok);
    };
    if (a.reason == pod_gc_reason::orphaned) {
      auto p = st.pods.find(a.uid);
      orphans[p->second->spec().nodename()].push_back(a);
      continue;
    }
    force_delete(self, std::move(a), release);
  }
  for (auto& [node, group] : orphans) {
    auto batch = std::make_shared<std::vector<pod_gc_action>>(std::move(group));
    auto each = [=](bool go) {
      for (auto& a : *batch) {
        auto release = [=, uid = a.uid](bool ok) {
          self->state.in_flight.erase(uid);
          one_done(ok);
        };
        if (go)
          force_delete(self, a, release);
        else
          release(false);
      }
    };
    self->request(st.opts.store, st.opts.request_timeout, store_get{&nodes_kind(), "", node})
      .then([=](store::stored_object&) { each(false); },
            [=](caf::error& e) { each(to_status(e).is(store::status::code::not_found)); });
  }
  one_done(false);
}

caf::behavior pod_gc(self_ptr self, pod_gc_actor_options opts) {
  if (!opts.clock)
    opts.clock = wall_clock_now;
  self->state.opts = std::move(opts);
  subscribe(self, true);
  subscribe(self, false);
  self->delayed_send(self, self->state.opts.gc.period, tick_atom::value);
  return {
    [=](watch_batch& b) { on_batch(self, b); },
    [=](tick_atom) {
      run_pass(self, [](int64_t) {});
      self->delayed_send(self, self->state.opts.gc.period, tick_atom::value);
    },
    [=](pod_gc_pass_atom) -> caf::result<int64_t> {
      auto rp = self->make_response_promise<int64_t>();
      run_pass(self, [rp](int64_t n) mutable { rp.deliver(n); });
      return rp;
    },
    [=](resubscribe_atom, bool nodes) { subscribe(self, nodes); },
  };
}

} // namespace

caf::actor spawn_pod_gc(caf::actor_system& sys, pod_gc_actor_options options) {
  return sys.spawn(pod_gc, std::move(options));
}

} // namespace troupe::controllers
