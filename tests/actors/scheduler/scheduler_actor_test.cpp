// The scheduler actor (issue 6) against a store actor on the memory store: binding with the
// Scheduled Event, FailedScheduling with Kubernetes' summary and PodScheduled=False, a relevant
// change (node relabelled) ending the wait, growing backoff on one counted Event, pods deleted
// while pending, and 200 pods spread over 20 nodes. Real time, short backoffs; assertions stay on
// the test thread (the helpers poll the store).
#include <catch2/catch.hpp>

#include <prometheus/text_serializer.h>

#include "actors/scheduler/scheduler_actor.hpp"
#include "tests/actors/controllers/controller_fixture.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe;
using namespace troupe::testing;
using namespace std::chrono_literals;

namespace {

struct scheduler_fixture : controller_fixture {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  scheduler::scheduler_options opts;

  scheduler_fixture() {
    opts.store = store;
    opts.metrics = std::make_shared<scheduler::scheduler_metrics>(registry);
    opts.instance = "default-scheduler-test";
    opts.seed = 42;
    opts.request_timeout = 5s;
  }

  // The scheduler ends (and is waited for) before the store goes.
  ~scheduler_fixture() {
    caf::scoped_actor self{sys};
    for (auto& a : actors) {
      self->send_exit(a, caf::exit_reason::user_shutdown);
      self->wait_for(a);
    }
    actors.clear();
  }

  void start() { actors.push_back(caf::actor_cast<caf::actor>(scheduler::spawn_scheduler(sys, opts))); }

  void add_node(const std::string& name, std::map<std::string, std::string> labels = {},
                std::vector<v1::Taint> taints = {}) {
    v1::Node n = make_node();
    n.mutable_metadata()->set_name(name);
    n.mutable_metadata()->clear_labels();
    (*n.mutable_metadata()->mutable_labels())["kubernetes.io/hostname"] = name;
    for (auto& [k, v] : labels)
      (*n.mutable_metadata()->mutable_labels())[k] = v;
    for (auto& t : taints)
      *n.mutable_spec()->add_taints() = t;
    create("v1", "Node", n);
  }

  void label_node(const std::string& name, const std::string& key, const std::string& value) {
    auto got = db->get(kind("v1", "Node"), "", name);
    REQUIRE(got.ok());
    v1::Node n = static_cast<const v1::Node&>(*got->object);
    (*n.mutable_metadata()->mutable_labels())[key] = value;
    REQUIRE(db->update(kind("v1", "Node"), n).ok());
  }

  void add_pod(const std::string& name, std::map<std::string, std::string> node_selector = {}) {
    auto p = named_pod("default", name);
    for (auto& [k, v] : node_selector)
      (*p.mutable_spec()->mutable_nodeselector())[k] = v;
    p.mutable_status()->set_phase("Pending");
    create("v1", "Pod", p);
  }

  std::optional<v1::Pod> pod(const std::string& name) {
    auto got = db->get(kind("v1", "Pod"), "default", name);
    if (!got.ok())
      return std::nullopt;
    return static_cast<const v1::Pod&>(*got->object);
  }

  std::string node_of(const std::string& name) {
    auto p = pod(name);
    return p ? p->spec().nodename() : "";
  }

  std::vector<v1::Event> events(const std::string& reason) {
    store::list_options lo;
    lo.ns = "default";
    std::vector<v1::Event> out;
    auto r = db->list(kind("v1", "Event"), lo);
    if (r.ok())
      for (const auto& item : r->items) {
        const auto& e = static_cast<const v1::Event&>(*item.object);
        if (e.reason() == reason)
          out.push_back(e);
      }
    return out;
  }

  std::string metrics_text() { return prometheus::TextSerializer().Serialize(registry->Collect()); }
  bool has_metric(const std::string& line) {
    return metrics_text().find(line) != std::string::npos;
  }
};

v1::Taint taint(const std::string& key, const std::string& value, const std::string& effect) {
  v1::Taint t;
  t.set_key(key);
  t.set_value(value);
  t.set_effect(effect);
  return t;
}

const v1::PodCondition* scheduled_condition(const v1::Pod& p) {
  for (const auto& c : p.status().conditions())
    if (c.type() == "PodScheduled")
      return &c;
  return nullptr;
}

} // namespace

TEST_CASE("scheduler actor: a pod is bound to the only node that fits, with the Scheduled event", "[scheduler]") {
  scheduler_fixture f;
  f.add_node("node1", {{"disk", "hdd"}});
  f.add_node("node2", {{"disk", "ssd"}});
  f.add_pod("web", {{"disk", "ssd"}});
  f.start();
  REQUIRE(f.eventually([&] { return !f.node_of("web").empty(); }, 3s));
  CHECK(f.node_of("web") == "node2");
  auto p = f.pod("web");
  REQUIRE(scheduled_condition(*p));
  CHECK(scheduled_condition(*p)->status() == "True");

  REQUIRE(f.eventually([&] { return !f.events("Scheduled").empty(); }, 3s));
  auto e = f.events("Scheduled").front();
  CHECK(e.message() == "Successfully assigned default/web to node2");
  CHECK(e.type() == "Normal");
  CHECK(e.source().component() == "default-scheduler");
  CHECK(e.reportingcomponent() == "default-scheduler");
  CHECK(e.reportinginstance() == "default-scheduler-test");
  CHECK(e.involvedobject().name() == "web");
  CHECK(e.involvedobject().uid() == p->metadata().uid());
  CHECK(e.count() == 1);
  CHECK(f.events("FailedScheduling").empty());
  CHECK(f.eventually([&] {
    return f.has_metric(R"(scheduler_schedule_attempts_total{profile="default-scheduler",result="scheduled"} 1)");
  }, 2s));

  // A pod created after the start is bound too.
  f.add_pod("api", {{"disk", "hdd"}});
  REQUIRE(f.eventually([&] { return !f.node_of("api").empty(); }, 3s));
  CHECK(f.node_of("api") == "node1");
}

TEST_CASE("scheduler actor: an unfittable pod gets FailedScheduling and PodScheduled=False, then binds once a node is relabelled", "[scheduler]") {
  scheduler_fixture f;
  f.add_node("node1", {{"disk", "hdd"}});
  f.add_node("node2", {{"disk", "ssd"}}, {taint("dedicated", "gpu", "NoSchedule")});
  f.add_pod("web", {{"disk", "ssd"}});
  f.start();
  const std::string summary =
    "0/2 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
    "1 node(s) had untolerated taint {dedicated: gpu}.";
  REQUIRE(f.eventually([&] { return !f.events("FailedScheduling").empty(); }, 3s));
  auto e = f.events("FailedScheduling").front();
  CHECK(e.message() == summary);
  CHECK(e.type() == "Warning");
  CHECK(e.source().component() == "default-scheduler");
  REQUIRE(f.eventually([&] {
    auto p = f.pod("web");
    return p && scheduled_condition(*p) && scheduled_condition(*p)->status() == "False";
  }, 3s));
  auto c = *scheduled_condition(*f.pod("web"));
  CHECK(c.reason() == "Unschedulable");
  CHECK(c.message() == summary);
  CHECK(f.node_of("web").empty());
  CHECK(f.eventually([&] { return f.has_metric(R"(scheduler_pending_pods{queue="unschedulable"} 1)"); }, 2s));
  CHECK(f.has_metric(R"(troupe_scheduler_filter_rejections_total{plugin="NodeAffinity"} 1)"));
  CHECK(f.has_metric(R"(troupe_scheduler_filter_rejections_total{plugin="TaintToleration"} 1)"));

  // The relabel is a change NodeAffinity waits for: bound after the 1 s backoff, not after the
  // 5 minutes an unschedulable pod waits without one (nor the 10 s maximum backoff).
  auto t0 = std::chrono::steady_clock::now();
  f.label_node("node1", "disk", "ssd");
  REQUIRE(f.eventually([&] { return !f.node_of("web").empty(); }, 4s));
  CHECK(std::chrono::steady_clock::now() - t0 < 3s);
  CHECK(f.node_of("web") == "node1");
  CHECK(scheduled_condition(*f.pod("web"))->status() == "True");
  REQUIRE(f.eventually([&] { return !f.events("Scheduled").empty(); }, 2s));
  CHECK(f.events("Scheduled").front().message() == "Successfully assigned default/web to node1");
  CHECK(f.events("FailedScheduling").size() == 1);
}

TEST_CASE("scheduler actor: backoff grows between attempts, counted on one FailedScheduling event", "[scheduler]") {
  scheduler_fixture f;
  // No unschedulable wait, so each retry comes when its backoff ends: 300, 600, 1200, 1200 ms after
  // the attempt before (uncapped the last would be 2400).
  f.opts.queue.initial_backoff = 300ms;
  f.opts.queue.max_backoff = 1200ms;
  f.opts.queue.max_in_unschedulable = 1ms;
  f.add_node("node1", {{"disk", "hdd"}});
  f.add_pod("web", {{"disk", "ssd"}});
  f.start();
  std::vector<std::chrono::steady_clock::time_point> seen;  // when the count went up
  int32_t last = 0;
  auto deadline = std::chrono::steady_clock::now() + 8s;
  while (last < 5 && std::chrono::steady_clock::now() < deadline) {
    auto evs = f.events("FailedScheduling");
    if (!evs.empty() && evs.front().count() > last) {
      last = evs.front().count();
      seen.push_back(std::chrono::steady_clock::now());
    }
    std::this_thread::sleep_for(5ms);
  }
  REQUIRE(last >= 5);
  CHECK(f.events("FailedScheduling").size() == 1);  // one Event, counted
  std::vector<long> gaps;
  for (size_t i = 1; i < seen.size(); ++i)
    gaps.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(seen[i] - seen[i - 1]).count());
  INFO("gaps in ms: " << ::Catch::Detail::stringify(gaps));
  REQUIRE(gaps.size() >= 4);
  // Each gap is the backoff give or take how late the write was seen (tolerance 150 ms each way,
  // for a loaded machine).
  CHECK(gaps[0] >= 150);
  CHECK(gaps[1] >= 450);
  CHECK(gaps[2] >= 1050);
  CHECK(gaps[1] > gaps[0]);
  CHECK(gaps[2] > gaps[1]);
  CHECK(gaps[3] < 2100);  // capped (uncapped: 2400)
}

TEST_CASE("scheduler actor: a pod deleted while pending is dropped", "[scheduler]") {
  scheduler_fixture f;
  f.add_node("node1", {{"disk", "hdd"}});
  f.add_pod("gone", {{"disk", "ssd"}});
  f.add_pod("leaving", {{"disk", "ssd"}});
  f.start();
  REQUIRE(f.eventually([&] { return f.has_metric(R"(scheduler_pending_pods{queue="unschedulable"} 2)"); }, 3s));
  // One deleted for good, one marked for deletion (a grace period): neither is scheduled.
  REQUIRE(f.db->remove(f.kind("v1", "Pod"), "default", "gone", {}, f.now).ok());
  store::delete_options grace;
  grace.grace_period_seconds = 30;
  REQUIRE(f.db->remove(f.kind("v1", "Pod"), "default", "leaving", grace, f.now).ok());
  REQUIRE(f.eventually([&] { return f.has_metric(R"(scheduler_pending_pods{queue="unschedulable"} 0)"); }, 3s));
  CHECK(f.has_metric(R"(scheduler_pending_pods{queue="backoff"} 0)"));
  CHECK(f.has_metric(R"(scheduler_pending_pods{queue="active"} 0)"));
  // A node where they would fit changes nothing.
  f.add_node("node2", {{"disk", "ssd"}});
  f.add_pod("marker", {{"disk", "ssd"}});  // proves the scheduler saw node2
  REQUIRE(f.eventually([&] { return !f.node_of("marker").empty(); }, 3s));
  CHECK(f.node_of("leaving").empty());
  CHECK_FALSE(f.pod("gone"));
  CHECK(f.has_metric(R"(scheduler_schedule_attempts_total{profile="default-scheduler",result="error"} 0)"));
}

TEST_CASE("scheduler actor: 200 pods over 20 nodes are all bound and spread", "[scheduler]") {
  scheduler_fixture f;
  for (int i = 0; i < 20; ++i)
    f.add_node("node" + std::to_string(i));
  f.start();
  for (int i = 0; i < 200; ++i)
    f.add_pod("pod-" + std::to_string(i));
  std::map<std::string, int> per_node;
  REQUIRE(f.eventually([&] {
    per_node.clear();
    store::list_options lo;
    lo.ns = "default";
    auto r = f.db->list(f.kind("v1", "Pod"), lo);
    for (const auto& item : r->items)
      if (auto n = static_cast<const v1::Pod&>(*item.object).spec().nodename(); !n.empty())
        ++per_node[n];
    int bound = 0;
    for (auto& [n, c] : per_node)
      bound += c;
    return bound == 200;
  }, 5s));
  INFO(::Catch::Detail::stringify(per_node));
  CHECK(per_node.size() == 20);
  int lo = 1000, hi = 0;
  for (auto& [n, c] : per_node) {
    lo = std::min(lo, c);
    hi = std::max(hi, c);
  }
  // LeastAllocated: each pod goes to a least-loaded node (integer scores may tie neighbours).
  CHECK(lo >= 8);
  CHECK(hi <= 12);
  // Counted when the bind's answer comes back, which may be after the test saw the pods bound.
  CHECK(f.eventually([&] {
    return f.has_metric(R"(scheduler_schedule_attempts_total{profile="default-scheduler",result="scheduled"} 200)");
  }, 2s));
}
