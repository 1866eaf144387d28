// What the scheduler writes (issue 6): the binding and the PodScheduled condition (pod_binding),
// the Scheduled / FailedScheduling Events and their coalescing (scheduler_events), writes that
// keep only the latest value per key (coalesced_writes), and its metrics (scheduler_metrics).
#include <catch2/catch.hpp>

#include <prometheus/text_serializer.h>

#include "actors/scheduler/coalesced_writes.hpp"
#include "actors/scheduler/pod_binding.hpp"
#include "actors/scheduler/scheduler_events.hpp"
#include "actors/scheduler/scheduler_metrics.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe::scheduler;
using namespace std::chrono_literals;

namespace {

const queue_time t0 = queue_time{} + std::chrono::seconds(1795737600);

v1::Pod pending_pod() {
  v1::Pod p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("shop");
  p.mutable_metadata()->set_uid("u1");
  p.mutable_metadata()->set_resourceversion("17");
  p.mutable_spec()->add_containers()->set_name("app");
  p.mutable_status()->set_phase("Pending");
  return p;
}

const v1::PodCondition* scheduled_condition(const v1::Pod& p) {
  for (const auto& c : p.status().conditions())
    if (c.type() == "PodScheduled")
      return &c;
  return nullptr;
}

} // namespace

TEST_CASE("binding: nodeName and PodScheduled=True, conditional on the pod's resourceVersion", "[scheduler]") {
  auto p = bound_pod(pending_pod(), "node2", t0);
  CHECK(p.spec().nodename() == "node2");
  CHECK(p.metadata().resourceversion() == "17");
  auto* c = scheduled_condition(p);
  REQUIRE(c);
  CHECK(c->status() == "True");
  CHECK(c->reason().empty());
  CHECK(c->message().empty());
  CHECK(c->lasttransitiontime().seconds() == 1795737600);
  CHECK(p.status().conditions_size() == 1);

  // After an Unschedulable condition: the same condition turns True, with a new transition time.
  auto failed = unschedulable_pod(pending_pod(), "0/1 nodes are available: x.", t0);
  REQUIRE(failed);
  auto rebound = bound_pod(*failed, "node1", t0 + 30s);
  REQUIRE(rebound.status().conditions_size() == 1);
  CHECK(scheduled_condition(rebound)->status() == "True");
  CHECK(scheduled_condition(rebound)->message().empty());
  CHECK(scheduled_condition(rebound)->lasttransitiontime().seconds() == 1795737630);
}

TEST_CASE("binding: PodScheduled=False Unschedulable is written only when it changes", "[scheduler]") {
  const std::string m1 = "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.";
  const std::string m2 = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.";
  auto first = unschedulable_pod(pending_pod(), m1, t0);
  REQUIRE(first);
  auto* c = scheduled_condition(*first);
  REQUIRE(c);
  CHECK(c->status() == "False");
  CHECK(c->reason() == "Unschedulable");
  CHECK(c->message() == m1);
  CHECK(c->lasttransitiontime().seconds() == 1795737600);

  CHECK_FALSE(unschedulable_pod(*first, m1, t0 + 10s));  // same: no write
  auto second = unschedulable_pod(*first, m2, t0 + 10s);  // new message: written
  REQUIRE(second);
  CHECK(scheduled_condition(*second)->message() == m2);
  CHECK(scheduled_condition(*second)->lasttransitiontime().seconds() == 1795737600);  // still False
  CHECK(second->status().conditions_size() == 1);
}

TEST_CASE("events: Scheduled and FailedScheduling as kube-scheduler records them", "[scheduler]") {
  scheduler_event_recorder rec("default-scheduler-host1");
  auto p = pending_pod();
  auto s = rec.scheduled(p, "node2", t0);
  const auto& e = s.event;
  CHECK_FALSE(s.repeat);
  CHECK(e.type() == "Normal");
  CHECK(e.reason() == "Scheduled");
  CHECK(e.action() == "Binding");
  CHECK(e.message() == "Successfully assigned shop/web to node2");
  CHECK(e.metadata().namespace_() == "shop");
  CHECK(e.metadata().name().rfind("web.", 0) == 0);
  CHECK(e.metadata().name().size() == 4 + 16);
  CHECK(e.involvedobject().kind() == "Pod");
  CHECK(e.involvedobject().apiversion() == "v1");
  CHECK(e.involvedobject().namespace_() == "shop");
  CHECK(e.involvedobject().name() == "web");
  CHECK(e.involvedobject().uid() == "u1");
  CHECK(e.source().component() == "default-scheduler");
  CHECK(e.reportingcomponent() == "default-scheduler");
  CHECK(e.reportinginstance() == "default-scheduler-host1");
  CHECK(e.firsttimestamp().seconds() == 1795737600);
  CHECK(e.lasttimestamp().seconds() == 1795737600);
  CHECK(e.count() == 1);

  auto f = rec.failed_scheduling(p, "0/1 nodes are available: 1 Insufficient cpu.", t0);
  CHECK(f.event.type() == "Warning");
  CHECK(f.event.reason() == "FailedScheduling");
  CHECK(f.event.action() == "Scheduling");
  CHECK(f.event.message() == "0/1 nodes are available: 1 Insufficient cpu.");
  CHECK(f.event.metadata().name() != e.metadata().name());  // same instant, still unique
}

TEST_CASE("events: a repeat of the same message counts on the same Event", "[scheduler]") {
  scheduler_event_recorder rec("i");
  auto p = pending_pod();
  const std::string m = "0/2 nodes are available: 2 node(s) had untolerated taint {k: v}.";
  auto a = rec.failed_scheduling(p, m, t0);
  auto b = rec.failed_scheduling(p, m, t0 + 5s);
  auto c = rec.failed_scheduling(p, m, t0 + 15s);
  CHECK_FALSE(a.repeat);
  CHECK(b.repeat);
  CHECK(c.repeat);
  CHECK(c.event.metadata().name() == a.event.metadata().name());
  CHECK(c.event.count() == 3);
  CHECK(c.event.firsttimestamp().seconds() == 1795737600);
  CHECK(c.event.lasttimestamp().seconds() == 1795737615);

  auto other = rec.failed_scheduling(p, "0/3 nodes are available: 3 Insufficient memory.", t0 + 20s);
  CHECK_FALSE(other.repeat);
  CHECK(other.event.count() == 1);
  CHECK(other.event.metadata().name() != a.event.metadata().name());

  CHECK(rec.pods() == 1);
  rec.forget("u1");
  CHECK(rec.pods() == 0);
  CHECK_FALSE(rec.failed_scheduling(p, m, t0 + 30s).repeat);
}

TEST_CASE("coalesced writes: one in flight per key, the latest value waits, a limit overall", "[scheduler]") {
  coalesced_writes<int> w(2);
  w.put("a", 1);
  w.put("b", 1);
  w.put("c", 1);
  auto first = w.start();
  REQUIRE(first.size() == 2);
  CHECK(first[0] == std::make_pair(std::string("a"), 1));
  CHECK(first[1] == std::make_pair(std::string("b"), 1));
  CHECK(w.start().empty());  // the limit
  w.put("a", 2);
  w.put("a", 3);              // replaces 2
  w.finished("b");
  auto second = w.start();     // c waited longer; a is still in flight
  REQUIRE(second.size() == 1);
  CHECK(second[0].first == "c");
  w.finished("a");
  auto third = w.start();
  REQUIRE(third.size() == 1);
  CHECK(third[0] == std::make_pair(std::string("a"), 3));
  w.put("d", 1);
  w.drop("d");
  CHECK(w.waiting() == 0);
  CHECK(w.in_flight() == 2);
}

TEST_CASE("scheduler metrics: kube-scheduler's names and labels", "[scheduler]") {
  auto registry = std::make_shared<prometheus::Registry>();
  scheduler_metrics m(registry);
  scheduler_metrics again(registry);  // a restarted actor's: the same series
  m.attempt(attempt_result::scheduled, 0.002);
  again.attempt(attempt_result::unschedulable, 0.001);
  m.rejections(std::map<std::string, size_t, std::less<>>{{"NodeAffinity", 3}, {"TaintToleration", 1}});
  m.rejected("NodeAffinity", 2);
  m.pending(4, 1, 2);
  m.bound_after(2, 0.5);
  auto text = prometheus::TextSerializer().Serialize(registry->Collect());
  CHECK_THAT(text, Catch::Contains(R"(scheduler_schedule_attempts_total{profile="default-scheduler",result="scheduled"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(scheduler_schedule_attempts_total{profile="default-scheduler",result="unschedulable"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(scheduler_schedule_attempts_total{profile="default-scheduler",result="error"} 0)"));
  CHECK_THAT(text, Catch::Contains(R"(scheduler_scheduling_attempt_duration_seconds_count{profile="default-scheduler",result="scheduled"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(troupe_scheduler_filter_rejections_total{plugin="NodeAffinity"} 5)"));
  CHECK_THAT(text, Catch::Contains(R"(troupe_scheduler_filter_rejections_total{plugin="TaintToleration"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(scheduler_pending_pods{queue="active"} 4)"));
  CHECK_THAT(text, Catch::Contains(R"(scheduler_pending_pods{queue="backoff"} 1)"));
  CHECK_THAT(text, Catch::Contains(R"(scheduler_pending_pods{queue="unschedulable"} 2)"));
  CHECK_THAT(text, Catch::Contains("scheduler_pod_scheduling_attempts_count 1"));
  CHECK_THAT(text, Catch::Contains(R"(scheduler_pod_scheduling_sli_duration_seconds_count{attempts="2"} 1)"));
}
