// Node sessions without the network (registry not published, agent in the same actor system):
// heartbeats refresh the Node at most every 10 s of the session's clock, a node registering
// again replaces its session, and a pod moving away arrives as a removed uid.
#include "actors/nodes/node_credential.hpp"
#include "actors/nodes/node_registry_actor.hpp"
#include "actors/store/store_actor.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "proto/core_v1.pb.h"

using namespace troupe;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

struct received {
  std::mutex mu;
  std::vector<std::pair<std::vector<std::string>, bool>> removed_and_full;
  size_t size() {
    std::lock_guard<std::mutex> g(mu);
    return removed_and_full.size();
  }
};

protocol::node_agent_actor::behavior_type recording_agent(protocol::node_agent_actor::pointer,
                                                          std::shared_ptr<received> r) {
  return {
    [r](protocol::pods_atom, const std::vector<std::string>&, const std::vector<std::string>& removed,
        bool full) {
      std::lock_guard<std::mutex> g(r->mu);
      r->removed_and_full.emplace_back(removed, full);
    },
    [](protocol::logs_atom, const std::string&, const std::string&, const std::string&, bool,
       int64_t, int64_t, bool, int64_t, int64_t) {
      return caf::result<std::string, int64_t, bool>{std::string(), int64_t{0}, false};
    },
  };
}

template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds timeout = 10s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

struct fixture {
  caf::actor_system_config cfg;
  caf::actor_system sys{cfg};
  std::string dir;
  std::string credential = nodes::new_node_credential();
  std::shared_ptr<std::atomic<int64_t>> clock = std::make_shared<std::atomic<int64_t>>(1000);
  protocol::store_actor_type store;
  protocol::shared_store db;
  nodes::node_registry_local registry;

  fixture() {
    std::string templ = (fs::temp_directory_path() / "troupe-session-XXXXXX").string();
    dir = ::mkdtemp(templ.data());
    REQUIRE(nodes::store_node_credential(dir, "node1", credential).empty());
    store::store_actor_options so;
    so.memory = true;
    store = store::spawn_store_actor(sys, so);
    caf::scoped_actor self{sys};
    self->request(store, 5s, protocol::borrow_atom::value)
      .receive([&](protocol::shared_store& s) { db = s; }, [](caf::error&) {});
    nodes::node_registry_options ro;
    ro.store = store;
    ro.nodes_dir = dir;
    ro.publish = false;
    auto c = clock;
    ro.session.clock = [c] { return config::timestamp{c->load(), 0}; };
    registry = nodes::spawn_node_registry(sys, ro);
  }
  ~fixture() {
    caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
    db.reset();
    fs::remove_all(dir);
  }

  protocol::node_session_actor do_register(const protocol::node_agent_actor& agent) {
    core::v1::Node node;
    node.mutable_metadata()->set_name("node1");
    auto* ready = node.mutable_status()->add_conditions();
    ready->set_type("Ready");
    ready->set_status("True");
    caf::scoped_actor self{sys};
    protocol::node_session_actor out;
    self->request(registry, 5s, protocol::register_atom::value, std::string("node1"), credential,
                  node.SerializeAsString(), agent)
      .receive([&](protocol::node_session_actor& s) { out = s; }, [](caf::error&) {});
    return out;
  }

  int64_t heartbeat_seconds() {
    auto got = db->get(*config::find_kind("v1", "Node"), "", "node1");
    if (!got.ok())
      return -1;
    return static_cast<const core::v1::Node&>(*got->object).status().conditions(0).lastheartbeattime().seconds();
  }
};

} // namespace

TEST_CASE("node session: heartbeats refresh lastHeartbeatTime at most every 10 s", "[nodes]") {
  fixture f;
  auto agent = f.sys.spawn(recording_agent, std::make_shared<received>());
  auto session = f.do_register(agent);
  REQUIRE(session);
  REQUIRE(eventually([&] { return f.heartbeat_seconds() == 1000; }));
  const auto rv = [&] { return f.db->get(*config::find_kind("v1", "Node"), "", "node1")->revision; };
  const auto first_revision = rv();
  caf::scoped_actor self{f.sys};
  auto beat = [&] {
    int64_t ms = 0;
    self->request(session, 5s, protocol::heartbeat_atom::value).receive([&](int64_t v) { ms = v; },
                                                                        [](caf::error&) {});
    return ms;
  };
  f.clock->store(1009);
  CHECK(beat() == 1009000);
  std::this_thread::sleep_for(200ms);
  CHECK(rv() == first_revision);  // 9 s: no write
  f.clock->store(1010);
  beat();
  REQUIRE(eventually([&] { return f.heartbeat_seconds() == 1010; }));
  const auto second_revision = rv();
  CHECK(second_revision > first_revision);
  f.clock->store(1015);
  beat();
  std::this_thread::sleep_for(200ms);
  CHECK(rv() == second_revision);
  self->send_exit(agent, caf::exit_reason::user_shutdown);
}

TEST_CASE("node session: registering again ends the old session, pods moving away are removed",
          "[nodes]") {
  fixture f;
  auto first_seen = std::make_shared<received>();
  auto first_agent = f.sys.spawn(recording_agent, first_seen);
  auto first = f.do_register(first_agent);
  REQUIRE(first);
  caf::scoped_actor self{f.sys};
  self->monitor(first);
  auto second_seen = std::make_shared<received>();
  auto second_agent = f.sys.spawn(recording_agent, second_seen);
  auto second = f.do_register(second_agent);
  REQUIRE(second);
  CHECK(second != first);
  bool old_ended = false;
  self->receive([&](caf::down_msg& dm) { old_ended = dm.source == first.address(); },
                caf::after(5s) >> [] {});
  CHECK(old_ended);
  REQUIRE(eventually([&] { return second_seen->size() >= 1; }));  // its full set (empty)

  const auto& pods = *config::find_kind("v1", "Pod");
  core::v1::Pod p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("default");
  p.mutable_spec()->set_nodename("node1");
  auto created = f.db->create(pods, p, {1000, 0});
  REQUIRE(created.ok());
  REQUIRE(eventually([&] { return second_seen->size() >= 2; }));
  // Moved to another node (a rebinding Kubernetes would not allow; the index must cope).
  auto moved = static_cast<const core::v1::Pod&>(*created->object.object);
  moved.mutable_spec()->set_nodename("node2");
  REQUIRE(f.db->update(pods, moved).ok());
  REQUIRE(eventually([&] { return second_seen->size() >= 3; }));
  std::lock_guard<std::mutex> g(second_seen->mu);
  CHECK(second_seen->removed_and_full[0].second);
  CHECK_FALSE(second_seen->removed_and_full[1].second);
  REQUIRE(second_seen->removed_and_full[2].first.size() == 1);
  CHECK(second_seen->removed_and_full[2].first[0] == moved.metadata().uid());
  self->send_exit(first_agent, caf::exit_reason::user_shutdown);
  self->send_exit(second_agent, caf::exit_reason::user_shutdown);
}
