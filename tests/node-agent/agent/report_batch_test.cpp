// Coalescing pod reports and naming events (node-agent/agent/report_batch.hpp), and which pod
// actors a pods_atom starts, updates and kills (pod_assignment.hpp).
#include <catch2/catch.hpp>

#include "node-agent/agent/pod_assignment.hpp"
#include "node-agent/agent/report_batch.hpp"
#include "node-agent/runtime/runtime_labels.hpp"

using namespace troupe::node_agent;
namespace v1 = troupe::core::v1;

namespace {

std::shared_ptr<const v1::Pod> make_pod(const std::string& name, const std::string& uid,
                                        const std::string& phase = "Running") {
  auto p = std::make_shared<v1::Pod>();
  p->mutable_metadata()->set_name(name);
  p->mutable_metadata()->set_namespace_("default");
  p->mutable_metadata()->set_uid(uid);
  p->mutable_status()->set_phase(phase);
  return p;
}

v1::Event make_event(const std::string& pod, const std::string& reason) {
  v1::Event e;
  e.mutable_involvedobject()->set_kind("Pod");
  e.mutable_involvedobject()->set_name(pod);
  e.mutable_involvedobject()->set_namespace_("default");
  e.set_reason(reason);
  e.mutable_source()->set_host("node1");
  return e;
}

v1::Pod parse_pod(const std::string& bytes) {
  v1::Pod p;
  REQUIRE(p.ParseFromString(bytes));
  return p;
}

v1::Event parse_event(const std::string& bytes) {
  v1::Event e;
  REQUIRE(e.ParseFromString(bytes));
  return e;
}

} // namespace

TEST_CASE("report_batch: latest status per uid wins, events are appended", "[node]") {
  report_batch b;
  CHECK(b.empty());
  b.add("u1", make_pod("web", "u1", "Pending"), {make_event("web", "Pulling")}, false);
  b.add("u1", make_pod("web", "u1", "Running"), {make_event("web", "Started")}, false);
  b.add("u2", nullptr, {make_event("db", "BackOff")}, false);
  CHECK(b.pending_pods() == 2);
  auto p = b.take(0x17a0000000000000);
  REQUIRE(p.statuses.size() == 1);
  CHECK(parse_pod(p.statuses[0]).status().phase() == "Running");
  REQUIRE(p.events.size() == 3);
  auto first = parse_event(p.events[0]);
  CHECK(first.reason() == "Pulling");
  CHECK(first.metadata().name() == "web.17a0000000000000");
  CHECK(first.metadata().namespace_() == "default");
  CHECK(first.reportingcomponent() == "kubelet");
  CHECK(first.reportinginstance() == "node1");
  // Same nanosecond: the next name is one higher, never a duplicate.
  CHECK(parse_event(p.events[1]).metadata().name() == "web.17a0000000000001");
  CHECK(parse_event(p.events[2]).metadata().name() == "db.17a0000000000002");
  CHECK(b.empty());
  CHECK(b.take(1).statuses.empty());
}

TEST_CASE("report_batch: a re-register sends every live pod's last status again", "[node]") {
  report_batch b;
  b.add("u1", make_pod("web", "u1"), {}, false);
  b.add("u2", make_pod("db", "u2"), {}, false);
  b.take(1);
  b.add("u2", nullptr, {}, true);  // finished: forgotten
  b.take(2);
  b.requeue_all();
  auto p = b.take(3);
  REQUIRE(p.statuses.size() == 1);
  CHECK(parse_pod(p.statuses[0]).metadata().uid() == "u1");
}

TEST_CASE("report_batch: a finished pod carries deletionTimestamp and its identity", "[node]") {
  report_batch b;
  b.add("u1", make_pod("web", "u1"), {}, false);
  b.take(1);
  auto deleting = std::make_shared<v1::Pod>(*make_pod("web", "u1"));
  deleting->mutable_metadata()->mutable_deletiontimestamp()->set_seconds(1700000000);
  b.add("u1", nullptr, {}, true, deleting.get());
  auto p = b.take(2);
  REQUIRE(p.statuses.size() == 1);
  auto pod = parse_pod(p.statuses[0]);
  CHECK(pod.metadata().name() == "web");
  CHECK(pod.metadata().namespace_() == "default");
  CHECK(pod.metadata().uid() == "u1");
  CHECK(pod.metadata().deletiontimestamp().seconds() == 1700000000);
  CHECK(pod.status().phase() == "Running");  // the last status it had

  // A finished status without a deletionTimestamp (kill_atom: the object is gone) gets one.
  b.add("u3", make_pod("job", "u3", "Succeeded"), {}, true);
  auto q = b.take(int64_t{1800000000} * 1'000'000'000);
  REQUIRE(q.statuses.size() == 1);
  CHECK(parse_pod(q.statuses[0]).metadata().deletiontimestamp().seconds() == 1800000000);
  b.requeue_all();
  CHECK(b.empty());
}

TEST_CASE("report_batch: node status goes once", "[node]") {
  report_batch b;
  b.set_node_status("abc");
  CHECK_FALSE(b.empty());
  CHECK(b.take(1).node_status == "abc");
  CHECK(b.take(2).node_status.empty());
}

TEST_CASE("plan_pod_set: full and incremental sets", "[node]") {
  auto a = make_pod("a", "ua"), b = make_pod("b", "ub"), c = make_pod("c", "uc");
  struct row {
    const char* name;
    std::set<std::string> actors;
    std::vector<std::shared_ptr<const v1::Pod>> pods;
    std::vector<std::string> removed;
    bool full;
    std::vector<std::string> spawn, update, kill;
  };
  const std::vector<row> rows = {
    {"first full set", {}, {a, b}, {}, true, {"ua", "ub"}, {}, {}},
    {"full set: new, known, gone", {"ua", "ux"}, {a, c}, {}, true, {"uc"}, {"ua"}, {"ux"}},
    {"empty full set kills all", {"ua", "ub"}, {}, {}, true, {}, {}, {"ua", "ub"}},
    {"incremental keeps others", {"ua", "ub"}, {c}, {}, false, {"uc"}, {}, {}},
    {"incremental removal", {"ua", "ub"}, {}, {"ub", "unknown"}, false, {}, {}, {"ub"}},
    {"duplicate uid: first wins", {}, {a, a}, {}, true, {"ua"}, {}, {}},
  };
  auto uids = [](const std::vector<std::shared_ptr<const v1::Pod>>& pods) {
    std::vector<std::string> out;
    for (const auto& p : pods)
      out.push_back(p->metadata().uid());
    return out;
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto plan = plan_pod_set(r.actors, r.pods, r.removed, r.full);
    CHECK(uids(plan.spawn) == r.spawn);
    CHECK(uids(plan.update) == r.update);
    CHECK(plan.kill == r.kill);
  }
}

TEST_CASE("orphan_sandboxes: this node's, neither bound nor driven", "[node]") {
  namespace labels = runtime::labels;
  auto sandbox = [](std::string id, std::string uid, std::string node,
                    std::string managed = labels::managed_by_value) {
    runtime::sandbox_info s;
    s.id = id;
    s.uid = uid;
    s.labels = {{labels::managed_by, managed}, {labels::node_name, node},
                {labels::pod_uid, uid}};
    return s;
  };
  std::vector<runtime::sandbox_info> sandboxes = {
    sandbox("s1", "bound", "node1"),     sandbox("s2", "driven", "node1"),
    sandbox("s3", "gone", "node1"),      sandbox("s4", "gone2", "node2"),
    sandbox("s5", "gone3", "node1", "someone-else"), sandbox("s0", "gone4", "node1"),
  };
  CHECK(orphan_sandboxes(sandboxes, "node1", {"bound"}, {"driven"}) ==
        std::vector<std::string>{"s0", "s3"});
}
