#pragma once
// An in-process cluster for scenario tests (issue 6): one actor system with the control plane's
// store actor (memory store), node registry (not published: agents find it in the actor
// registry), any further control-plane actors the test adds (scheduler, node lifecycle), and
// hollow nodes — real node actors and pod actors on fake runtimes (kubemark's hollow kubelet),
// connected to the registry without the wire. Stopping a node's actor is a node that died.
// Assertions stay on the test thread: the helpers poll the store.

#include <caf/all.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>

#include "actors/nodes/node_credential.hpp"
#include "actors/nodes/node_registry_actor.hpp"
#include "actors/protocol/node_protocol.hpp"
#include "actors/store/store_actor.hpp"
#include "config/kinds.hpp"
#include "node-agent/agent/node_actor.hpp"
#include "node-agent/agent/pod_actor.hpp"
#include "node-agent/runtime/fake_runtime.hpp"
#include "node-agent/runtime/fake_runtime_ticker.hpp"
#include "proto/core_v1.pb.h"
#include "store/object_meta.hpp"

namespace troupe::testing {

struct hollow_node_spec {
  std::string name;
  std::map<std::string, std::string> labels;
  int64_t max_pods = 110;
};

class hollow_cluster {
public:
  using spawn_fn = std::function<caf::actor(caf::actor_system&, protocol::store_actor_type)>;

  /// `session` tunes the node sessions (e.g. a short status refresh for node lifecycle tests).
  explicit hollow_cluster(nodes::node_session_options session = {}) {
    protocol::announce_node_protocol(cfg_);
    sys_ = std::make_unique<caf::actor_system>(cfg_);
    dir_ = (std::filesystem::temp_directory_path() /
            ("troupe-hollow-" + std::to_string(::getpid()) + "-" + std::to_string(++counter())))
             .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/nodes");
    std::filesystem::create_directories(dir_ + "/logs");
    store::store_actor_options so;
    so.memory = true;
    store_ = store::spawn_store_actor(*sys_, so);
    caf::scoped_actor self{*sys_};
    self->request(store_, std::chrono::seconds(5), protocol::borrow_atom::value)
      .receive([&](protocol::shared_store& s) { db_ = s; }, [&](caf::error&) {});
    if (!db_)
      throw std::runtime_error("hollow_cluster: no store");
    nodes::node_registry_options ro;
    ro.store = store_;
    ro.nodes_dir = dir_ + "/nodes";
    ro.publish = false;
    ro.session = session;
    registry_ = caf::actor_cast<caf::actor>(nodes::spawn_node_registry(*sys_, ro));
  }

  ~hollow_cluster() {
    for (auto& [name, n] : nodes_)
      stop(n);
    for (auto it = control_.rbegin(); it != control_.rend(); ++it)
      caf::anon_send_exit(*it, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(registry_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(store_, caf::exit_reason::user_shutdown);
    db_.reset();
    // No strong handle may outlive the system's shutdown: it waits for detached actors (the
    // store) to be destroyed.
    store_ = nullptr;
    registry_ = nullptr;
    control_.clear();
    sys_.reset();  // waits for every actor
    nodes_.clear();
    std::filesystem::remove_all(dir_);
  }

  caf::actor_system& system() { return *sys_; }
  protocol::store_actor_type store_actor() const { return store_; }
  store::object_store& db() { return *db_; }

  /// Starts a control-plane actor (scheduler, node lifecycle, ...) on the cluster's store.
  caf::actor add_control(const spawn_fn& spawn) {
    auto a = spawn(*sys_, store_);
    control_.push_back(a);
    return a;
  }

  /// Starts a hollow node: its credential, a fake runtime (every image pullable, driven by real
  /// time), a node actor that registers with the registry. Returns once the Node is in the store.
  void add_node(const hollow_node_spec& spec) {
    auto credential = "hollow-" + spec.name;
    if (auto err = nodes::store_node_credential(dir_ + "/nodes", spec.name, credential); !err.empty())
      throw std::runtime_error("hollow_cluster: " + err);
    auto& n = nodes_[spec.name];
    node_agent::runtime::fake_runtime_options fo;
    fo.any_image_pullable = true;
    fo.log_root = dir_ + "/logs";
    fo.pod_ip_prefix = "10.77." + std::to_string(nodes_.size()) + ".";
    fo.start_time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    n.runtime = std::make_shared<node_agent::runtime::fake_runtime>(fo);
    n.ticker = std::make_unique<node_agent::runtime::fake_runtime_ticker>(*n.runtime);
    node_agent::node_actor_config c;
    c.node.name = spec.name;
    c.node.node_ip = "192.168.77." + std::to_string(nodes_.size());
    c.node.labels = spec.labels;
    c.node.max_pods = spec.max_pods;
    c.host.cpus = 4;
    c.host.memory_kib = 8 * 1024 * 1024;
    c.credential = credential;
    c.tls = false;
    c.pod_context.runtime = n.runtime;
    c.pod_context.node_name = spec.name;
    c.pod_context.host_ip = c.node.node_ip;
    c.pod_context.log_root = dir_ + "/logs";
    c.spawn_pod = [](caf::actor_system& s, node_agent::pod_actor_context ctx,
                     node_agent::pod_ptr pod, caf::actor parent) {
      return node_agent::spawn_pod_actor(s, std::move(ctx), std::move(pod), std::move(parent));
    };
    c.timing.heartbeat_interval = std::chrono::milliseconds(500);
    c.timing.backoff_initial = std::chrono::milliseconds(50);
    c.timing.backoff_max = std::chrono::milliseconds(500);
    c.log = [](const std::string&) {};
    n.agent = node_agent::spawn_node_actor(*sys_, std::move(c));
    if (!eventually([&] { return node(spec.name).has_value(); }))
      throw std::runtime_error("hollow_cluster: node " + spec.name + " did not register");
  }

  /// The node dies: its agent (and pod actors) stop; its containers stay in the fake runtime.
  void kill_node(const std::string& name) { stop(nodes_.at(name)); }

  /// Starts the agent of a killed node again, on a fresh fake runtime (the machine rebooted).
  void restart_node(const hollow_node_spec& spec) {
    nodes_.erase(spec.name);
    add_node(spec);
  }

  // --- the store, read and written directly (what kubectl would see)

  static config::timestamp now() {
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::system_clock::now().time_since_epoch()).count();
    return config::timestamp{ns / 1000000000, static_cast<int32_t>(ns % 1000000000)};
  }

  static const config::kind_info& kind(const char* api_version, const char* k) {
    return *config::find_kind(api_version, k);
  }

  core::v1::Pod create_pod(const core::v1::Pod& pod) {
    auto r = db_->create(kind("v1", "Pod"), pod, now());
    if (!r.ok())
      throw std::runtime_error(r.status().to_string());
    return dynamic_cast<const core::v1::Pod&>(*r->object.object);
  }

  std::optional<core::v1::Pod> pod(const std::string& ns, const std::string& name) {
    auto r = db_->get(kind("v1", "Pod"), ns, name);
    if (!r.ok())
      return std::nullopt;
    return dynamic_cast<const core::v1::Pod&>(*r->object);
  }

  std::optional<core::v1::Node> node(const std::string& name) {
    auto r = db_->get(kind("v1", "Node"), "", name);
    if (!r.ok())
      return std::nullopt;
    return dynamic_cast<const core::v1::Node&>(*r->object);
  }

  /// Reads the node, lets `change` edit it, writes it back (retried on Conflict).
  void update_node(const std::string& name, const std::function<void(core::v1::Node&)>& change) {
    for (int attempt = 0; attempt < 20; ++attempt) {
      auto n = node(name);
      if (!n)
        throw std::runtime_error("no node " + name);
      change(*n);
      auto r = db_->update(kind("v1", "Node"), *n);
      if (r.ok())
        return;
      if (r.status().get_code() != store::status::code::conflict)
        throw std::runtime_error(r.status().to_string());
    }
    throw std::runtime_error("update_node: too many conflicts");
  }

  std::vector<core::v1::Event> events_of(const std::string& ns, const std::string& pod_name) {
    std::vector<core::v1::Event> out;
    store::list_options lo;
    lo.ns = ns;
    auto r = db_->list(kind("v1", "Event"), lo);
    if (!r.ok())
      return out;
    for (const auto& item : r->items) {
      const auto& e = dynamic_cast<const core::v1::Event&>(*item.object);
      if (e.involvedobject().name() == pod_name)
        out.push_back(e);
    }
    return out;
  }

  template <class Pred>
  static bool eventually(Pred pred, std::chrono::milliseconds timeout = std::chrono::seconds(15)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return pred();
  }

private:
  struct hollow_node {
    std::shared_ptr<node_agent::runtime::fake_runtime> runtime;
    std::unique_ptr<node_agent::runtime::fake_runtime_ticker> ticker;
    caf::actor agent;
  };

  void stop(hollow_node& n) {
    if (!n.agent)
      return;
    caf::scoped_actor self{*sys_};
    self->monitor(n.agent);
    self->send_exit(n.agent, caf::exit_reason::kill);
    self->receive([](caf::down_msg&) {}, caf::after(std::chrono::seconds(5)) >> [] {});
    n.agent = nullptr;
  }

  static int& counter() {
    static int n = 0;
    return n;
  }

  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::string dir_;
  protocol::store_actor_type store_;
  protocol::shared_store db_;
  caf::actor registry_;
  std::vector<caf::actor> control_;
  std::map<std::string, hollow_node> nodes_;
};

} // namespace troupe::testing
