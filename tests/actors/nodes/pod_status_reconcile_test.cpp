// The session's needsReconcile (pod_status_reconcile.hpp), by table: which differences between a
// stored pod and the agent's last report make the session write the report again.
#include "actors/nodes/pod_status_reconcile.hpp"

#include <catch2/catch.hpp>

#include <functional>

using namespace troupe;

namespace {

namespace v1 = troupe::core::v1;

v1::Pod reported_pod() {
  v1::Pod p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("default");
  p.mutable_metadata()->set_uid("u1");
  p.mutable_spec()->set_nodename("n1");
  auto* s = p.mutable_status();
  s->set_phase("Running");
  s->set_podip("10.0.0.5");
  for (const char* type : {"PodScheduled", "Initialized", "ContainersReady", "Ready"}) {
    auto* c = s->add_conditions();
    c->set_type(type);
    c->set_status("True");
    c->mutable_lasttransitiontime()->set_seconds(100);
  }
  s->add_containerstatuses()->set_name("app");
  return p;
}

v1::PodCondition* condition(v1::Pod& p, const std::string& type) {
  for (auto& c : *p.mutable_status()->mutable_conditions())
    if (c.type() == type)
      return &c;
  return nullptr;
}

} // namespace

TEST_CASE("pod status reconcile: what counts as drift from the agent's report", "[nodes][session]") {
  struct row {
    const char* name;
    std::function<void(v1::Pod&)> change;  // applied to the stored pod
    bool drifted;
  };
  const row rows[] = {
    {"the same", [](v1::Pod&) {}, false},
    {"Ready=False by the node lifecycle controller (MarkPodsNotReady)",
     [](v1::Pod& p) {
       condition(p, "Ready")->set_status("False");
       condition(p, "Ready")->mutable_lasttransitiontime()->set_seconds(200);
     },
     true},
    {"only a condition's times differ",
     [](v1::Pod& p) { condition(p, "Ready")->mutable_lasttransitiontime()->set_seconds(300); },
     false},
    {"a condition's reason differs",
     [](v1::Pod& p) { condition(p, "ContainersReady")->set_reason("ContainersNotReady"); }, true},
    {"a condition the agent owns is missing",
     [](v1::Pod& p) { p.mutable_status()->mutable_conditions()->RemoveLast(); }, true},
    {"a condition others own is added (DisruptionTarget)",
     [](v1::Pod& p) {
       auto* c = p.mutable_status()->add_conditions();
       c->set_type("DisruptionTarget");
       c->set_status("True");
     },
     false},
    {"the phase differs", [](v1::Pod& p) { p.mutable_status()->set_phase("Unknown"); }, true},
    {"status.reason differs", [](v1::Pod& p) { p.mutable_status()->set_reason("NodeLost"); }, true},
    {"a container status differs",
     [](v1::Pod& p) { p.mutable_status()->mutable_containerstatuses(0)->set_ready(true); }, true},
    {"being deleted: the agent's final report settles it",
     [](v1::Pod& p) {
       p.mutable_status()->set_reason("NodeLost");
       p.mutable_metadata()->mutable_deletiontimestamp()->set_seconds(500);
     },
     false},
    {"another pod of the same name (uid differs)",
     [](v1::Pod& p) {
       p.mutable_metadata()->set_uid("u2");
       p.mutable_status()->set_phase("Pending");
     },
     false},
    {"bound to another node",
     [](v1::Pod& p) {
       p.mutable_spec()->set_nodename("n2");
       p.mutable_status()->set_phase("Pending");
     },
     false},
  };
  const auto reported = reported_pod();
  for (const auto& r : rows) {
    INFO(r.name);
    auto stored = reported_pod();
    r.change(stored);
    CHECK(nodes::pod_status_drifted(stored, reported, "n1") == r.drifted);
  }
}
