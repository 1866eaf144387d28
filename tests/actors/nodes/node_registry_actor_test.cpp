// The node registry and sessions over caf::openssl on loopback (mutual TLS, certificates from the
// cluster PKI), in one process with two actor systems: the server's (store actor on a memory
// store, node registry) and an agent's (a test node_agent_actor that records what it receives).
// Just over 400 lines: every case shares the two-system TLS setup and the recording agent above.
#include "actors/nodes/node_credential.hpp"
#include "actors/nodes/node_registry_actor.hpp"
#include "actors/server/node_log_source.hpp"
#include "actors/server/pki.hpp"
#include "actors/store/store_actor.hpp"

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>
#include <catch2/catch.hpp>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include "proto/core_v1.pb.h"
#include "store/object_meta.hpp"

namespace fs = std::filesystem;
using namespace troupe;
using namespace std::chrono_literals;

namespace {

struct pods_message {
  std::vector<core::v1::Pod> pods;
  std::vector<std::string> removed;
  bool full = false;
};

// What the test agent received, read from the test thread.
struct agent_inbox {
  std::mutex mu;
  std::vector<pods_message> messages;

  size_t size() {
    std::lock_guard<std::mutex> g(mu);
    return messages.size();
  }
  pods_message at(size_t i) {
    std::lock_guard<std::mutex> g(mu);
    return messages.at(i);
  }
};

protocol::node_agent_actor::behavior_type test_agent(protocol::node_agent_actor::pointer,
                                                     std::shared_ptr<agent_inbox> inbox) {
  return {
    [inbox](protocol::pods_atom, const std::vector<std::string>& pods,
            const std::vector<std::string>& removed, bool full) {
      pods_message m;
      for (const auto& bytes : pods) {
        core::v1::Pod p;
        p.ParseFromString(bytes);
        m.pods.push_back(std::move(p));
      }
      m.removed = removed;
      m.full = full;
      std::lock_guard<std::mutex> g(inbox->mu);
      inbox->messages.push_back(std::move(m));
    },
    [](protocol::logs_atom, const std::string& ns, const std::string& pod, const std::string& c,
       bool, int64_t, int64_t, bool, int64_t, int64_t offset)
      -> caf::result<std::string, int64_t, bool> {
      if (c != "app")
        return caf::make_error(caf::sec::runtime_error,
                               "container \"" + c + "\" in pod \"" + pod + "\" is not available");
      return caf::result<std::string, int64_t, bool>{
        ns + "/" + pod + " line at " + std::to_string(offset) + "\n", int64_t{offset + 100}, false};
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

struct temp_dir {
  std::string path;
  temp_dir() {
    std::string templ = (fs::temp_directory_path() / "troupe-nodereg-XXXXXX").string();
    path = ::mkdtemp(templ.data());
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string write(const std::string& name, const std::string& text) {
    std::ofstream(path + "/" + name) << text;
    return path + "/" + name;
  }
};

// An actor system with the middleman, caf::openssl with this certificate, and the node protocol.
struct tls_config : caf::actor_system_config {
  tls_config(const std::string& cert, const std::string& key, const std::string& ca) {
    load<caf::io::middleman>();
    load<caf::openssl::manager>();
    openssl_certificate = cert;
    openssl_key = key;
    openssl_cafile = ca;
    protocol::announce_node_protocol(*this);
    set("scheduler.max-threads", 2);
  }
};

core::v1::Pod pod_on(const std::string& name, const std::string& node) {
  core::v1::Pod p;
  p.mutable_metadata()->set_name(name);
  p.mutable_metadata()->set_namespace_("default");
  p.mutable_spec()->set_nodename(node);
  p.mutable_spec()->add_containers()->set_name("app");
  return p;
}

struct cluster {
  temp_dir dir;
  server::cert_and_key ca;
  std::string ca_file, server_cert, server_key, node_cert, node_key;
  std::string credential;

  cluster() {
    REQUIRE(server::make_ca("troupe-ca", 30, ca).empty());
    ca_file = dir.write("ca.crt", ca.cert);
    server::cert_and_key srv;
    REQUIRE(server::make_server_cert(ca, "troupe-apiserver", {"127.0.0.1"}, 30, srv).empty());
    server_cert = dir.write("server.crt", srv.cert);
    server_key = dir.write("server.key", srv.key);
    std::string csr, key, cert;
    REQUIRE(server::make_csr("system:node:node1", "system:nodes", csr, key).empty());
    REQUIRE(server::sign_node_csr(ca, csr, "node1", 30, cert).empty());
    node_cert = dir.write("node.crt", cert);
    node_key = dir.write("node.key", key);
    fs::create_directories(dir.path + "/nodes");
    credential = nodes::new_node_credential();
    REQUIRE(nodes::store_node_credential(dir.path + "/nodes", "node1", credential).empty());
  }
};

} // namespace

TEST_CASE("node registry over mutual TLS: register, pods, reports, refusals, logs",
          "[nodes][integration]") {
  cluster c;
  tls_config server_cfg{c.server_cert, c.server_key, c.ca_file};
  caf::actor_system server_sys{server_cfg};
  store::store_actor_options so;
  so.memory = true;
  auto store = store::spawn_store_actor(server_sys, so);
  protocol::shared_store db;
  {
    caf::scoped_actor self{server_sys};
    self->request(store, 5s, protocol::borrow_atom::value)
      .receive([&](protocol::shared_store& s) { db = s; }, [](caf::error&) {});
  }
  REQUIRE(db);
  const auto& pods = *config::find_kind("v1", "Pod");
  const auto& node_kind = *config::find_kind("v1", "Node");
  const config::timestamp now{1795737600, 0};
  // Bound before the node registers: part of the full set. Unbound and other nodes' pods: not.
  auto before = db->create(pods, pod_on("before", "node1"), now);
  REQUIRE(before.ok());
  REQUIRE(db->create(pods, pod_on("elsewhere", "node2"), now).ok());
  REQUIRE(db->create(pods, pod_on("unbound", ""), now).ok());

  std::promise<uint16_t> published;
  nodes::node_registry_options ro;
  ro.store = store;
  ro.nodes_dir = c.dir.path + "/nodes";
  ro.host = "127.0.0.1";
  ro.port = 0;
  ro.on_published = [&published](uint16_t p) { published.set_value(p); };
  auto registry = nodes::spawn_node_registry(server_sys, ro);
  auto port_future = published.get_future();
  REQUIRE(port_future.wait_for(10s) == std::future_status::ready);
  const uint16_t port = port_future.get();

  tls_config agent_cfg{c.node_cert, c.node_key, c.ca_file};
  caf::actor_system agent_sys{agent_cfg};
  auto inbox = std::make_shared<agent_inbox>();
  auto agent = agent_sys.spawn(test_agent, inbox);

  auto remote = caf::openssl::remote_actor<protocol::node_registry_actor>(agent_sys, "127.0.0.1", port);
  REQUIRE(remote);

  core::v1::Node node;
  node.mutable_metadata()->set_name("node1");
  (*node.mutable_metadata()->mutable_labels())["kubernetes.io/hostname"] = "node1";
  auto* ready = node.mutable_status()->add_conditions();
  ready->set_type("Ready");
  ready->set_status("True");
  (*node.mutable_status()->mutable_capacity())["cpu"].set_string("2");

  caf::scoped_actor self{agent_sys};
  SECTION("a wrong credential is refused") {
    caf::error refused;
    self->request(*remote, 5s, protocol::register_atom::value, std::string("node1"),
                  nodes::new_node_credential(), node.SerializeAsString(), agent)
      .receive([](protocol::node_session_actor&) {}, [&](caf::error& e) { refused = e; });
    CHECK(refused);
    CHECK(agent_sys.render(refused).find("wrong credential") != std::string::npos);
    // A node that never joined, with node1's credential.
    refused = caf::error{};
    self->request(*remote, 5s, protocol::register_atom::value, std::string("node2"), c.credential,
                  node.SerializeAsString(), agent)
      .receive([](protocol::node_session_actor&) {}, [&](caf::error& e) { refused = e; });
    CHECK(refused);
    CHECK_FALSE(db->get(node_kind, "", "node1").ok());
  }

  SECTION("register: Node written, pods full then incremental, reports land, logs answer") {
    protocol::node_session_actor session;
    self->request(*remote, 5s, protocol::register_atom::value, std::string("node1"), c.credential,
                  node.SerializeAsString(), agent)
      .receive([&](protocol::node_session_actor& s) { session = s; },
               [&](caf::error& e) { FAIL(agent_sys.render(e)); });
    REQUIRE(session);

    REQUIRE(eventually([&] { return db->get(node_kind, "", "node1").ok(); }));
    {
      auto got = db->get(node_kind, "", "node1");
      const auto& stored = static_cast<const core::v1::Node&>(*got->object);
      CHECK(stored.metadata().labels().at("kubernetes.io/hostname") == "node1");
      CHECK(stored.status().capacity().at("cpu").string() == "2");
      REQUIRE(stored.status().conditions_size() == 1);
      CHECK(stored.status().conditions(0).has_lastheartbeattime());
    }

    REQUIRE(eventually([&] { return inbox->size() >= 1; }));
    auto full = inbox->at(0);
    CHECK(full.full);
    REQUIRE(full.pods.size() == 1);
    CHECK(full.pods[0].metadata().name() == "before");
    CHECK(full.pods[0].metadata().uid() == store::object_meta(*before->object.object).uid());

    auto after = db->create(pods, pod_on("after", "node1"), now);
    REQUIRE(after.ok());
    REQUIRE(db->create(pods, pod_on("other", "node2"), now).ok());
    REQUIRE(eventually([&] { return inbox->size() >= 2; }));
    auto incremental = inbox->at(1);
    CHECK_FALSE(incremental.full);
    REQUIRE(incremental.pods.size() == 1);
    CHECK(incremental.pods[0].metadata().name() == "after");

    const auto before_uid = store::object_meta(*before->object.object).uid();
    REQUIRE(db->remove(pods, "default", "before", {}, now).ok());
    REQUIRE(eventually([&] { return inbox->size() >= 3; }));
    auto removed = inbox->at(2);
    CHECK(removed.pods.empty());
    REQUIRE(removed.removed.size() == 1);
    CHECK(removed.removed[0] == before_uid);

    // A status report lands in the store (.status only).
    auto reported = static_cast<const core::v1::Pod&>(*after->object.object);
    reported.mutable_status()->set_phase("Running");
    reported.mutable_status()->set_podip("10.1.0.7");
    reported.mutable_spec()->set_nodename("tampered");
    core::v1::Event ev;
    ev.mutable_involvedobject()->set_kind("Pod");
    ev.mutable_involvedobject()->set_name("after");
    ev.mutable_involvedobject()->set_namespace_("default");
    ev.set_reason("Started");
    self->send(session, protocol::report_atom::value,
               std::vector<std::string>{reported.SerializeAsString()},
               std::vector<std::string>{ev.SerializeAsString()}, std::string{});
    REQUIRE(eventually([&] {
      auto got = db->get(pods, "default", "after");
      return got.ok() &&
             static_cast<const core::v1::Pod&>(*got->object).status().phase() == "Running";
    }));
    {
      auto got = db->get(pods, "default", "after");
      const auto& p = static_cast<const core::v1::Pod&>(*got->object);
      CHECK(p.status().podip() == "10.1.0.7");
      CHECK(p.spec().nodename() == "node1");
    }
    store::list_options lo;
    lo.ns = "default";
    REQUIRE(eventually([&] { return db->list(*config::find_kind("v1", "Event"), lo)->items.size() == 1; }));

    // The node status report updates the Node; the heartbeat answers the server clock.
    core::v1::NodeStatus st = node.status();
    st.mutable_conditions(0)->set_status("False");
    st.mutable_conditions(0)->set_reason("KubeletNotReady");
    self->send(session, protocol::report_atom::value, std::vector<std::string>{},
               std::vector<std::string>{}, st.SerializeAsString());
    REQUIRE(eventually([&] {
      auto got = db->get(node_kind, "", "node1");
      return got.ok() &&
             static_cast<const core::v1::Node&>(*got->object).status().conditions(0).status() == "False";
    }));
    int64_t clock_ms = 0;
    self->request(session, 5s, protocol::heartbeat_atom::value)
      .receive([&](int64_t ms) { clock_ms = ms; }, [&](caf::error& e) { FAIL(agent_sys.render(e)); });
    CHECK(clock_ms > 1700000000000);

    // A finished pod (deletionTimestamp) is written, then deleted.
    auto finished = reported;
    finished.mutable_status()->set_phase("Succeeded");
    *finished.mutable_metadata()->mutable_deletiontimestamp() = meta::Time{};
    finished.mutable_metadata()->mutable_deletiontimestamp()->set_seconds(now.seconds);
    self->send(session, protocol::report_atom::value,
               std::vector<std::string>{finished.SerializeAsString()}, std::vector<std::string>{},
               std::string{});
    REQUIRE(eventually([&] { return !db->get(pods, "default", "after").ok(); }));

    // pods/log through the registry to the agent (the API server's source).
    auto source = server::make_node_log_source(server_sys, 5s);
    apiserver::pod_log_request q;
    q.node = "node1";
    q.ns = "default";
    q.pod = "web";
    q.container = "app";
    auto chunk = source(q);
    CHECK(chunk.what == apiserver::pod_log_chunk::outcome::ok);
    CHECK(chunk.text == "default/web line at -1\n");
    CHECK(chunk.next_offset == 99);
    q.container = "nope";
    chunk = source(q);
    CHECK(chunk.what == apiserver::pod_log_chunk::outcome::failed);
    CHECK(chunk.error == "container \"nope\" in pod \"web\" is not available");
    q.node = "node2";
    CHECK(source(q).what == apiserver::pod_log_chunk::outcome::no_session);

    // The agent goes away: its session ends and the registry forgets the node.
    self->send_exit(agent, caf::exit_reason::user_shutdown);
    q.node = "node1";
    q.container = "app";
    CHECK(eventually([&] { return source(q).what == apiserver::pod_log_chunk::outcome::no_session; }));
  }

  self->send_exit(agent, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
  db.reset();
}

TEST_CASE("node registry: a client whose certificate is not from the cluster CA cannot connect",
          "[nodes][integration]") {
  cluster c;
  tls_config server_cfg{c.server_cert, c.server_key, c.ca_file};
  caf::actor_system server_sys{server_cfg};
  store::store_actor_options so;
  so.memory = true;
  auto store = store::spawn_store_actor(server_sys, so);
  std::promise<uint16_t> published;
  nodes::node_registry_options ro;
  ro.store = store;
  ro.nodes_dir = c.dir.path + "/nodes";
  ro.on_published = [&published](uint16_t p) { published.set_value(p); };
  auto registry = nodes::spawn_node_registry(server_sys, ro);
  auto port_future = published.get_future();
  REQUIRE(port_future.wait_for(10s) == std::future_status::ready);
  const uint16_t port = port_future.get();

  // Another cluster's CA signed this node's certificate (the client trusts our CA all the same).
  server::cert_and_key rogue_ca;
  REQUIRE(server::make_ca("troupe-ca", 30, rogue_ca).empty());
  std::string csr, key, cert;
  REQUIRE(server::make_csr("system:node:node1", "system:nodes", csr, key).empty());
  REQUIRE(server::sign_node_csr(rogue_ca, csr, "node1", 30, cert).empty());
  tls_config rogue_cfg{c.dir.write("rogue.crt", cert), c.dir.write("rogue.key", key), c.ca_file};
  caf::actor_system rogue_sys{rogue_cfg};
  auto remote = caf::openssl::remote_actor<protocol::node_registry_actor>(rogue_sys, "127.0.0.1", port);
  CHECK_FALSE(remote);

  // The registry is still there for a client with a good certificate.
  tls_config good_cfg{c.node_cert, c.node_key, c.ca_file};
  caf::actor_system good_sys{good_cfg};
  auto good = caf::openssl::remote_actor<protocol::node_registry_actor>(good_sys, "127.0.0.1", port);
  CHECK(good);

  caf::anon_send_exit(registry, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}

TEST_CASE("node registry: a restarted registry publishes on the same port again",
          "[nodes][integration]") {
  cluster c;
  tls_config server_cfg{c.server_cert, c.server_key, c.ca_file};
  caf::actor_system server_sys{server_cfg};
  store::store_actor_options so;
  so.memory = true;
  auto store = store::spawn_store_actor(server_sys, so);
  nodes::node_registry_options ro;
  ro.store = store;
  ro.nodes_dir = c.dir.path + "/nodes";
  std::promise<uint16_t> first_port;
  ro.on_published = [&first_port](uint16_t p) { first_port.set_value(p); };
  auto first = nodes::spawn_node_registry(server_sys, ro);
  auto f1 = first_port.get_future();
  REQUIRE(f1.wait_for(10s) == std::future_status::ready);
  const uint16_t port = f1.get();
  {
    caf::scoped_actor self{server_sys};
    self->monitor(first);
    self->send_exit(first, caf::exit_reason::user_shutdown);
    self->receive([](caf::down_msg&) {});
  }
  std::promise<uint16_t> second_port;
  ro.port = port;
  ro.on_published = [&second_port](uint16_t p) { second_port.set_value(p); };
  auto second = nodes::spawn_node_registry(server_sys, ro);
  auto f2 = second_port.get_future();
  REQUIRE(f2.wait_for(10s) == std::future_status::ready);
  CHECK(f2.get() == port);
  CHECK(server_sys.registry().get(protocol::node_registry_name) ==
        caf::actor_cast<caf::strong_actor_ptr>(second));

  tls_config agent_cfg{c.node_cert, c.node_key, c.ca_file};
  caf::actor_system agent_sys{agent_cfg};
  auto remote = caf::openssl::remote_actor<protocol::node_registry_actor>(agent_sys, "127.0.0.1", port);
  CHECK(remote);
  caf::anon_send_exit(second, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(store, caf::exit_reason::user_shutdown);
}
