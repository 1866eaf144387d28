// Over 400 lines: one actor's shell — a sync's stages (claim, create/delete, status) chain
// through the store's replies and share one state; the decisions are in replicaset_plan.cpp.
#include "actors/controllers/replicaset_actor.hpp"


#include <caf/all.hpp>

#include <map>
#include <random>

#include "actors/controllers/lifecycle_events.hpp"
#include "actors/controllers/record_event.hpp"
#include "actors/controllers/namespace_cleanup.hpp"
#include "actors/controllers/node_health.hpp"
#include "actors/controllers/replica_expectations.hpp"
#include "actors/controllers/replicaset_events.hpp"
#include "actors/controllers/replicaset_plan.hpp"

namespace troupe::controllers {

using namespace troupe::protocol;
using code = store::status::code;

namespace {

namespace v1 = troupe::core::v1;
using rs_ptr = std::shared_ptr<const apps::v1::ReplicaSet>;

const config::kind_info& pods_kind() { return *config::find_kind("v1", "Pod"); }
const config::kind_info& replicasets_kind() { return *config::find_kind("apps/v1", "ReplicaSet"); }

constexpr int max_name_attempts = 5;

struct replicaset_state {
  static inline const char* name = "replicaset";
  replicaset_options opts;
  std::string key;  // ns/name
  rs_ptr rs;
  bool have_pods = false;
  std::map<std::string, pod_ptr> pods;  // by uid
  replica_expectations expectations;
  bool in_flight = false;
  bool dirty = false;        // something changed during the sync: sync again at its end
  bool sync_queued = false;  // an rs_sync_atom is in the mailbox
  unsigned failures = 0;
  std::optional<config::timestamp> wake_at;
  uint64_t wake_generation = 0;
  std::mt19937_64 rng;
  int64_t last_event_ns = 0;
};

using self_ptr = replicaset_actor_type::stateful_pointer<replicaset_state>;

// What one sync carries from stage to stage.
struct sync_run {
  rs_ptr rs;
  std::vector<pod_ptr> claimed;
  std::optional<std::string> manage_error;  // the first failed create/delete
  bool transient = false;                   // another write failed: retry with backoff
};
using run_ptr = std::shared_ptr<sync_run>;
using step_fn = std::function<void()>;

void status_stage(self_ptr self, run_ptr run);

// Calls `next` after `n` calls of the returned function (at once when n is 0).
std::function<void()> join(size_t n, step_fn next) {
  if (n == 0) {
    next();
    return [] {};
  }
  auto left = std::make_shared<size_t>(n);
  return [left, next] {
    if (--*left == 0)
      next();
  };
}

config::timestamp event_time(self_ptr self) {
  return unique_event_time(self->state.opts.clock(), self->state.last_event_ns);
}

void record(self_ptr self, v1::Event event) {
  record_event(self, self->state.opts.store, self->state.opts.request_timeout, std::move(event));
}

std::string message_of(const caf::error& e) { return to_status(e).message(); }

void request_sync(self_ptr self) {
  if (self->state.sync_queued)
    return;
  self->state.sync_queued = true;
  self->send(self, rs_sync_atom::value);
}

void arm(self_ptr self, std::optional<config::timestamp> next, config::timestamp now) {
  auto& st = self->state;
  if (!next || (st.wake_at && !earlier(*next, *st.wake_at)))
    return;
  st.wake_at = next;
  auto delay = std::max(between(now, *next) + std::chrono::milliseconds(1),
                        std::chrono::milliseconds(20));
  self->delayed_send(self, delay, rs_wake_atom::value, ++st.wake_generation);
}

// ---- the pod view and the expectations it lowers

bool controlled_by(const v1::Pod& pod, const std::string& rs_uid) {
  const auto* ref = controller_of(pod.metadata());
  return ref != nullptr && ref->uid() == rs_uid;
}

void observe(self_ptr self, const std::string& uid, const pod_ptr& before, const pod_ptr& after) {
  auto& st = self->state;
  const std::string rs_uid = st.rs ? st.rs->metadata().uid() : "";
  if (!after) {
    st.expectations.deletion_observed(uid);
    return;
  }
  if (after->metadata().has_deletiontimestamp()) {
    st.expectations.deletion_observed(uid);
    return;
  }
  if (!before && controlled_by(*after, rs_uid))
    st.expectations.creation_observed();
}

// ---- writes of one pod

// Reads the pod, lets `change` edit it (false: nothing to do) and writes it back conditionally.
// `done(written, failed)`: failed only for errors other than NotFound/Conflict.
void change_pod(self_ptr self, const pod_ptr& pod, std::function<bool(v1::Pod&)> change,
                std::function<void(bool, bool)> done) {
  auto& st = self->state;
  auto uid = pod->metadata().uid();
  self->request(st.opts.store, st.opts.request_timeout,
                store_get{&pods_kind(), pod->metadata().namespace_(), pod->metadata().name()})
    .then(
      [=](store::stored_object& got) {
        auto live = std::make_shared<v1::Pod>(static_cast<const v1::Pod&>(*got.object));
        if (live->metadata().uid() != uid || !change(*live)) {
          done(false, false);
          return;
        }
        self->request(self->state.opts.store, self->state.opts.request_timeout,
                      store_update{&pods_kind(), live})
          .then([=](store::write_result&) { done(true, false); },
                [=](caf::error& e) {
                  auto s = to_status(e);
                  done(false, !s.is(code::not_found) && !s.is(code::conflict));
                });
      },
      [=](caf::error& e) { done(false, !to_status(e).is(code::not_found)); });
}

// ---- stage 1: claim

void manage_stage(self_ptr self, run_ptr run);

void claim_stage(self_ptr self, run_ptr run, claim_plan plan) {
  auto next = join(plan.adopt.size() + plan.release.size() + 1, [=] { manage_stage(self, run); });
  auto rs = run->rs;
  for (const auto& p : plan.adopt)
    change_pod(self, p,
               [rs](v1::Pod& live) {
                 auto still = claim_pods(*rs, {std::make_shared<v1::Pod>(live)});
                 if (still.adopt.empty())
                   return false;
                 live = adopted_pod(live, *rs);
                 return true;
               },
               [=](bool written, bool failed) {
                 if (!written) {
                   auto& c = run->claimed;
                   c.erase(std::remove(c.begin(), c.end(), p), c.end());
                 }
                 run->transient = run->transient || failed;
                 next();
               });
  for (const auto& p : plan.release)
    change_pod(self, p,
               [rs](v1::Pod& live) {
                 auto still = claim_pods(*rs, {std::make_shared<v1::Pod>(live)});
                 if (still.release.empty())
                   return false;
                 live = released_pod(live, rs->metadata().uid());
                 return true;
               },
               [=](bool, bool failed) {
                 run->transient = run->transient || failed;
                 next();
               });
  next();
}

// ---- stage 2: create or delete

void failed_create(self_ptr self, run_ptr run, const std::string& message) {
  self->state.expectations.creation_observed();
  record(self, pod_create_failed_event(*run->rs, message, event_time(self)));
  if (!run->manage_error)
    run->manage_error = message;
}

void create_one(self_ptr self, run_ptr run, int attempt, step_fn done) {
  auto& st = self->state;
  auto made = new_pod(*run->rs, random_suffix(st.rng), st.opts.admission);
  if (auto* invalid = std::get_if<std::string>(&made)) {
    failed_create(self, run, *invalid);
    done();
    return;
  }
  auto pod = std::make_shared<v1::Pod>(std::move(std::get<v1::Pod>(made)));
  self->request(st.opts.store, st.opts.request_timeout, store_create{&pods_kind(), pod})
    .then(
      [=](store::write_result&) {
        record(self, pod_created_event(*run->rs, pod->metadata().name(), event_time(self)));
        done();
      },
      [=](caf::error& e) {
        if (to_status(e).is(code::already_exists) && attempt + 1 < max_name_attempts) {
          create_one(self, run, attempt + 1, done);  // the generated name was taken
          return;
        }
        failed_create(self, run, message_of(e));
        done();
      });
}

void create_batches(self_ptr self, run_ptr run, std::shared_ptr<std::vector<size_t>> batches,
                    size_t i) {
  if (i >= batches->size()) {
    status_stage(self, run);
    return;
  }
  if (run->manage_error) {
    // slowStartBatch stops at the first failure: the skipped creates will never be observed.
    size_t skipped = 0;
    for (size_t j = i; j < batches->size(); ++j)
      skipped += (*batches)[j];
    self->state.expectations.creation_observed(static_cast<int64_t>(skipped));
    status_stage(self, run);
    return;
  }
  auto next = join((*batches)[i], [=] { create_batches(self, run, batches, i + 1); });
  for (size_t k = 0; k < (*batches)[i]; ++k)
    create_one(self, run, 0, next);
}

void delete_one(self_ptr self, run_ptr run, pod_ptr pod, step_fn done) {
  auto& st = self->state;
  const auto uid = pod->metadata().uid();
  store_remove r{&pods_kind(), pod->metadata().namespace_(), pod->metadata().name(), {}};
  r.options.uid = uid;
  r.options.grace_period_seconds = pod_deletion_grace(*pod);
  self->request(st.opts.store, st.opts.request_timeout, std::move(r))
    .then(
      [=](store::write_result&) {
        record(self, pod_deleted_event(*run->rs, pod->metadata().name(), event_time(self)));
        done();
      },
      [=](caf::error& e) {
        self->state.expectations.deletion_observed(uid);  // the watch will not show it
        if (!to_status(e).is(code::not_found)) {
          record(self, pod_delete_failed_event(*run->rs, message_of(e), event_time(self)));
          if (!run->manage_error)
            run->manage_error = "unable to delete pods: " + message_of(e);
        }
        done();
      });
}

void manage_stage(self_ptr self, run_ptr run) {
  auto& st = self->state;
  const auto now = st.opts.clock();
  if (run->rs->metadata().has_deletiontimestamp() ||
      !st.expectations.satisfied(now, st.opts.expectations_ttl)) {
    status_stage(self, run);
    return;
  }
  auto plan = plan_replicas(*run->rs, run->claimed);
  if (plan.creates > 0) {
    st.expectations.expect(static_cast<int64_t>(plan.creates), {}, now);
    auto batches = std::make_shared<std::vector<size_t>>(slow_start_batches(plan.creates));
    create_batches(self, run, batches, 0);
    return;
  }
  if (!plan.deletes.empty()) {
    std::vector<std::string> uids;
    for (const auto& p : plan.deletes)
      uids.push_back(p->metadata().uid());
    st.expectations.expect(0, uids, now);
    auto next = join(plan.deletes.size(), [=] { status_stage(self, run); });
    for (const auto& p : plan.deletes)
      delete_one(self, run, p, next);
    return;
  }
  status_stage(self, run);
}

// ---- stage 3: status, then the end of the sync

int64_t revision_of(const apps::v1::ReplicaSet& rs) {
  const auto& rv = rs.metadata().resourceversion();
  return rv.empty() ? 0 : std::strtoll(rv.c_str(), nullptr, 10);
}

void finish(self_ptr self, run_ptr run) {
  auto& st = self->state;
  st.in_flight = false;
  const auto now = st.opts.clock();
  if (run->manage_error || run->transient) {
    ++st.failures;
    self->delayed_send(self, retry_backoff(st.failures), rs_sync_atom::value);
  } else {
    st.failures = 0;
  }
  if (st.rs)
    arm(self, next_availability(*st.rs, run->claimed, now), now);
  arm(self, st.expectations.expires_at(st.opts.expectations_ttl), now);
  if (st.dirty) {
    st.dirty = false;
    request_sync(self);
  }
}

void status_stage(self_ptr self, run_ptr run) {
  auto& st = self->state;
  auto latest = st.rs;  // the newest view: a scale meanwhile must not be written back
  if (!latest || latest->metadata().uid() != run->rs->metadata().uid()) {
    finish(self, run);
    return;
  }
  auto status = calculate_status(*latest, run->claimed, run->manage_error, st.opts.clock());
  auto update = status_update(*latest, status);
  if (!update) {
    finish(self, run);
    return;
  }
  auto obj = std::make_shared<apps::v1::ReplicaSet>(std::move(*update));
  self->request(st.opts.store, st.opts.request_timeout, store_update{&replicasets_kind(), obj})
    .then(
      [=](store::write_result& r) {
        auto written = std::static_pointer_cast<const apps::v1::ReplicaSet>(r.object.object);
        auto& s = self->state;
        if (s.rs && revision_of(*written) > revision_of(*s.rs))
          s.rs = written;
        finish(self, run);
      },
      [=](caf::error& e) {
        auto s = to_status(e);
        if (s.is(code::conflict))
          self->state.dirty = true;  // a newer ReplicaSet is on its way: sync with it
        else if (!s.is(code::not_found))
          run->transient = true;
        finish(self, run);
      });
}

void sync(self_ptr self) {
  auto& st = self->state;
  if (!st.rs || !st.have_pods)
    return;
  if (st.in_flight) {
    st.dirty = true;
    return;
  }
  st.in_flight = true;
  std::vector<pod_ptr> pods;
  pods.reserve(st.pods.size());
  for (const auto& [uid, p] : st.pods)
    pods.push_back(p);
  auto plan = claim_pods(*st.rs, pods);
  auto run = std::make_shared<sync_run>();
  run->rs = st.rs;
  run->claimed = plan.claimed;
  claim_stage(self, run, std::move(plan));
}

replicaset_actor_type::behavior_type replicaset(self_ptr self, replicaset_options opts,
                                                std::string key) {
  auto& st = self->state;
  st.opts = std::move(opts);
  st.key = std::move(key);
  st.rng.seed(st.opts.seed != 0 ? st.opts.seed : std::random_device{}());
  return {
    [=](replicaset_seen& seen) {
      auto& s = self->state;
      s.rs = std::move(seen.rs);
      if (seen.pods) {
        std::map<std::string, pod_ptr> next;
        for (auto& p : *seen.pods)
          next[p->metadata().uid()] = p;
        for (const auto& [uid, before] : s.pods)
          if (!next.count(uid))
            observe(self, uid, before, nullptr);
        for (const auto& [uid, after] : next) {
          auto i = s.pods.find(uid);
          observe(self, uid, i == s.pods.end() ? nullptr : i->second, after);
        }
        s.pods = std::move(next);
        s.have_pods = true;
      }
      request_sync(self);
    },
    [=](replicaset_pod_seen& seen) {
      auto& s = self->state;
      auto i = s.pods.find(seen.uid);
      observe(self, seen.uid, i == s.pods.end() ? nullptr : i->second, seen.pod);
      if (seen.pod)
        s.pods[seen.uid] = std::move(seen.pod);
      else if (i != s.pods.end())
        s.pods.erase(i);
      request_sync(self);
    },
    [=](rs_sync_atom) {
      self->state.sync_queued = false;
      sync(self);
    },
    [=](rs_wake_atom, uint64_t generation) {
      if (generation != self->state.wake_generation)
        return;
      self->state.wake_at.reset();
      request_sync(self);
    },
    [=](rs_drop_atom) { self->quit(); },
  };
}

} // namespace

replicaset_actor_type spawn_linked_replicaset(caf::local_actor* parent, replicaset_options options,
                                              std::string key) {
  return parent->spawn<caf::linked>(replicaset, std::move(options), std::move(key));
}

} // namespace troupe::controllers
