// What the scheduler's watch events mean for its cache and queue (issue 6): pending pods queue,
// bound pods count on their node, heartbeats change nothing, assumptions survive unbound
// updates, and a re-list forgets what went away.
#include <catch2/catch.hpp>

#include "actors/scheduler/watch_feed.hpp"

namespace v1 = troupe::core::v1;
using namespace troupe::scheduler;
using namespace std::chrono_literals;
using troupe::store::watch_event_type;

namespace {

const queue_time t0 = queue_time{} + std::chrono::seconds(1795737600);

std::shared_ptr<v1::Pod> pod(const std::string& uid, const std::string& node = "") {
  auto p = std::make_shared<v1::Pod>();
  p->mutable_metadata()->set_name("pod-" + uid);
  p->mutable_metadata()->set_namespace_("default");
  p->mutable_metadata()->set_uid(uid);
  (*p->mutable_metadata()->mutable_labels())["app"] = "web";
  auto* c = p->mutable_spec()->add_containers();
  c->set_name("app");
  (*c->mutable_resources()->mutable_requests())["cpu"].set_string("100m");
  p->mutable_spec()->set_nodename(node);
  p->mutable_status()->set_phase("Pending");
  return p;
}

std::shared_ptr<v1::Node> node(const std::string& name) {
  auto n = std::make_shared<v1::Node>();
  n->mutable_metadata()->set_name(name);
  (*n->mutable_metadata()->mutable_labels())["kubernetes.io/hostname"] = name;
  (*n->mutable_status()->mutable_allocatable())["cpu"].set_string("4");
  (*n->mutable_status()->mutable_allocatable())["pods"].set_string("110");
  return n;
}

struct fixture {
  scheduler_cache cache;
  scheduling_queue queue;
  watch_feed feed{cache, queue};

  feed_result apply(watched w, watch_event_type t, std::shared_ptr<const google::protobuf::Message> o) {
    feed_result r;
    feed.apply(w, t, o, t0, r);
    return r;
  }
  int64_t pods_on(const std::string& n) { return cache.info(n) ? cache.info(n)->pods : -1; }
};

} // namespace

TEST_CASE("watch feed: pending pods queue, bound pods count on their node", "[scheduler]") {
  fixture f;
  auto r = f.apply(watched::nodes, watch_event_type::added, node("n1"));
  CHECK(r.changes == node_added);
  CHECK(f.cache.node_count() == 1);

  r = f.apply(watched::pods, watch_event_type::added, pod("p1"));
  CHECK(f.queue.active() == 1);
  CHECK(r.pending == std::vector<std::string>{"p1"});
  CHECK(r.settled.empty());
  CHECK(r.changes == 0);
  CHECK(f.pods_on("n1") == 0);

  // The binding arrives: out of the queue, on the node, a change for pods waiting on peers.
  r = f.apply(watched::pods, watch_event_type::modified, pod("p1", "n1"));
  CHECK(f.queue.size() == 0);
  CHECK(r.settled == std::vector<std::string>{"p1"});
  CHECK(r.changes == assigned_pod_added);
  CHECK(f.pods_on("n1") == 1);

  // Its status updates settle nothing more; its end frees the node.
  auto running = pod("p1", "n1");
  running->mutable_status()->set_phase("Running");
  r = f.apply(watched::pods, watch_event_type::modified, running);
  CHECK(r.settled.empty());
  CHECK(r.changes == 0);
  r = f.apply(watched::pods, watch_event_type::deleted, running);
  CHECK(r.changes == assigned_pod_removed);
  CHECK(r.settled == std::vector<std::string>{"p1"});
  CHECK(f.pods_on("n1") == 0);
  CHECK_FALSE(f.feed.pod("p1"));
}

TEST_CASE("watch feed: pods the scheduler does not place leave the queue", "[scheduler]") {
  struct tc {
    const char* name;
    void (*change)(v1::Pod&);
  };
  std::vector<tc> cases = {
    {"being deleted", [](v1::Pod& p) { p.mutable_metadata()->mutable_deletiontimestamp()->set_seconds(1); }},
    {"another scheduler", [](v1::Pod& p) { p.mutable_spec()->set_schedulername("mine"); }},
    {"failed before binding", [](v1::Pod& p) { p.mutable_status()->set_phase("Failed"); }},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    fixture f;
    f.apply(watched::pods, watch_event_type::added, pod("p1"));
    auto changed = pod("p1");
    c.change(*changed);
    auto r = f.apply(watched::pods, watch_event_type::modified, changed);
    CHECK(f.queue.size() == 0);
    CHECK(r.settled == std::vector<std::string>{"p1"});
    CHECK(f.feed.pod("p1"));
  }
}

TEST_CASE("watch feed: an assumed pod keeps its place while its bind is in flight", "[scheduler]") {
  fixture f;
  f.apply(watched::nodes, watch_event_type::added, node("n1"));
  f.apply(watched::pods, watch_event_type::added, pod("p1"));
  auto q = f.queue.pop(t0);
  REQUIRE(q);
  f.cache.assume(q->pod, "n1");
  // The pod changes (still unbound) before the bind lands: the assumption holds.
  auto labelled = pod("p1");
  (*labelled->mutable_metadata()->mutable_labels())["tier"] = "front";
  f.apply(watched::pods, watch_event_type::modified, labelled);
  CHECK(f.cache.assumed("p1"));
  CHECK(f.pods_on("n1") == 1);
  CHECK(f.queue.in_flight() == 1);
  // The bound pod confirms it.
  f.apply(watched::pods, watch_event_type::modified, pod("p1", "n1"));
  CHECK_FALSE(f.cache.assumed("p1"));
  CHECK(f.pods_on("n1") == 1);
  CHECK(f.queue.size() == 0);
}

TEST_CASE("watch feed: node heartbeats change nothing, relabels and namespaces do", "[scheduler]") {
  fixture f;
  auto n1 = node("n1");
  f.apply(watched::nodes, watch_event_type::added, n1);
  const v1::Node* cached = f.cache.node("n1");
  auto beat = std::make_shared<v1::Node>(*n1);
  beat->mutable_status()->add_conditions()->set_type("Ready");
  auto r = f.apply(watched::nodes, watch_event_type::modified, beat);
  CHECK(r.changes == 0);
  CHECK(f.cache.node("n1") == cached);  // not applied
  auto relabelled = std::make_shared<v1::Node>(*beat);
  (*relabelled->mutable_metadata()->mutable_labels())["disk"] = "ssd";
  r = f.apply(watched::nodes, watch_event_type::modified, relabelled);
  CHECK(r.changes == node_labels_changed);
  CHECK(f.cache.node("n1")->metadata().labels().at("disk") == "ssd");
  r = f.apply(watched::nodes, watch_event_type::deleted, relabelled);
  CHECK(f.cache.node_count() == 0);

  auto ns = std::make_shared<v1::Namespace>();
  ns->mutable_metadata()->set_name("team-a");
  r = f.apply(watched::namespaces, watch_event_type::added, ns);
  CHECK(r.changes == namespace_labels_changed);
  r = f.apply(watched::namespaces, watch_event_type::modified, ns);
  CHECK(r.changes == 0);
}

TEST_CASE("watch feed: a re-list forgets what is no longer listed", "[scheduler]") {
  fixture f;
  f.apply(watched::nodes, watch_event_type::added, node("n1"));
  f.apply(watched::nodes, watch_event_type::added, node("n2"));
  f.apply(watched::pods, watch_event_type::added, pod("pending-kept"));
  f.apply(watched::pods, watch_event_type::added, pod("pending-gone"));
  f.apply(watched::pods, watch_event_type::added, pod("bound-gone", "n1"));
  REQUIRE(f.pods_on("n1") == 1);
  REQUIRE(f.queue.active() == 2);

  // The watches closed; the new lists lack n2, pending-gone and bound-gone.
  f.feed.list_started(watched::pods);
  f.feed.list_started(watched::nodes);
  feed_result r;
  f.feed.apply(watched::nodes, watch_event_type::added, node("n1"), t0, r);
  f.feed.apply(watched::pods, watch_event_type::added, pod("pending-kept"), t0, r);
  f.feed.list_complete(watched::nodes, t0, r);
  f.feed.list_complete(watched::pods, t0, r);
  CHECK(f.cache.node_count() == 1);
  CHECK(f.cache.node("n1"));
  CHECK(f.queue.active() == 1);
  CHECK(f.queue.find("pending-kept"));
  CHECK(f.pods_on("n1") == 0);
  CHECK(r.changes & assigned_pod_removed);
  CHECK(std::count(r.settled.begin(), r.settled.end(), "pending-gone") == 1);
  CHECK(std::count(r.settled.begin(), r.settled.end(), "bound-gone") == 1);
  CHECK(f.feed.pods() == 1);
  CHECK(f.feed.nodes() == 1);
}
