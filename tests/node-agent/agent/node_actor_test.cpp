// The node actor (node-agent/agent/node_actor.hpp) against an in-process node registry and
// session (test doubles that tell the test what they receive), a fake runtime, and test-double pod
// actors that report as told: registration with the Node object, pods -> pod actors, orphan
// sandboxes removed, reports coalesced, finished pods, logs from a CRI file, re-registration
// after the session dies, and shutdown leaving containers alone.
// Just over 400 lines: every case shares the registry/session doubles and their fixture.
#include <catch2/catch.hpp>

#include <caf/all.hpp>

#include <filesystem>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <fstream>
#include <unistd.h>

#include "actors/protocol/node_protocol.hpp"
#include "node-agent/agent/node_actor.hpp"
#include "node-agent/runtime/blocking_call.hpp"
#include "node-agent/runtime/fake_runtime.hpp"
#include "tests/node-agent/runtime/runtime_fixtures.hpp"

using namespace std::chrono_literals;
using namespace troupe;
using namespace troupe::node_agent;
namespace v1 = troupe::core::v1;
namespace rt = troupe::node_agent::runtime;

namespace {

// What the doubles tell the test.
using registered_atom = caf::atom_constant<caf::atom("t_reg")>;
using reported_atom = caf::atom_constant<caf::atom("t_report")>;
using spawned_atom = caf::atom_constant<caf::atom("t_spawned")>;
using session_atom = caf::atom_constant<caf::atom("t_session")>;

caf::behavior test_session(caf::event_based_actor* self, caf::actor observer) {
  return {
    [=](protocol::report_atom, std::vector<std::string>& statuses,
        std::vector<std::string>& events, std::string& node_status) {
      self->send(observer, reported_atom::value, std::move(statuses), std::move(events),
                 std::move(node_status));
    },
    [=](protocol::heartbeat_atom) -> int64_t { return 1; },
  };
}

// Registers each agent, spawns a session for it and tells the observer both handles.
caf::behavior test_registry(caf::event_based_actor* self, caf::actor observer) {
  return {
    [=](protocol::register_atom, std::string& name, std::string& credential, std::string& node,
        protocol::node_agent_actor& agent) -> caf::result<protocol::node_session_actor> {
      if (credential != "secret")
        return caf::make_error(caf::sec::invalid_argument, "wrong credential");
      auto session = self->spawn(test_session, observer);
      self->send(observer, registered_atom::value, name, node,
                 caf::actor_cast<caf::actor>(agent), session);
      return caf::actor_cast<protocol::node_session_actor>(session);
    },
  };
}

pod_ptr with_phase(const pod_ptr& pod, const std::string& phase) {
  auto p = std::make_shared<v1::Pod>(*pod);
  p->mutable_status()->set_phase(phase);
  return p;
}

v1::Event event(const pod_ptr& pod, const std::string& reason) {
  v1::Event e;
  e.mutable_involvedobject()->set_name(pod->metadata().name());
  e.mutable_involvedobject()->set_namespace_(pod->metadata().namespace_());
  e.set_reason(reason);
  return e;
}

// A pod actor double: reports Pending, ContainerCreating and Running at once (to be coalesced),
// finishes on a deletionTimestamp or kill_atom.
caf::behavior test_pod(caf::event_based_actor* self, pod_ptr pod, caf::actor parent,
                       caf::actor observer) {
  auto uid = pod->metadata().uid();
  self->send(observer, spawned_atom::value, uid, caf::actor_cast<caf::actor>(self));
  self->send(parent, pod_report{uid, with_phase(pod, "Pending"), {event(pod, "Scheduled")}, false});
  self->send(parent, pod_report{uid, with_phase(pod, "Pending"), {event(pod, "Pulling")}, false});
  self->send(parent, pod_report{uid, with_phase(pod, "Running"), {event(pod, "Started")}, false});
  auto finish = [=](pod_ptr status) {
    self->send(parent, pod_report{uid, std::move(status), {event(pod, "Killing")}, true});
    self->quit();
  };
  return {
    [=](pod_atom, pod_ptr& latest) {
      if (latest->metadata().has_deletiontimestamp())
        finish(with_phase(latest, "Running"));
    },
    [=](kill_atom) { finish(nullptr); },
    [=](sync_atom) {},
  };
}

pod_ptr make_pod(const std::string& name, const std::string& uid) {
  auto p = std::make_shared<v1::Pod>();
  p->mutable_metadata()->set_name(name);
  p->mutable_metadata()->set_namespace_("default");
  p->mutable_metadata()->set_uid(uid);
  p->mutable_spec()->set_nodename("node1");
  p->mutable_spec()->add_containers()->set_name("app");
  return p;
}

struct report {
  std::vector<v1::Pod> statuses;
  std::vector<v1::Event> events;
  std::string node_status;
};

struct fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  std::unique_ptr<caf::scoped_actor> self;
  std::shared_ptr<rt::fake_runtime> runtime = std::make_shared<rt::fake_runtime>();
  std::string dir;
  caf::actor registry, agent, session;
  prometheus::Registry metrics_registry;
  connection_metrics metrics = connection_metrics::create(metrics_registry, "node1");

  fixture() {
    protocol::announce_node_protocol(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
    self = std::make_unique<caf::scoped_actor>(*sys);
    dir = (std::filesystem::temp_directory_path() / ("troupe-node-actor-" + std::to_string(::getpid())))
            .string();
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    registry = sys->spawn(test_registry, caf::actor_cast<caf::actor>(*self));
    sys->registry().put(protocol::node_registry_name, registry);
  }
  ~fixture() {
    sys->registry().erase(protocol::node_registry_name);
    for (auto& a : {agent, registry, session})
      if (a)
        caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    self.reset();
    sys.reset();
    std::filesystem::remove_all(dir);
  }

  void start_agent() {
    node_actor_config c;
    c.node.name = "node1";
    c.node.node_ip = "10.0.0.5";
    c.host.cpus = 2;
    c.host.memory_kib = 1024;
    c.credential = "secret";
    c.pod_context.runtime = runtime;
    c.pod_context.node_name = "node1";
    c.pod_context.log_root = dir;
    auto observer = caf::actor_cast<caf::actor>(*self);
    c.spawn_pod = [observer](caf::actor_system& s, pod_actor_context, pod_ptr pod,
                             caf::actor parent) {
      return caf::actor_cast<pod_actor_type>(s.spawn(test_pod, pod, parent, observer));
    };
    c.timing.heartbeat_interval = 100ms;
    c.timing.heartbeat_timeout = 500ms;
    c.timing.backoff_initial = 50ms;
    c.timing.backoff_max = 200ms;
    c.timing.node_status_interval = 100ms;
    c.log = [](const std::string&) {};
    c.metrics = metrics;
    agent = spawn_node_actor(*sys, std::move(c));
  }

  // Waits for the next registration; returns the Node the agent sent.
  v1::Node wait_registered() {
    v1::Node node;
    bool got = false;
    (*self)->receive_while([&] { return !got; })(
      [&](registered_atom, std::string& name, std::string& bytes, caf::actor&, caf::actor& s) {
        CHECK(name == "node1");
        REQUIRE(node.ParseFromString(bytes));
        session = s;
        got = true;
      },
      [&](reported_atom, std::vector<std::string>&, std::vector<std::string>&, std::string&) {},
      [&](spawned_atom, std::string&, caf::actor&) {},
      caf::after(10s) >> [&] { FAIL("no registration"); });
    return node;
  }

  // Reports until `done` says so (every report is passed to it).
  void wait_reports(const std::function<bool(const report&)>& done,
                    std::map<std::string, caf::actor>* spawned = nullptr) {
    bool finished = false;
    (*self)->receive_while([&] { return !finished; })(
      [&](reported_atom, std::vector<std::string>& statuses, std::vector<std::string>& events,
          std::string& node_status) {
        report r;
        for (auto& s : statuses)
          r.statuses.emplace_back().ParseFromString(s);
        for (auto& e : events)
          r.events.emplace_back().ParseFromString(e);
        r.node_status = node_status;
        finished = done(r);
      },
      [&](spawned_atom, std::string& uid, caf::actor& a) {
        if (spawned)
          (*spawned)[uid] = a;
      },
      [&](registered_atom, std::string&, std::string&, caf::actor&, caf::actor&) {},
      caf::after(10s) >> [&] { FAIL("the expected report did not come"); });
  }

  void push(std::vector<pod_ptr> pods, std::vector<std::string> removed, bool full) {
    std::vector<std::string> bytes;
    for (const auto& p : pods)
      bytes.push_back(p->SerializeAsString());
    (*self)->send(caf::actor_cast<protocol::node_agent_actor>(agent), protocol::pods_atom::value,
                  std::move(bytes), std::move(removed), full);
  }

  // A sandbox and a running container as a previous agent run left them.
  std::string leftover(const std::string& name, const std::string& uid,
                       const std::string& node = "node1") {
    auto sb = testing::make_sandbox_config(name, uid);
    sb.labels[rt::labels::node_name] = node;
    sb.log_directory = dir + "/default_" + name + "_" + uid;
    runtime->add_local_image("busybox:1.30");
    auto id = rt::await_result<std::string>([&](auto cb) { runtime->run_pod_sandbox(sb, 1s, cb); });
    REQUIRE(id);
    auto cc = testing::make_container_config(sb);
    cc.labels[rt::labels::node_name] = node;
    auto cid = rt::await_result<std::string>(
      [&](auto cb) { runtime->create_container(*id, cc, sb, 1s, cb); });
    REQUIRE(cid);
    REQUIRE(rt::await_status([&](auto cb) { runtime->start_container(*cid, 1s, cb); }));
    return *id;
  }

  std::size_t sandboxes_of(const std::string& uid) {
    rt::sandbox_filter f;
    f.label_selector = {{rt::labels::pod_uid, uid}};
    auto list = rt::await_result<std::vector<rt::sandbox_info>>(
      [&](auto cb) { runtime->list_pod_sandbox(f, 1s, cb); });
    REQUIRE(list);
    return list->size();
  }
};

} // namespace

TEST_CASE("node actor: registers, runs pods, reports, serves logs, re-registers", "[node]") {
  fixture f;
  f.leftover("web", "uid-web");        // a pod still bound: adopted by its pod actor
  f.leftover("old", "uid-old");        // deleted while the agent was away: an orphan
  f.leftover("other", "uid-other", "node2");  // another node's (hollow nodes share a runtime)
  f.start_agent();

  auto node = f.wait_registered();
  CHECK(node.metadata().name() == "node1");
  CHECK(node.metadata().labels().at("kubernetes.io/hostname") == "node1");
  CHECK(node.status().nodeinfo().containerruntimeversion() == "fake://0.1.0");
  CHECK(node.status().capacity().at("memory").string() == "1024Ki");

  // The first full set: a pod actor per pod; reports coalesced per uid.
  auto web = make_pod("web", "uid-web");
  auto db = make_pod("db", "uid-db");
  std::map<std::string, caf::actor> spawned;
  f.push({web, db}, {}, true);
  std::map<std::string, std::string> phase;
  std::vector<std::string> reasons;
  f.wait_reports(
    [&](const report& r) {
      for (const auto& s : r.statuses)
        phase[s.metadata().uid()] = s.status().phase();
      for (const auto& e : r.events)
        if (e.involvedobject().name() == "web")
          reasons.push_back(e.reason());
      return phase["uid-web"] == "Running" && phase["uid-db"] == "Running";
    },
    &spawned);
  CHECK(spawned.size() == 2);
  CHECK(reasons == std::vector<std::string>{"Scheduled", "Pulling", "Started"});
  CHECK(f.metrics.registrations->Value() == 1);
  CHECK(f.metrics.connected->Value() == 1);
  CHECK(f.metrics.pod_actors->Value() == 2);
  CHECK(f.metrics.reports->Value() >= 1);
  CHECK(f.metrics.reported_events->Value() >= 6);

  // The orphan goes, the bound pod and the other node's pod stay.
  for (int i = 0; i < 100 && f.sandboxes_of("uid-old") != 0; ++i)
    std::this_thread::sleep_for(20ms);
  CHECK(f.sandboxes_of("uid-old") == 0);
  CHECK(f.sandboxes_of("uid-web") == 1);
  CHECK(f.sandboxes_of("uid-other") == 1);

  SECTION("logs from the container's CRI file") {
    std::filesystem::create_directories(f.dir + "/default_web_uid-web/app");
    std::ofstream(f.dir + "/default_web_uid-web/app/0.log")
      << "2024-05-01T10:00:00Z stdout F hello\n2024-05-01T10:00:01Z stderr P wor\n"
         "2024-05-01T10:00:01Z stderr F ld\n";
    auto agent = caf::actor_cast<protocol::node_agent_actor>(f.agent);
    std::string text;
    int64_t next = 0;
    bool running = false;
    (*f.self)
      ->request(agent, 5s, protocol::logs_atom::value, std::string("default"), std::string("web"),
                std::string("app"), false, int64_t{-1}, int64_t{0}, false, int64_t{0}, int64_t{-1})
      .receive(
        [&](std::string& t, int64_t n, bool r) {
          text = t;
          next = n;
          running = r;
        },
        [&](caf::error& e) { FAIL(f.sys->render(e)); });
    CHECK(text == "hello\nworld\n");
    CHECK(next == 103);
    CHECK(running);

    std::string error;
    (*f.self)
      ->request(agent, 5s, protocol::logs_atom::value, std::string("default"), std::string("web"),
                std::string("nope"), false, int64_t{-1}, int64_t{0}, false, int64_t{0},
                int64_t{-1})
      .receive([&](std::string&, int64_t, bool) { FAIL("logs of an unknown container"); },
               [&](caf::error& e) { error = f.sys->render(e); });
    CHECK(error.find("container nope is not valid for pod web") != std::string::npos);
    (*f.self)
      ->request(agent, 5s, protocol::logs_atom::value, std::string("default"), std::string("web"),
                std::string("app"), true, int64_t{-1}, int64_t{0}, false, int64_t{0}, int64_t{-1})
      .receive([&](std::string&, int64_t, bool) { FAIL("previous logs without a restart"); },
               [&](caf::error& e) { error = f.sys->render(e); });
    CHECK(error.find("previous terminated container \\\"app\\\" in pod \\\"web\\\" not found") !=
          std::string::npos);
  }

  SECTION("deletion and removal finish pods; the status carries deletionTimestamp") {
    auto deleting = std::make_shared<v1::Pod>(*web);
    deleting->mutable_metadata()->mutable_deletiontimestamp()->set_seconds(1700000000);
    f.push({deleting}, {}, false);
    f.push({}, {"uid-db"}, false);
    std::map<std::string, v1::Pod> finished;
    f.wait_reports([&](const report& r) {
      for (const auto& s : r.statuses)
        if (s.metadata().has_deletiontimestamp())
          finished[s.metadata().uid()] = s;
      return finished.size() == 2;
    });
    CHECK(finished["uid-web"].metadata().deletiontimestamp().seconds() == 1700000000);
    CHECK(finished["uid-db"].metadata().name() == "db");  // identity from the last object
    CHECK(finished["uid-db"].metadata().deletiontimestamp().seconds() > 0);

    // Still in a full set (the finished report was lost): reported finished again, no new actor.
    std::map<std::string, caf::actor> respawned;
    f.push({deleting}, {}, true);
    bool again = false;
    f.wait_reports(
      [&](const report& r) {
        for (const auto& s : r.statuses)
          again = again || (s.metadata().uid() == "uid-web" && s.metadata().has_deletiontimestamp());
        return again;
      },
      &respawned);
    CHECK(respawned.empty());
  }

  SECTION("a lost session: registers again and sends every status again") {
    caf::anon_send_exit(f.session, caf::exit_reason::kill);
    f.wait_registered();
    std::set<std::string> resent;
    f.wait_reports([&](const report& r) {
      for (const auto& s : r.statuses)
        resent.insert(s.metadata().uid());
      return resent.size() == 2;
    });
    CHECK(resent == std::set<std::string>{"uid-db", "uid-web"});
    CHECK(f.metrics.connection_losses->Value() == 1);
    CHECK(f.metrics.registrations->Value() == 2);
  }

  SECTION("stopping the agent stops its pod actors, not their containers") {
    for (auto& [uid, a] : spawned)
      (*f.self)->monitor(a);
    f.runtime->clear_calls();
    caf::anon_send_exit(f.agent, caf::exit_reason::user_shutdown);
    int down = 0;
    (*f.self)->receive_while([&] { return down < 2; })(
      [&](caf::down_msg&) { ++down; },
      [&](reported_atom, std::vector<std::string>&, std::vector<std::string>&, std::string&) {},
      caf::after(5s) >> [&] { FAIL("pod actors still running"); });
    for (const auto& call : f.runtime->calls())
      CHECK(call.find("Stop") == std::string::npos);
    CHECK(f.sandboxes_of("uid-web") == 1);
    f.agent = nullptr;
  }
}

TEST_CASE("node actor: no registry yet: connecting is retried with backoff", "[node]") {
  fixture f;
  // Registered under the registry name only after a while: the agent keeps retrying.
  f.sys->registry().erase(protocol::node_registry_name);
  f.start_agent();
  std::this_thread::sleep_for(300ms);
  f.sys->registry().put(protocol::node_registry_name, f.registry);
  auto node = f.wait_registered();
  CHECK(node.metadata().name() == "node1");
}
