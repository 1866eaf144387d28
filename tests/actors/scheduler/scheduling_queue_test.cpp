// The scheduling queue (issue 6): Kubernetes' PriorityQueue in small — active order, backoff,
// the unschedulable set and which cluster changes move a pod out of it, updates, removal.
#include <catch2/catch.hpp>

#include "actors/scheduler/scheduling_queue.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe::scheduler;
using namespace std::chrono_literals;

namespace {

const queue_time t0 = queue_time{} + std::chrono::hours(24 * 365 * 50);

std::shared_ptr<v1::Pod> make_pod(const std::string& uid, int32_t priority = 0) {
  auto p = std::make_shared<v1::Pod>();
  p->mutable_metadata()->set_name("pod-" + uid);
  p->mutable_metadata()->set_namespace_("default");
  p->mutable_metadata()->set_uid(uid);
  p->mutable_metadata()->set_resourceversion("1");
  if (priority)
    p->mutable_spec()->set_priority(priority);
  p->mutable_spec()->add_containers()->set_name("app");
  return p;
}

/// The uids pop() hands out at `now`, until it has nothing.
std::vector<std::string> drain(scheduling_queue& q, queue_time now) {
  std::vector<std::string> out;
  while (auto p = q.pop(now))
    out.push_back(p->pod->metadata().uid());
  return out;
}

/// A queue holding pod "u" as unschedulable after one attempt at t0, rejected by `plugins`.
scheduling_queue with_unschedulable(const std::vector<std::string>& plugins) {
  scheduling_queue q;
  q.add(make_pod("u"), t0);
  REQUIRE(q.pop(t0));
  q.unschedulable("u", plugins, t0);
  REQUIRE(q.unschedulable_count() == 1);
  return q;
}

} // namespace

TEST_CASE("queue: active pods pop by priority, then first seen", "[scheduler]") {
  scheduling_queue q;
  q.add(make_pod("a"), t0);
  q.add(make_pod("b", 100), t0);
  q.add(make_pod("c"), t0 + 1ms);
  q.add(make_pod("d", 100), t0 + 2ms);
  q.add(make_pod("e", -5), t0);
  CHECK(q.active() == 5);
  CHECK(drain(q, t0) == std::vector<std::string>{"b", "d", "a", "c", "e"});
  CHECK(q.in_flight() == 5);
  CHECK(q.active() == 0);
  CHECK_FALSE(q.pop(t0));
}

TEST_CASE("queue: backoff doubles from 1 s to at most 10 s per failed attempt", "[scheduler]") {
  scheduling_queue q;
  struct tc {
    int attempts;
    std::chrono::milliseconds want;
  };
  for (auto c : std::vector<tc>{{1, 1s}, {2, 2s}, {3, 4s}, {4, 8s}, {5, 10s}, {6, 10s}, {40, 10s}}) {
    INFO("attempts " << c.attempts);
    CHECK(q.backoff_for(c.attempts) == c.want);
  }
  scheduling_queue small{{100ms, 300ms, 5min}};
  CHECK(small.backoff_for(2) == 200ms);
  CHECK(small.backoff_for(3) == 300ms);
}

TEST_CASE("queue: a retried pod waits out its growing backoff", "[scheduler]") {
  scheduling_queue q;
  q.add(make_pod("p"), t0);
  queue_time now = t0;
  for (auto want : {1s, 2s, 4s, 8s, 10s, 10s}) {
    INFO("backoff " << want.count());
    auto p = q.pop(now);
    REQUIRE(p);
    q.retry("p", now);
    CHECK(q.backoff() == 1);
    REQUIRE(q.next_wakeup());
    CHECK(*q.next_wakeup() == now + want);
    CHECK_FALSE(q.pop(now + want - 1ms));
    now += want;
  }
  auto p = q.pop(now);
  REQUIRE(p);
  CHECK(p->attempts == 7);
  CHECK(p->first_queued == t0);
}

TEST_CASE("queue: which changes move an unschedulable pod", "[scheduler]") {
  struct tc {
    const char* name;
    std::vector<std::string> rejected_by;
    cluster_events change;
    bool moves;
  };
  std::vector<tc> cases = {
    {"NodeAffinity: node relabelled", {"NodeAffinity"}, node_labels_changed, true},
    {"NodeAffinity: node added", {"NodeAffinity"}, node_added, true},
    {"NodeAffinity: a pod deleted does not help", {"NodeAffinity"}, assigned_pod_removed, false},
    {"NodeAffinity: taints do not help", {"NodeAffinity"}, node_taints_changed, false},
    {"TaintToleration: taints changed", {"TaintToleration"}, node_taints_changed, true},
    {"TaintToleration: labels do not help", {"TaintToleration"}, node_labels_changed, false},
    {"NodeUnschedulable: uncordon", {"NodeUnschedulable"}, node_unschedulable_changed, true},
    {"NodeResourcesFit: a bound pod deleted", {"NodeResourcesFit"}, assigned_pod_removed, true},
    {"NodeResourcesFit: allocatable grew", {"NodeResourcesFit"}, node_allocatable_changed, true},
    {"NodeResourcesFit: a new pod does not help", {"NodeResourcesFit"}, assigned_pod_added, false},
    {"InterPodAffinity: a pod bound", {"InterPodAffinity"}, assigned_pod_added, true},
    {"InterPodAffinity: namespace labels", {"InterPodAffinity"}, namespace_labels_changed, true},
    {"NodeName: only a node added", {"NodeName"}, node_labels_changed, false},
    {"two plugins: either's change", {"NodeAffinity", "NodeResourcesFit"}, assigned_pod_removed, true},
    {"unknown plugin: any change", {"SomethingNew"}, namespace_labels_changed, true},
    {"no plugin (no nodes): any change", {}, node_added, true},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto q = with_unschedulable(c.rejected_by);
    q.move(c.change, t0 + 2s);  // backoff (1 s) is over: straight to active
    CHECK(q.unschedulable_count() == (c.moves ? 0u : 1u));
    CHECK(q.active() == (c.moves ? 1u : 0u));
  }
}

TEST_CASE("queue: a moved pod still honours its backoff", "[scheduler]") {
  auto q = with_unschedulable({"NodeAffinity"});
  CHECK(q.next_wakeup() == t0 + 5min);  // only the unschedulable timeout is pending
  q.move(node_labels_changed, t0 + 300ms);
  CHECK(q.unschedulable_count() == 0);
  CHECK(q.backoff() == 1);
  CHECK(q.next_wakeup() == t0 + 1s);
  CHECK_FALSE(q.pop(t0 + 999ms));
  auto p = q.pop(t0 + 1s);
  REQUIRE(p);
  CHECK(p->attempts == 2);
}

TEST_CASE("queue: an unschedulable pod waits at most 5 minutes", "[scheduler]") {
  auto q = with_unschedulable({"NodeAffinity"});
  CHECK(q.next_wakeup() == t0 + 5min);
  CHECK_FALSE(q.pop(t0 + 5min - 1ms));
  CHECK(q.unschedulable_count() == 1);
  CHECK(q.pop(t0 + 5min));
  CHECK(q.unschedulable_count() == 0);
}

TEST_CASE("queue: a change while the pod was in flight sends it to backoff, not to wait", "[scheduler]") {
  scheduling_queue q;
  q.add(make_pod("p"), t0);
  q.add(make_pod("q"), t0);
  REQUIRE(q.pop(t0));                       // p in flight
  q.move(node_labels_changed, t0);          // nobody waits, but p is in flight
  REQUIRE(q.pop(t0));                       // q in flight after the change
  q.unschedulable("p", std::vector<std::string>{"NodeAffinity"}, t0);
  q.unschedulable("q", std::vector<std::string>{"NodeAffinity"}, t0);
  CHECK(q.backoff() == 1);                  // p: the change may have helped
  CHECK(q.unschedulable_count() == 1);      // q: saw the change already
  CHECK(q.pop(t0 + 1s)->pod->metadata().uid() == "p");

  // An irrelevant change does not.
  scheduling_queue r;
  r.add(make_pod("p"), t0);
  REQUIRE(r.pop(t0));
  r.move(assigned_pod_removed, t0);
  r.unschedulable("p", std::vector<std::string>{"NodeAffinity"}, t0);
  CHECK(r.unschedulable_count() == 1);
}

TEST_CASE("queue: updates replace the pod, only spec or metadata changes move an unschedulable one", "[scheduler]") {
  struct tc {
    const char* name;
    void (*change)(v1::Pod&);
    bool moves;
  };
  std::vector<tc> cases = {
    {"status condition written", [](v1::Pod& p) {
       auto* c = p.mutable_status()->add_conditions();
       c->set_type("PodScheduled");
       c->set_status("False");
     }, false},
    {"resourceVersion", [](v1::Pod& p) { p.mutable_metadata()->set_resourceversion("9"); }, false},
    {"finalizer", [](v1::Pod& p) { p.mutable_metadata()->add_finalizers("x"); }, false},
    {"nodeSelector", [](v1::Pod& p) { (*p.mutable_spec()->mutable_nodeselector())["a"] = "b"; }, true},
    {"toleration", [](v1::Pod& p) { p.mutable_spec()->add_tolerations()->set_key("k"); }, true},
    {"label", [](v1::Pod& p) { (*p.mutable_metadata()->mutable_labels())["app"] = "x"; }, true},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    auto q = with_unschedulable({"NodeAffinity"});
    auto updated = std::make_shared<v1::Pod>(*q.find("u"));
    c.change(*updated);
    CHECK(pod_updated(*q.find("u"), *updated) == c.moves);
    q.add(updated, t0 + 2s);
    CHECK(q.find("u") == updated);
    CHECK(q.unschedulable_count() == (c.moves ? 0u : 1u));
  }
}

TEST_CASE("queue: an update of an active pod replaces it and re-ranks it by priority", "[scheduler]") {
  scheduling_queue q;
  q.add(make_pod("a"), t0);
  q.add(make_pod("b"), t0);
  auto b2 = make_pod("b", 10);
  q.add(b2, t0 + 1s);
  CHECK(q.active() == 2);
  auto first = q.pop(t0 + 1s);
  REQUIRE(first);
  CHECK(first->pod == b2);
  CHECK(first->first_queued == t0);
}

TEST_CASE("queue: an update while in flight makes an unschedulable result back off", "[scheduler]") {
  scheduling_queue q;
  q.add(make_pod("p"), t0);
  REQUIRE(q.pop(t0));
  auto p2 = make_pod("p");
  (*p2->mutable_spec()->mutable_nodeselector())["disk"] = "ssd";
  q.add(p2, t0);
  CHECK(q.in_flight() == 1);
  CHECK(q.active() == 0);
  q.unschedulable("p", std::vector<std::string>{"NodeAffinity"}, t0);
  CHECK(q.backoff() == 1);
  CHECK(q.pop(t0 + 1s)->pod == p2);
}

TEST_CASE("queue: remove forgets a pod wherever it is", "[scheduler]") {
  scheduling_queue q{{1s, 10s, 5min}};
  q.add(make_pod("active"), t0);
  q.add(make_pod("backoff"), t0);
  q.add(make_pod("unsched"), t0);
  q.add(make_pod("flight"), t0);
  REQUIRE(drain(q, t0).size() == 4);
  q.retry("backoff", t0);
  q.unschedulable("unsched", std::vector<std::string>{"NodeAffinity"}, t0);
  q.add(make_pod("active"), t0);  // not new: in flight, replaced there
  q.done("active");
  q.add(make_pod("active"), t0);  // done: a new entry
  CHECK(q.active() == 1);
  CHECK(q.backoff() == 1);
  CHECK(q.unschedulable_count() == 1);
  CHECK(q.in_flight() == 1);
  for (auto uid : {"active", "backoff", "unsched", "flight"})
    q.remove(uid);
  CHECK(q.size() == 0);
  CHECK(q.active() + q.backoff() + q.unschedulable_count() + q.in_flight() == 0);
  CHECK_FALSE(q.next_wakeup());
  // Reports about a removed pod are ignored.
  q.unschedulable("flight", std::vector<std::string>{}, t0);
  q.retry("flight", t0);
  q.done("flight");
  CHECK(q.size() == 0);
  q.move(all_cluster_events, t0);
  CHECK_FALSE(q.pop(t0 + 1h));
}

TEST_CASE("queue: reports about a pod not in flight are ignored", "[scheduler]") {
  scheduling_queue q;
  q.add(make_pod("p"), t0);
  q.unschedulable("p", std::vector<std::string>{}, t0);
  q.retry("p", t0);
  q.done("p");
  CHECK(q.active() == 1);
  CHECK(q.pop(t0)->attempts == 1);
}

TEST_CASE("queue: rejected_by may be schedule_result's map of counts", "[scheduler]") {
  scheduling_queue q;
  q.add(make_pod("p"), t0);
  REQUIRE(q.pop(t0));
  std::map<std::string, size_t, std::less<>> rejected{{"TaintToleration", 3}};
  q.unschedulable("p", rejected, t0);
  q.move(node_labels_changed, t0 + 1s);
  CHECK(q.unschedulable_count() == 1);
  q.move(node_taints_changed, t0 + 1s);
  CHECK(q.active() == 1);
}
