#include "actors/nodes/node_registry_actor.hpp"

#include <caf/all.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/openssl/manager.hpp>

#include <iostream>
#include <map>
#include <unordered_map>

#include "actors/nodes/node_credential.hpp"
#include "config/label_syntax.hpp"
#include "proto/core_v1.pb.h"
#include "store/object_meta.hpp"

namespace troupe::nodes {

using namespace troupe::protocol;

namespace {

const config::kind_info& pods_kind() { return *config::find_kind("v1", "Pod"); }

using pod_ptr = std::shared_ptr<const core::v1::Pod>;

struct node_registry_state {
  static inline const char* name = "node_registry";
  node_registry_options opts;
  unsigned publish_failures = 0;
  uint64_t subscription = 0;
  unsigned subscribe_failures = 0;
  bool synced = false;  // the initial list of the current subscription is complete
  std::map<std::string, std::map<std::string, pod_ptr>> pods_by_node;  // node -> uid -> pod
  std::unordered_map<std::string, std::string> node_of_uid;
  struct session {
    node_session_local handle;
    node_agent_actor agent;
  };
  std::map<std::string, session> sessions;          // by node name: the live one
  std::map<caf::actor_addr, std::string> linked;    // every session still running -> node
};

using self_ptr = node_registry_local::stateful_pointer<node_registry_state>;

void push_full(self_ptr self, const std::string& node) {
  auto s = self->state.sessions.find(node);
  if (s == self->state.sessions.end())
    return;
  pods_push p;
  p.full = true;
  auto i = self->state.pods_by_node.find(node);
  if (i != self->state.pods_by_node.end())
    for (const auto& [uid, pod] : i->second)
      p.pods.push_back(pod);
  self->send(s->second.handle, std::move(p));
}

void subscribe(self_ptr self) {
  auto& st = self->state;
  st.synced = false;
  st.subscription = 0;
  st.pods_by_node.clear();
  st.node_of_uid.clear();
  store_subscribe s{&pods_kind(), "", 0, caf::actor_cast<caf::actor>(self), true};
  self->request(st.opts.store, st.opts.request_timeout, std::move(s))
    .then([=](uint64_t id) {
            self->state.subscription = id;
            self->state.subscribe_failures = 0;
          },
          [=](caf::error&) {
            auto n = std::min(++self->state.subscribe_failures, 10u);
            self->delayed_send(self, std::chrono::milliseconds(200) * n, resubscribe_atom::value);
          });
}

// Applies one batch of pod events to the index and pushes what changed, one push per node.
void on_batch(self_ptr self, watch_batch& b) {
  auto& st = self->state;
  std::map<std::string, pods_push> out;
  bool became_synced = false;
  for (const auto& e : b.events) {
    if (e.type == store::watch_event_type::bookmark) {
      const auto& ann = store::object_meta(*e.object).annotations();
      if (!st.synced && ann.count("k8s.io/initial-events-end"))
        became_synced = st.synced = true;
      continue;
    }
    if (!e.object || e.type == store::watch_event_type::error)
      continue;
    auto pod = std::static_pointer_cast<const core::v1::Pod>(e.object);
    const auto& uid = pod->metadata().uid();
    const std::string node =
      e.type == store::watch_event_type::deleted ? std::string{} : pod->spec().nodename();
    auto was = st.node_of_uid.find(uid);
    if (was != st.node_of_uid.end() && was->second != node) {
      st.pods_by_node[was->second].erase(uid);
      if (st.pods_by_node[was->second].empty())
        st.pods_by_node.erase(was->second);
      out[was->second].removed_uids.push_back(uid);
      st.node_of_uid.erase(was);
    }
    if (node.empty())
      continue;
    st.node_of_uid[uid] = node;
    st.pods_by_node[node][uid] = pod;
    out[node].pods.push_back(pod);
  }
  if (became_synced) {
    for (const auto& [node, s] : st.sessions)
      push_full(self, node);
  } else if (st.synced) {
    for (auto& [node, p] : out) {
      auto s = st.sessions.find(node);
      if (s != st.sessions.end())
        self->send(s->second.handle, std::move(p));
    }
  }
  if (b.closed)
    subscribe(self);  // re-list: every session gets its full set again when it is done
}

void publish(self_ptr self) {
  auto& st = self->state;
  auto mm = self->system().openssl_manager().actor_handle();
  auto ifs = self->system().message_types<node_registry_actor>();
  self->request(mm, std::chrono::seconds(10), caf::publish_atom::value, st.opts.port,
                caf::actor_cast<caf::strong_actor_ptr>(self), std::move(ifs), st.opts.host, true)
    .then(
      [=](uint16_t port) {
        std::cerr << "troupe-server: node registry listening on " << self->state.opts.host << ":"
                  << port << " (mutual TLS)" << std::endl;
        self->attach_functor([mm, addr = self->address(), port] {
          caf::anon_send(mm, caf::unpublish_atom::value, addr, port);
        });
        if (self->state.opts.on_published)
          self->state.opts.on_published(port);
      },
      [=](caf::error& e) {
        auto& s = self->state;
        if (++s.publish_failures >= s.opts.publish_attempts) {
          std::cerr << "troupe-server: the node registry cannot listen on " << s.opts.host << ":"
                    << s.opts.port << ": " << self->system().render(e) << std::endl;
          self->quit(e);
          return;
        }
        self->delayed_send(self, std::chrono::milliseconds(500), publish_retry_atom::value);
      });
}

caf::result<node_session_actor> on_register(self_ptr self, const std::string& name,
                                            const std::string& credential,
                                            const std::string& node_bytes,
                                            const node_agent_actor& agent) {
  auto& st = self->state;
  auto refuse = [&](const std::string& why) {
    // The name comes from the peer: printed only when it is a valid node name.
    const bool printable = config::dns1123_subdomain_problems(name).empty();
    std::cerr << "troupe-server: refused the registration of node "
              << (printable ? "\"" + name + "\"" : std::string("(an invalid name)")) << ": " << why
              << std::endl;
    return caf::make_error(caf::sec::runtime_error, "node registration refused: " + why);
  };
  if (!agent)
    return refuse("no agent handle");
  // One small file read; the credential is compared as a digest in constant time.
  if (auto why = check_node_credential(st.opts.nodes_dir, name, credential); !why.empty())
    return refuse(why);
  core::v1::Node node;
  if (!node.ParseFromString(node_bytes))
    return refuse("the Node is not a troupe.core.v1.Node");
  if (!node.metadata().name().empty() && node.metadata().name() != name)
    return refuse("the Node's metadata.name differs from the node name");
  if (auto old = st.sessions.find(name); old != st.sessions.end()) {
    std::cerr << "troupe-server: node \"" << name << "\" registered again; ending its old session"
              << std::endl;
    self->send_exit(old->second.handle, caf::exit_reason::user_shutdown);
    st.sessions.erase(old);
  }
  auto h = spawn_linked_node_session(self, st.opts.session, name, node_bytes, agent);
  st.sessions[name] = {h, agent};
  st.linked[h.address()] = name;
  if (st.synced)
    push_full(self, name);
  return caf::actor_cast<node_session_actor>(h);
}

node_registry_local::behavior_type node_registry(self_ptr self, node_registry_options opts) {
  if (!opts.session.store)
    opts.session.store = opts.store;
  self->state.opts = std::move(opts);
  // Sessions are linked: their exits are bookkeeping; any other exit (the supervisor's) ends us,
  // and with us every session.
  self->set_exit_handler([=](caf::exit_msg& em) {
    auto& st = self->state;
    auto i = st.linked.find(em.source);
    if (i == st.linked.end()) {
      self->quit(em.reason);
      return;
    }
    auto s = st.sessions.find(i->second);
    if (s != st.sessions.end() && s->second.handle.address() == em.source)
      st.sessions.erase(s);
    st.linked.erase(i);
  });
  subscribe(self);
  if (self->state.opts.publish)
    publish(self);
  return {
    [=](register_atom, const std::string& name, const std::string& credential,
        const std::string& node_bytes, const node_agent_actor& agent) {
      return on_register(self, name, credential, node_bytes, agent);
    },
    [=](caf::get_atom, agent_atom, const std::string& name) -> caf::result<node_agent_actor> {
      auto s = self->state.sessions.find(name);
      if (s == self->state.sessions.end())
        return caf::make_error(caf::sec::runtime_error, "no session for node " + name);
      return s->second.agent;
    },
    [=](watch_batch& b) {
      if (b.subscription == self->state.subscription)
        on_batch(self, b);
    },
    [=](publish_retry_atom) { publish(self); },
    [=](resubscribe_atom) { subscribe(self); },
  };
}

} // namespace

node_registry_local spawn_node_registry(caf::actor_system& sys, node_registry_options options) {
  auto h = sys.spawn(node_registry, std::move(options));
  // A successor (after a restart) replaces the name: erase first, since CAF 0.17's put() keeps an
  // existing entry. The ended registry does not erase it from its cleanup: a check-then-erase
  // there could run after the successor's put and erase the successor's entry (seen in the
  // restart test); a dead handle left there answers requests with an error until the
  // supervisor's restart puts the new one.
  sys.registry().erase(node_registry_name);
  sys.registry().put(node_registry_name, caf::actor_cast<caf::strong_actor_ptr>(h));
  return h;
}

} // namespace troupe::nodes
