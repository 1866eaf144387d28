// The node actor (node_actor.hpp). A thin shell: the decisions are in node_info (the Node
// object), pod_assignment (pods to spawn/update/kill, orphans), report_batch (coalescing) and
// container_log (logs). One behavior with a connection phase rather than `become` modes: pods,
// reports and logs are handled the same whether or not a session exists; only where reports go
// differs. The connection mechanics live in node_connection.cpp.
#include "node-agent/agent/node_actor.hpp"

#include <caf/all.hpp>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "actors/protocol/node_protocol.hpp"
#include "node-agent/agent/container_log.hpp"
#include "node-agent/agent/node_actor_state.hpp"
#include "node-agent/agent/pod_assignment.hpp"
#include "node-agent/runtime/blocking_call.hpp"
#include "node-agent/runtime/runtime_labels.hpp"

namespace troupe::node_agent {

namespace {

namespace v1 = troupe::core::v1;
using self_ptr = node_actor_self;

// --- pods

void spawn_pod(self_ptr self, const pod_ptr& pod) {
  auto& st = self->state;
  const auto& uid = pod->metadata().uid();
  auto handle = st.cfg.spawn_pod(self->system(), st.cfg.pod_context, pod,
                                 caf::actor_cast<caf::actor>(self));
  if (!handle) {
    st.log("cannot start a pod actor for " + pod->metadata().namespace_() + "/" +
           pod->metadata().name());
    return;
  }
  self->link_to(handle);
  st.uid_by_addr[handle.address()] = uid;
  st.pods[uid] = {handle, pod};
  st.cfg.metrics.set_pod_actors(st.pods.size());
}

void apply_pods(self_ptr self, std::vector<std::string>& encoded,
                const std::vector<std::string>& removed, bool full) {
  auto& st = self->state;
  std::vector<pod_ptr> pods;
  for (auto& bytes : encoded) {
    auto pod = std::make_shared<v1::Pod>();
    if (!pod->ParseFromString(bytes)) {
      st.log("ignored a pod that does not parse as troupe.core.v1.Pod");
      continue;
    }
    // A pod that finished here and is still in the store must not get a new actor. Still there
    // in a full set (sent after a register) means the finished report was lost with the old
    // connection: report it again. (Not for incremental sets: the session's own status write
    // comes back as one, and answering it would loop.)
    if (st.finished_uids.count(pod->metadata().uid())) {
      if (full && pod->metadata().has_deletiontimestamp()) {
        st.batch.add(pod->metadata().uid(), nullptr, {}, true, pod.get());
        schedule_flush(self);
      }
      continue;
    }
    pods.push_back(std::move(pod));
  }
  std::set<std::string> actor_uids;
  for (const auto& [uid, entry] : st.pods)
    actor_uids.insert(uid);
  auto plan = plan_pod_set(actor_uids, pods, removed, full);
  if (full) {
    st.bound_uids.clear();
    std::set<std::string> still_there;
    for (const auto& pod : pods)
      still_there.insert(pod->metadata().uid());
    for (auto it = st.finished_uids.begin(); it != st.finished_uids.end();)
      it = still_there.count(*it) ? std::next(it) : st.finished_uids.erase(it);
  }
  for (const auto& pod : pods)
    st.bound_uids.insert(pod->metadata().uid());
  for (const auto& uid : removed)
    st.bound_uids.erase(uid);
  for (const auto& pod : plan.spawn)
    spawn_pod(self, pod);
  for (const auto& pod : plan.update) {
    auto& entry = st.pods[pod->metadata().uid()];
    entry.latest = pod;
    self->send(entry.actor, pod_atom::value, pod);
  }
  for (const auto& uid : plan.kill) {
    auto& entry = st.pods[uid];
    if (!entry.killed) {
      entry.killed = true;
      self->send(entry.actor, kill_atom::value);
    }
  }
  if (full)
    request_orphan_listing(self);
}

void on_pod_report(self_ptr self, pod_report& r) {
  auto& st = self->state;
  auto it = st.pods.find(r.uid);
  const v1::Pod* object = it != st.pods.end() && it->second.latest ? it->second.latest.get()
                                                                   : nullptr;
  st.batch.add(r.uid, r.status, std::move(r.events), r.finished, object);
  if (r.finished) {
    st.finished_uids.insert(r.uid);
    st.bound_uids.erase(r.uid);
    if (it != st.pods.end()) {
      st.uid_by_addr.erase(it->second.actor.address());
      self->unlink_from(it->second.actor);
      st.pods.erase(it);
      st.cfg.metrics.set_pod_actors(st.pods.size());
    }
  }
  schedule_flush(self);
}

// A pod actor ended without reporting finished (a crash): start a new one for the latest object
// after a pause; it adopts the pod's sandbox and containers from the runtime.
void on_pod_actor_exit(self_ptr self, const std::string& uid, const caf::error& reason) {
  auto& st = self->state;
  auto it = st.pods.find(uid);
  if (it == st.pods.end())
    return;
  auto latest = it->second.latest;
  st.uid_by_addr.erase(it->second.actor.address());
  st.pods.erase(it);
  st.cfg.metrics.set_pod_actors(st.pods.size());
  st.log("pod actor for " + latest->metadata().namespace_() + "/" + latest->metadata().name() +
         " ended: " + self->system().render(reason) + "; starting a new one");
  self->delayed_send(self, std::chrono::seconds(1), respawn_atom::value, uid, latest);
}

// --- orphans

void remove_orphans(self_ptr self, std::vector<runtime::sandbox_info>& sandboxes) {
  auto& st = self->state;
  std::set<std::string> actor_uids;
  for (const auto& [uid, entry] : st.pods)
    actor_uids.insert(uid);
  auto orphans = orphan_sandboxes(sandboxes, st.cfg.node.name, st.bound_uids, actor_uids);
  if (orphans.empty())
    return;
  std::vector<runtime::sandbox_info> doomed;
  for (const auto& s : sandboxes)
    if (std::binary_search(orphans.begin(), orphans.end(), s.id))
      doomed.push_back(s);
  // Stopping takes blocking waits on the runtime: a helper thread, never a CAF worker.
  auto runtime = st.cfg.pod_context.runtime;
  auto log = st.log;
  auto log_root = st.cfg.pod_context.log_root;
  auto timeout = st.cfg.timing.runtime_timeout;
  std::thread([runtime, log, log_root, timeout, doomed] {
    for (const auto& s : doomed) {
      runtime::container_filter f;
      f.sandbox_id = s.id;
      auto containers = runtime::await_result<std::vector<runtime::container_info>>(
        [&](auto cb) { runtime->list_containers(f, timeout, cb); });
      if (containers)
        for (const auto& c : *containers) {
          runtime::await_status([&](auto cb) { runtime->stop_container(c.id, {}, cb); });
          runtime::await_status([&](auto cb) { runtime->remove_container(c.id, timeout, cb); });
        }
      auto stopped =
        runtime::await_status([&](auto cb) { runtime->stop_pod_sandbox(s.id, timeout, cb); });
      auto removed =
        runtime::await_status([&](auto cb) { runtime->remove_pod_sandbox(s.id, timeout, cb); });
      std::error_code ec;
      std::filesystem::remove_all(log_root + "/" + s.namespace_ + "_" + s.name + "_" + s.uid, ec);
      if (stopped && removed)
        log("removed orphaned pod " + s.namespace_ + "/" + s.name + " (uid " + s.uid + ")");
      else
        log("cannot remove orphaned pod " + s.namespace_ + "/" + s.name + ": " +
            (stopped ? removed : stopped).to_string());
    }
  }).detach();
}

// --- logs

std::string find_container_error(const v1::Pod& pod, const std::string& container) {
  for (const auto& c : pod.spec().containers())
    if (c.name() == container)
      return {};
  for (const auto& c : pod.spec().initcontainers())
    if (c.name() == container)
      return {};
  return "container " + container + " is not valid for pod " + pod.metadata().name();
}

using log_promise = caf::typed_response_promise<std::string, int64_t, bool>;

log_promise serve_logs(self_ptr self, const std::string& ns, const std::string& pod_name,
                       const std::string& container, bool previous, int64_t tail_lines,
                       int64_t since_seconds, bool timestamps, int64_t limit_bytes,
                       int64_t offset) {
  auto& st = self->state;
  auto rp = self->make_response_promise<std::string, int64_t, bool>();
  pod_ptr pod;
  for (const auto& [uid, entry] : st.pods)
    if (entry.latest && entry.latest->metadata().namespace_() == ns &&
        entry.latest->metadata().name() == pod_name)
      pod = entry.latest;
  if (!pod) {
    rp.deliver(caf::make_error(caf::sec::invalid_argument,
                               "pods \"" + pod_name + "\" not found on node " + st.cfg.node.name));
    return rp;
  }
  if (auto problem = find_container_error(*pod, container); !problem.empty()) {
    rp.deliver(caf::make_error(caf::sec::invalid_argument, problem));
    return rp;
  }
  auto id = ++st.next_log_request;
  st.log_promises.emplace(id, rp);
  log_options options;
  options.timestamps = timestamps;
  options.tail_lines = tail_lines;
  options.since_seconds = since_seconds;
  options.limit_bytes = limit_bytes;
  options.offset = offset;
  options.now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                     st.now().time_since_epoch()).count();
  runtime::container_filter filter;
  filter.label_selector = {{runtime::labels::pod_uid, pod->metadata().uid()},
                           {runtime::labels::container_name, container}};
  auto runtime = st.cfg.pod_context.runtime;
  auto timeout = st.cfg.timing.runtime_timeout;
  auto me = caf::actor_cast<caf::actor>(self);
  std::thread([=] {
    auto reply = [&](std::string text, int64_t next, bool running, std::string error) {
      caf::anon_send(me, log_done_atom::value, id, std::move(text), next, running,
                     std::move(error));
    };
    auto listed = runtime::await_result<std::vector<runtime::container_info>>(
      [&](auto cb) { runtime->list_containers(filter, timeout, cb); });
    if (!listed)
      return reply({}, 0, false, "cannot list containers: " + listed.status().to_string());
    auto found = *listed;
    std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
      return a.attempt != b.attempt ? a.attempt > b.attempt : a.created_at > b.created_at;
    });
    size_t index = previous ? 1 : 0;
    if (found.size() <= index) {
      if (previous)
        return reply({}, 0, false,
                     "previous terminated container \"" + container + "\" in pod \"" +
                       pod_name + "\" not found");
      return reply({}, 0, false,
                   "container \"" + container + "\" in pod \"" + pod_name +
                     "\" is waiting to start: ContainerCreating");
    }
    auto status = runtime::await_result<runtime::container_status>(
      [&](auto cb) { runtime->container_status(found[index].id, timeout, cb); });
    if (!status)
      return reply({}, 0, false,
                   "container \"" + container + "\" in pod \"" + pod_name +
                     "\" is not available: " + status.status().to_string());
    bool running = !previous && (status->state == runtime::container_state::running ||
                                 status->state == runtime::container_state::created);
    auto chunk = read_cri_log(status->log_path, options);
    // A container that has not written yet may have no file (a hollow node's fake runtime
    // never writes one): nothing to show, not an error.
    if (!chunk.error.empty() && running && !std::filesystem::exists(status->log_path))
      return reply({}, offset < 0 ? 0 : offset, true, {});
    reply(std::move(chunk.text), chunk.next_offset, running, std::move(chunk.error));
  }).detach();
  return rp;
}

void on_log_done(self_ptr self, uint64_t id, std::string& text, int64_t next, bool running,
                 std::string& error) {
  auto& st = self->state;
  auto it = st.log_promises.find(id);
  if (it == st.log_promises.end())
    return;
  if (error.empty())
    it->second.deliver(std::move(text), next, running);
  else
    it->second.deliver(caf::make_error(caf::sec::invalid_argument, std::move(error)));
  st.log_promises.erase(it);
}

// --- shutdown

void stop(self_ptr self, const caf::error& reason) {
  auto& st = self->state;
  // Pod actors exit; their containers keep running (as when a kubelet stops). The registry and
  // session hold our handle remotely, which would keep the actor system alive: quit explicitly.
  for (auto& [uid, entry] : st.pods)
    self->send_exit(entry.actor, reason);
  self->quit(reason);
}

caf::behavior node_actor(self_ptr self, node_actor_config cfg) {
  auto& st = self->state;
  st.cfg = std::move(cfg);
  if (!st.cfg.log)
    st.cfg.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  st.log = st.cfg.log;
  st.backoff = st.cfg.timing.backoff_initial;
  self->set_exit_handler([=](caf::exit_msg& em) {
    auto& st = self->state;
    if (auto it = st.uid_by_addr.find(em.source); it != st.uid_by_addr.end()) {
      on_pod_actor_exit(self, it->second, em.reason);
      return;
    }
    // A pod actor that reported finished exits normally right after; its exit can arrive after
    // the report made us forget it. Only a real stop request ends the node actor.
    if (!em.reason || em.reason == caf::exit_reason::normal)
      return;
    self->state.log("stopping: " + self->system().render(em.reason));
    stop(self, em.reason);
  });
  self->set_down_handler([=](caf::down_msg& dm) { on_connection_down(self, dm); });
  start_runtime_watch(self);
  caf::message_handler handlers{
    [=](protocol::pods_atom, std::vector<std::string>& pods, std::vector<std::string>& removed,
        bool full) { apply_pods(self, pods, removed, full); },
    [=](protocol::logs_atom, const std::string& ns, const std::string& pod,
        const std::string& container, bool previous, int64_t tail_lines, int64_t since_seconds,
        bool timestamps, int64_t limit_bytes, int64_t offset) {
      return serve_logs(self, ns, pod, container, previous, tail_lines, since_seconds,
                        timestamps, limit_bytes, offset);
    },
    [=](pod_report& r) { on_pod_report(self, r); },
    [=](respawn_atom, const std::string& uid, pod_ptr& pod) {
      auto& st = self->state;
      if (!st.pods.count(uid) && st.bound_uids.count(uid) && !st.finished_uids.count(uid))
        spawn_pod(self, pod);
    },
    [=](orphans_atom, std::vector<runtime::sandbox_info>& sandboxes) {
      remove_orphans(self, sandboxes);
    },
    [=](log_done_atom, uint64_t id, std::string& text, int64_t next, bool running,
        std::string& error) { on_log_done(self, id, text, next, running, error); },
  };
  return handlers.or_else(connection_handlers(self));
}

} // namespace

caf::actor spawn_node_actor(caf::actor_system& sys, node_actor_config config) {
  return sys.spawn(node_actor, std::move(config));
}

} // namespace troupe::node_agent
