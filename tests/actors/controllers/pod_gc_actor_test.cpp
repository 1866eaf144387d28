// The PodGC actor on a real store actor (memory store) with a fake clock: pods of a deleted node
// are marked Failed (DisruptionTarget) and removed after the quarantine, not before; pods of a
// node that exists stay; terminated pods beyond the threshold go, oldest first.
#include <catch2/catch.hpp>

#include <atomic>

#include "actors/controllers/pod_gc_actor.hpp"
#include "tests/actors/controllers/controller_fixture.hpp"
#include "tests/store/store_fixtures.hpp"

namespace troupe::testing {

using namespace troupe::controllers;
namespace v1 = troupe::core::v1;

namespace {

struct pod_gc_fixture : controller_fixture {
  std::atomic<int64_t> clock{1795737600};
  caf::actor gc;

  void start(size_t threshold = 12500) {
    pod_gc_actor_options o;
    o.store = store;
    o.gc.terminated_pod_threshold = threshold;
    o.gc.period = std::chrono::seconds(3600);  // passes run when the test asks
    o.clock = [this] { return config::timestamp{clock.load(), 0}; };
    gc = spawn_pod_gc(sys, o);
    actors.push_back(gc);
  }

  // Runs a pass; the number of pods it deleted, -1 before the actor's watches delivered their
  // initial events (no pass then), -2 on no answer.
  int64_t pass() {
    caf::scoped_actor self{sys};
    int64_t n = -2;
    self->request(gc, std::chrono::seconds(10), pod_gc_pass_atom::value)
      .receive([&](int64_t x) { n = x; }, [&](caf::error&) {});
    return n;
  }

  void add_node(const std::string& name) {
    auto n = make_node();
    n.mutable_metadata()->set_name(name);
    create("v1", "Node", n);
  }

  void add_pod(const std::string& name, const std::string& node, const std::string& phase = "Running",
               int64_t created = 0) {
    auto p = named_pod("default", name, node);
    p.mutable_status()->set_phase(phase);
    auto saved = now;
    if (created)
      now = config::timestamp{created, 0};
    create("v1", "Pod", p);
    now = saved;
  }
};

} // namespace

TEST_CASE("pod gc actor: a deleted node's pods are marked Failed and removed after the quarantine",
          "[controllers][pod_gc]") {
  pod_gc_fixture f;
  f.add_node("alive");
  f.add_pod("stays", "alive");
  f.add_pod("orphan", "gone");
  const int64_t since = f.db->revision();
  f.start();
  // Passes before the watches' initial events answer -1; the quarantine starts with the first
  // pass that sees the pods.
  REQUIRE(f.eventually([&] { return f.pass() == 0; }));
  CHECK(f.exists("v1", "Pod", "default", "orphan"));
  f.clock += 39;
  CHECK(f.pass() == 0);
  CHECK(f.exists("v1", "Pod", "default", "orphan"));
  f.clock += 1;
  CHECK(f.pass() == 1);
  CHECK_FALSE(f.exists("v1", "Pod", "default", "orphan"));
  CHECK(f.exists("v1", "Pod", "default", "stays"));

  store::watch_options wo;
  wo.since = since;
  auto w = f.db->watch(f.kind("v1", "Pod"), wo);
  REQUIRE(w.ok());
  auto events = collect(**w, 2);
  REQUIRE(events.size() == 2);
  CHECK(events[0].type == store::watch_event_type::modified);
  const auto& failed = static_cast<const v1::Pod&>(*events[0].object);
  CHECK(failed.metadata().name() == "orphan");
  CHECK(failed.status().phase() == "Failed");
  REQUIRE(failed.status().conditions_size() >= 1);
  const auto& c = failed.status().conditions(failed.status().conditions_size() - 1);
  CHECK(c.type() == "DisruptionTarget");
  CHECK(c.reason() == "DeletionByPodGC");
  CHECK(c.message() == "PodGC: node no longer exists");
  CHECK(events[1].type == store::watch_event_type::deleted);
  CHECK(name_of(*events[1].object) == "orphan");
}

TEST_CASE("pod gc actor: a node created during the quarantine keeps its pods",
          "[controllers][pod_gc]") {
  pod_gc_fixture f;
  f.add_pod("early", "late-node");
  f.start();
  REQUIRE(f.eventually([&] { return f.pass() == 0; }));
  f.add_node("late-node");
  f.clock += 60;
  // Whether or not the node's event has reached the actor, the store has the node: nothing goes.
  CHECK(f.pass() == 0);
  CHECK(f.exists("v1", "Pod", "default", "early"));
}

TEST_CASE("pod gc actor: terminated pods beyond the threshold go, oldest first",
          "[controllers][pod_gc]") {
  pod_gc_fixture f;
  f.add_node("n1");
  f.add_pod("old", "n1", "Succeeded", 1795730000);
  f.add_pod("older", "n1", "Failed", 1795720000);
  f.add_pod("newest", "n1", "Succeeded", 1795736000);
  f.add_pod("running", "n1", "Running", 1795710000);
  f.start(1);
  int64_t deleted = 0;
  REQUIRE(f.eventually([&] {
    deleted += std::max<int64_t>(f.pass(), 0);
    return deleted == 2;
  }));
  CHECK_FALSE(f.exists("v1", "Pod", "default", "older"));
  CHECK_FALSE(f.exists("v1", "Pod", "default", "old"));
  CHECK(f.exists("v1", "Pod", "default", "newest"));
  CHECK(f.exists("v1", "Pod", "default", "running"));
  CHECK(f.pass() == 0);
}

} // namespace troupe::testing
