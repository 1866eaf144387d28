#include "actors/nodes/node_session_actor.hpp"

#include <caf/all.hpp>

#include <iostream>
#include <map>
#include <optional>
#include <set>

#include "actors/nodes/node_registration.hpp"
#include "actors/nodes/pod_status_reconcile.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::nodes {

using namespace troupe::protocol;
using code = store::status::code;

namespace {

const config::kind_info& pods_kind() { return *config::find_kind("v1", "Pod"); }
const config::kind_info& nodes_kind() { return *config::find_kind("v1", "Node"); }
const config::kind_info& events_kind() { return *config::find_kind("v1", "Event"); }

// One pod's status writes: the newest report not yet written, and whether a write runs now.
struct pod_write {
  std::shared_ptr<const core::v1::Pod> latest;
  bool in_flight = false;
  unsigned failures = 0;
};

struct node_session_state {
  static inline const char* name = "node_session";
  node_session_options opts;
  std::string node;
  node_agent_actor agent;
  core::v1::Node reported;              // the agent's Node from register_atom
  bool registered = false;              // the Node is written
  core::v1::NodeStatus status;          // the status last written (or being written)
  std::optional<core::v1::NodeStatus> status_pending;  // to write after the one in flight
  bool node_in_flight = false;
  config::timestamp last_status_write;
  std::map<std::string, pod_write> pods;  // by uid
  // The kubelet status manager's part (pod_status_reconcile.hpp): the agent's last status of each live
  // pod, and the pods whose stored status differs from it (written again on a heartbeat).
  std::map<std::string, std::shared_ptr<const core::v1::Pod>> reported_pods;  // by uid
  std::set<std::string> drifted;
};

using self_ptr = node_session_local::stateful_pointer<node_session_state>;

void write_node(self_ptr self);

// The Node write finished: `ok` false retries after a delay (a conflict at once).
void node_written(self_ptr self, bool ok, bool at_once) {
  auto& st = self->state;
  st.node_in_flight = false;
  if (!ok) {
    if (at_once)
      write_node(self);
    else
      self->delayed_send(self, st.opts.retry_delay, node_write_atom::value);
    return;
  }
  if (!st.registered) {
    st.registered = true;
    std::cerr << "troupe-server: node \"" << st.node << "\" registered" << std::endl;
  }
  if (st.status_pending)
    write_node(self);
}

// Registration (first) or a status write: read the Node, merge, write with its resourceVersion.
void write_node(self_ptr self) {
  auto& st = self->state;
  if (st.node_in_flight)
    return;
  st.node_in_flight = true;
  std::optional<core::v1::NodeStatus> status;
  if (st.registered) {
    if (!st.status_pending) {
      st.node_in_flight = false;
      return;
    }
    status = std::move(st.status_pending);
    st.status_pending.reset();
  }
  auto finish_write = [=](std::shared_ptr<core::v1::Node> obj, bool create) {
    auto written = [=](store::write_result& r) {
      auto& s = self->state;
      s.status = static_cast<const core::v1::Node&>(*r.object.object).status();
      // The heartbeat written, not the time the reply arrived (it may arrive late on a busy host).
      s.last_status_write = last_heartbeat(s.status).value_or(s.opts.clock());
      node_written(self, true, false);
    };
    auto failed = [=](caf::error& e) {
      auto s = to_status(e);
      if (status && !self->state.status_pending)
        self->state.status_pending = status;  // write it again
      node_written(self, false, s.is(code::conflict) || s.is(code::already_exists) ||
                                  s.is(code::not_found));
    };
    if (create)
      self->request(self->state.opts.store, self->state.opts.request_timeout,
                    store_create{&nodes_kind(), obj}).then(written, failed);
    else
      self->request(self->state.opts.store, self->state.opts.request_timeout,
                    store_update{&nodes_kind(), obj}).then(written, failed);
  };
  self->request(st.opts.store, st.opts.request_timeout, store_get{&nodes_kind(), "", st.node})
    .then(
      [=](store::stored_object& got) {
        const auto& current = static_cast<const core::v1::Node&>(*got.object);
        auto obj = std::make_shared<core::v1::Node>();
        if (status) {
          *obj = current;
          *obj->mutable_status() = *status;
        } else {
          *obj = merge_registered_node(&current, self->state.reported, self->state.opts.clock());
        }
        finish_write(obj, false);
      },
      [=](caf::error& e) {
        if (!to_status(e).is(code::not_found)) {
          if (status && !self->state.status_pending)
            self->state.status_pending = status;
          node_written(self, false, false);
          return;
        }
        auto obj = std::make_shared<core::v1::Node>(
          merge_registered_node(nullptr, self->state.reported, self->state.opts.clock()));
        if (status)
          *obj->mutable_status() = *status;
        finish_write(obj, true);
      });
}

void queue_status(self_ptr self, core::v1::NodeStatus status) {
  self->state.status_pending = std::move(status);
  if (self->state.registered)
    write_node(self);
}

void write_pod(self_ptr self, const std::string& uid);

void pod_done(self_ptr self, const std::string& uid, std::shared_ptr<const core::v1::Pod> retry,
              bool at_once) {
  auto& w = self->state.pods[uid];
  w.in_flight = false;
  if (retry) {
    if (!w.latest)
      w.latest = std::move(retry);  // a newer report wins over the one that failed
    if (at_once) {
      write_pod(self, uid);
    } else {
      ++w.failures;
      self->delayed_send(self, self->state.opts.retry_delay * std::min(w.failures, 10u),
                         retry_atom::value, uid);
    }
    return;
  }
  w.failures = 0;
  if (w.latest)
    write_pod(self, uid);
  else
    self->state.pods.erase(uid);
}

// Read-modify-write of one pod's status; then, for a finished pod, its deletion.
void write_pod(self_ptr self, const std::string& uid) {
  auto& w = self->state.pods[uid];
  if (w.in_flight || !w.latest)
    return;
  w.in_flight = true;
  auto reported = std::move(w.latest);
  w.latest.reset();
  const auto& st = self->state;
  const auto& meta = reported->metadata();
  self->request(st.opts.store, st.opts.request_timeout,
                store_get{&pods_kind(), meta.namespace_(), meta.name()})
    .then(
      [=](store::stored_object& got) {
        auto next = pod_status_write(static_cast<const core::v1::Pod&>(*got.object), *reported,
                                     self->state.node);
        if (!next) {
          pod_done(self, uid, nullptr, false);  // another pod, or not this node's: drop
          return;
        }
        auto obj = std::make_shared<core::v1::Pod>(std::move(*next));
        self->request(self->state.opts.store, self->state.opts.request_timeout,
                      store_update{&pods_kind(), obj})
          .then(
            [=](store::write_result&) {
              if (!reported->metadata().has_deletiontimestamp()) {
                pod_done(self, uid, nullptr, false);
                return;
              }
              store_remove r{&pods_kind(), reported->metadata().namespace_(),
                             reported->metadata().name(), {}};
              r.options.uid = uid;
              r.options.grace_period_seconds = 0;
              self->request(self->state.opts.store, self->state.opts.request_timeout, std::move(r))
                .then([=](store::write_result&) { pod_done(self, uid, nullptr, false); },
                      [=](caf::error& e) {
                        auto s = to_status(e);
                        bool gone = s.is(code::not_found) || s.is(code::conflict);
                        pod_done(self, uid, gone ? nullptr : reported, false);
                      });
            },
            [=](caf::error& e) {
              auto s = to_status(e);
              if (s.is(code::not_found))
                pod_done(self, uid, nullptr, false);
              else
                pod_done(self, uid, reported, s.is(code::conflict));
            });
      },
      [=](caf::error& e) {
        bool gone = to_status(e).is(code::not_found);
        pod_done(self, uid, gone ? nullptr : reported, false);
      });
}

void create_event(self_ptr self, std::shared_ptr<core::v1::Event> ev) {
  const auto& st = self->state;
  self->request(st.opts.store, st.opts.request_timeout, store_create{&events_kind(), ev})
    .then([](store::write_result&) {},
          [=](caf::error& e) {
            // A named event the agent sends again (a repeated one with a higher count): update it.
            if (to_status(e).is(code::already_exists))
              self->request(self->state.opts.store, self->state.opts.request_timeout,
                            store_update{&events_kind(), ev})
                .then([](store::write_result&) {}, [](caf::error&) {});
          });
}

// A push shows the stored pods: note which differ from what the agent reported (needsReconcile).
void note_drift(self_ptr self, const pods_push& p) {
  auto& st = self->state;
  if (p.full) {
    std::set<std::string> bound;
    for (const auto& pod : p.pods)
      bound.insert(pod->metadata().uid());
    for (auto i = st.reported_pods.begin(); i != st.reported_pods.end();) {
      if (bound.count(i->first)) {
        ++i;
        continue;
      }
      st.drifted.erase(i->first);
      i = st.reported_pods.erase(i);
    }
  }
  for (const auto& uid : p.removed_uids) {
    st.reported_pods.erase(uid);
    st.drifted.erase(uid);
  }
  for (const auto& pod : p.pods) {
    const auto& uid = pod->metadata().uid();
    auto r = st.reported_pods.find(uid);
    if (r == st.reported_pods.end())
      continue;
    if (pod_status_drifted(*pod, *r->second, st.node))
      st.drifted.insert(uid);
    else
      st.drifted.erase(uid);
  }
}

// syncBatch on a heartbeat (the agent is alive): writes the agent's status of drifted pods again.
// Not while the Node's own write is under way: pods follow the Node, so the lifecycle controller
// sees the node Ready before it sees its pods Ready (and does not mark them NotReady again).
void reconcile_drifted(self_ptr self) {
  auto& st = self->state;
  if (st.drifted.empty() || !st.registered || st.node_in_flight || st.status_pending)
    return;
  auto drifted = std::move(st.drifted);
  st.drifted.clear();
  size_t written = 0;
  for (const auto& uid : drifted) {
    auto r = st.reported_pods.find(uid);
    if (r == st.reported_pods.end())
      continue;
    auto& w = st.pods[uid];
    if (!w.latest)
      w.latest = r->second;  // a newer report queued meanwhile wins
    write_pod(self, uid);
    ++written;
  }
  if (written > 0)
    std::cerr << "troupe-server: node \"" << st.node << "\": status of " << written
              << " pod(s) written again (the stored status differed from the node's)" << std::endl;
}

node_session_local::behavior_type node_session(self_ptr self, node_session_options opts,
                                               std::string node, std::string node_bytes,
                                               node_agent_actor agent) {
  if (!opts.clock)
    opts.clock = session_wall_clock;
  auto& st = self->state;
  st.opts = std::move(opts);
  st.node = node;
  st.agent = agent;
  st.reported.ParseFromString(node_bytes);
  st.reported.mutable_metadata()->set_name(node);
  self->monitor(agent);
  self->set_down_handler([=](caf::down_msg& dm) {
    if (dm.source == self->state.agent.address()) {
      std::cerr << "troupe-server: node \"" << self->state.node
                << "\" disconnected: " << caf::to_string(dm.reason) << std::endl;
      self->quit();
    }
  });
  write_node(self);
  return {
    [=](report_atom, std::vector<std::string>& statuses, std::vector<std::string>& events,
        std::string& node_status) {
      const auto now = self->state.opts.clock();
      for (auto& bytes : statuses) {
        auto pod = std::make_shared<core::v1::Pod>();
        if (!pod->ParseFromString(bytes) || pod->metadata().uid().empty())
          continue;
        const auto uid = pod->metadata().uid();
        if (pod->metadata().has_deletiontimestamp())
          self->state.reported_pods.erase(uid);
        else
          self->state.reported_pods[uid] = pod;
        self->state.drifted.erase(uid);  // its write follows
        self->state.pods[uid].latest = std::move(pod);
        write_pod(self, uid);
      }
      for (auto& bytes : events) {
        auto ev = std::make_shared<core::v1::Event>();
        if (!ev->ParseFromString(bytes))
          continue;
        *ev = prepare_event(std::move(*ev), now);
        create_event(self, std::move(ev));
      }
      if (!node_status.empty()) {
        core::v1::NodeStatus reported;
        if (reported.ParseFromString(node_status)) {
          const auto& base = self->state.status_pending ? *self->state.status_pending
                                                        : self->state.status;
          queue_status(self, merge_node_status(base, reported, now));
        }
      }
    },
    [=](heartbeat_atom) -> int64_t {
      auto& s = self->state;
      const auto now = s.opts.clock();
      if (s.registered && !s.node_in_flight && !s.status_pending &&
          heartbeat_due(s.last_status_write, now, s.opts.status_update_frequency))
        queue_status(self, refresh_heartbeat(s.status, now));
      reconcile_drifted(self);
      return now.seconds * 1000 + now.nanos / 1000000;
    },
    [=](pods_push& p) {
      note_drift(self, p);
      std::vector<std::string> pods;
      pods.reserve(p.pods.size());
      for (const auto& pod : p.pods)
        pods.push_back(pod->SerializeAsString());
      self->send(self->state.agent, pods_atom::value, std::move(pods), std::move(p.removed_uids),
                 p.full);
    },
    [=](retry_atom, const std::string& uid) { write_pod(self, uid); },
    [=](node_write_atom) { write_node(self); },
  };
}

} // namespace

config::timestamp session_wall_clock() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  auto secs = std::chrono::duration_cast<std::chrono::seconds>(now);
  auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now - secs);
  return {secs.count(), static_cast<int32_t>(nanos.count())};
}

node_session_local spawn_linked_node_session(caf::local_actor* parent, node_session_options options,
                                             std::string node_name, std::string node_bytes,
                                             node_agent_actor agent) {
  return parent->spawn<caf::linked>(node_session, std::move(options), std::move(node_name),
                                    std::move(node_bytes), std::move(agent));
}

} // namespace troupe::nodes
