// NoExecute taint-based eviction (taint_eviction.hpp), by table: which taints count, the first
// tolerating toleration per taint, tolerationSeconds from timeAdded, the pod status before the
// delete, and which pods are still to act on.
#include "actors/controllers/taint_eviction.hpp"

#include <catch2/catch.hpp>

#include "tests/config/object_factories.hpp"

using namespace troupe;
using namespace troupe::controllers;

namespace {

namespace v1 = troupe::core::v1;

constexpr int64_t t0 = 1795737600;

config::timestamp at(int64_t offset) { return {t0 + offset, 0}; }

struct taint_spec {
  std::string key;
  std::string effect = "NoExecute";
  std::optional<int64_t> added = 0;  // offset from t0; nullopt: no timeAdded
  std::string value;
};

struct toleration_spec {
  std::string key;                     // "" with Exists: every key
  std::string op = "Exists";
  std::string effect = "NoExecute";    // "": every effect
  std::optional<int64_t> seconds;      // nullopt: forever
  std::string value;
};

google::protobuf::RepeatedPtrField<v1::Taint> taints(const std::vector<taint_spec>& specs) {
  google::protobuf::RepeatedPtrField<v1::Taint> out;
  for (const auto& s : specs) {
    auto* t = out.Add();
    t->set_key(s.key);
    t->set_effect(s.effect);
    if (!s.value.empty())
      t->set_value(s.value);
    if (s.added)
      t->mutable_timeadded()->set_seconds(t0 + *s.added);
  }
  return out;
}

google::protobuf::RepeatedPtrField<v1::Toleration> tolerations(
  const std::vector<toleration_spec>& specs) {
  google::protobuf::RepeatedPtrField<v1::Toleration> out;
  for (const auto& s : specs) {
    auto* t = out.Add();
    if (!s.key.empty())
      t->set_key(s.key);
    t->set_operator_(s.op);
    if (!s.effect.empty())
      t->set_effect(s.effect);
    if (!s.value.empty())
      t->set_value(s.value);
    if (s.seconds)
      t->set_tolerationseconds(*s.seconds);
  }
  return out;
}

const char* unreachable = "node.kubernetes.io/unreachable";
const char* not_ready = "node.kubernetes.io/not-ready";

// The admission defaults: not-ready and unreachable, NoExecute, 300 s.
std::vector<toleration_spec> defaults(int64_t seconds = 300) {
  return {{not_ready, "Exists", "NoExecute", seconds}, {unreachable, "Exists", "NoExecute", seconds}};
}

} // namespace

TEST_CASE("decide_eviction", "[lifecycle]") {
  using d = eviction_decision;
  struct row {
    const char* name;
    std::vector<taint_spec> node_taints;
    std::vector<toleration_spec> pod_tolerations;
    int64_t now;
    eviction_decision expected;
  };
  const row rows[] = {
    {"no taints: keep", {}, defaults(), 10, d::keep()},
    {"only NoSchedule/PreferNoSchedule taints: keep",
     {{unreachable, "NoSchedule"}, {"x", "PreferNoSchedule"}}, {}, 10, d::keep()},
    {"untolerated NoExecute taint: now", {{"dedicated", "NoExecute", 0, "db"}}, defaults(), 10,
     d::now()},
    {"no tolerations at all: now", {{unreachable}}, {}, 0, d::now()},
    {"default 300 s: at timeAdded + 300", {{unreachable, "NoExecute", 20}}, defaults(), 30,
     d::later(at(320))},
    {"300 s passed exactly: now", {{unreachable, "NoExecute", 20}}, defaults(), 320, d::now()},
    {"fast profile 5 s", {{unreachable, "NoExecute", 20}}, defaults(5), 21, d::later(at(25))},
    {"toleration without seconds: forever (DaemonSet pods)", {{unreachable}},
     {{not_ready}, {unreachable}}, 100000, d::keep()},
    {"tolerationSeconds 0: now", {{unreachable}}, {{unreachable, "Exists", "NoExecute", 0}}, 0,
     d::now()},
    {"negative tolerationSeconds: now", {{unreachable}}, {{unreachable, "Exists", "NoExecute", -5}},
     0, d::now()},
    {"two taints: the earliest deadline wins",
     {{unreachable, "NoExecute", 0}, {"maintenance", "NoExecute", 100}},
     {{unreachable, "Exists", "NoExecute", 300}, {"maintenance", "Exists", "NoExecute", 60}}, 10,
     d::later(at(160))},
    {"two taints, one untolerated: now",
     {{unreachable, "NoExecute", 0}, {"maintenance", "NoExecute", 100}}, defaults(), 10, d::now()},
    {"first tolerating toleration counts: a forever Exists first", {{unreachable}},
     {{"", "Exists", "", std::nullopt}, {unreachable, "Exists", "NoExecute", 5}}, 10, d::keep()},
    {"first tolerating toleration counts: a forever Exists last", {{unreachable}},
     {{unreachable, "Exists", "NoExecute", 5}, {"", "Exists", "", std::nullopt}}, 1,
     d::later(at(5))},
    {"Equal needs the value", {{"team", "NoExecute", 0, "a"}},
     {{"team", "Equal", "NoExecute", 30, "b"}}, 1, d::now()},
    {"Equal with the value", {{"team", "NoExecute", 0, "a"}},
     {{"team", "Equal", "NoExecute", 30, "a"}}, 1, d::later(at(30))},
    {"a NoSchedule toleration does not tolerate NoExecute", {{unreachable}},
     {{unreachable, "Exists", "NoSchedule", std::nullopt}}, 1, d::now()},
    {"no timeAdded: counted from when first seen (t0 + 50)", {{unreachable, "NoExecute", std::nullopt}},
     defaults(), 60, d::later(at(350))},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto got = decide_eviction(taints(r.node_taints), tolerations(r.pod_tolerations), at(r.now),
                               at(50));
    CHECK(static_cast<int>(got.what) == static_cast<int>(r.expected.what));
    if (r.expected.what == eviction_decision::action::evict_at)
      CHECK(got.at.seconds - t0 == r.expected.at.seconds - t0);
  }
}

TEST_CASE("evictable: bound, alive, not finished", "[lifecycle]") {
  auto pod = testing::make_pod();
  CHECK_FALSE(evictable(pod));  // not bound
  pod.mutable_spec()->set_nodename("node-1");
  CHECK(evictable(pod));
  auto done = pod;
  done.mutable_status()->set_phase("Succeeded");
  CHECK_FALSE(evictable(done));
  done.mutable_status()->set_phase("Failed");
  CHECK_FALSE(evictable(done));
  auto deleting = pod;
  deleting.mutable_metadata()->mutable_deletiontimestamp()->set_seconds(t0);
  CHECK_FALSE(evictable(deleting));
}

TEST_CASE("evicted_pod_status: DisruptionTarget, and NodeLost for an unreachable node",
          "[lifecycle]") {
  auto pod = testing::make_pod();
  pod.mutable_metadata()->set_name("web");
  pod.mutable_status()->set_phase("Running");

  auto lost = evicted_pod_status(pod, "node2", true, at(9));
  REQUIRE(lost);
  CHECK(lost->status().reason() == "NodeLost");
  CHECK(lost->status().message() == "Node node2 which was running pod web is unresponsive");
  CHECK(lost->status().phase() == "Running");  // kubectl shows Unknown from reason + deletion
  REQUIRE(lost->status().conditions_size() == 1);
  const auto& c = lost->status().conditions(0);
  CHECK(c.type() == "DisruptionTarget");
  CHECK(c.status() == "True");
  CHECK(c.reason() == "DeletionByTaintManager");
  CHECK(c.message() == "Taint manager: deleting due to NoExecute taint");
  CHECK(c.lasttransitiontime().seconds() == t0 + 9);
  CHECK_FALSE(evicted_pod_status(*lost, "node2", true, at(12)));  // nothing more to write

  auto tainted = evicted_pod_status(pod, "node2", false, at(9));  // a user's NoExecute taint
  REQUIRE(tainted);
  CHECK(tainted->status().reason().empty());
  CHECK(tainted->status().conditions_size() == 1);
}
