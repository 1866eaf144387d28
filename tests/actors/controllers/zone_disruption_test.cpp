// Zone disruption and the NoExecute tainting queue (zone_disruption.hpp), by table: the zone
// state from its nodes' readiness, the rate per state and size, the token bucket and the queue
// with a time argument, and handleDisruption's transitions (master disruption mode in and out).
#include "actors/controllers/zone_disruption.hpp"

#include <catch2/catch.hpp>

#include "tests/config/object_factories.hpp"

using namespace troupe;
using namespace troupe::controllers;

namespace {

constexpr int64_t t0 = 1795737600;

config::timestamp at_ms(int64_t ms) {
  return {t0 + ms / 1000, static_cast<int32_t>((ms % 1000) * 1000000)};
}

} // namespace

TEST_CASE("zone disruption: the zone state from its ready and not-ready nodes", "[lifecycle][zones]") {
  struct row {
    const char* name;
    int ready, not_ready;
    zone_state want;
  };
  const row rows[] = {
    {"all ready", 5, 0, zone_state::normal},
    {"one of three down", 2, 1, zone_state::normal},
    {"two of three down: not more than 2", 1, 2, zone_state::normal},
    {"all three down", 0, 3, zone_state::full_disruption},
    {"the only node down", 0, 1, zone_state::full_disruption},
    {"3 of 5 down: 0.6 >= 0.55", 2, 3, zone_state::partial_disruption},
    {"3 of 6 down: 0.5 < 0.55", 3, 3, zone_state::normal},
    {"11 of 20 down: exactly 0.55", 9, 11, zone_state::partial_disruption},
    {"10 of 20 down", 10, 10, zone_state::normal},
    {"no nodes", 0, 0, zone_state::normal},
  };
  zone_options o;
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(zone_state_name(compute_zone_state(r.ready, r.not_ready, o)) ==
          std::string(zone_state_name(r.want)));
  }
}

TEST_CASE("zone disruption: the tainting rate per state and zone size", "[lifecycle][zones]") {
  struct row {
    const char* name;
    zone_state state;
    int size;
    double want;
  };
  const row rows[] = {
    {"normal", zone_state::normal, 3, 0.1},
    {"partial, small zone: no tainting", zone_state::partial_disruption, 50, 0.0},
    {"partial, large zone: secondary rate", zone_state::partial_disruption, 51, 0.01},
    {"full (another zone is healthy): the normal rate", zone_state::full_disruption, 3, 0.1},
  };
  zone_options o;
  for (const auto& r : rows) {
    INFO(r.name);
    CHECK(zone_eviction_rate(r.state, r.size, o) == Approx(r.want));
  }
}

TEST_CASE("zone disruption: the zone label", "[lifecycle][zones]") {
  auto n = testing::make_node();
  CHECK(zone_of(n).empty());
  (*n.mutable_metadata()->mutable_labels())["failure-domain.beta.kubernetes.io/zone"] = "old";
  CHECK(zone_of(n) == "old");
  (*n.mutable_metadata()->mutable_labels())["topology.kubernetes.io/zone"] = "eu-1a";
  CHECK(zone_of(n) == "eu-1a");
}

TEST_CASE("zone disruption: a token bucket with burst 1, time as an argument", "[lifecycle][zones]") {
  token_bucket b(0.1, at_ms(0));
  CHECK(b.try_accept(at_ms(0)));  // full when made
  CHECK_FALSE(b.try_accept(at_ms(0)));
  CHECK_FALSE(b.try_accept(at_ms(9999)));
  CHECK(b.next_token(at_ms(9999)) == at_ms(10000));
  CHECK(b.try_accept(at_ms(10000)));
  // Idle for a minute: still one token only (burst 1).
  CHECK(b.try_accept(at_ms(70000)));
  CHECK_FALSE(b.try_accept(at_ms(70000)));
  token_bucket never(0.0, at_ms(0));
  CHECK_FALSE(never.try_accept(at_ms(0)));
  CHECK_FALSE(never.try_accept(at_ms(1000000)));
}

TEST_CASE("zone disruption: the tainting queue releases nodes in order at the zone's rate",
          "[lifecycle][zones]") {
  taint_queue q;
  q.set_rate(0.1, at_ms(0));
  CHECK(q.add("n2", at_ms(0)));
  CHECK(q.add("n1", at_ms(0)));   // same time: by name
  CHECK(q.add("n0", at_ms(5)));   // later
  CHECK_FALSE(q.add("n2", at_ms(6)));  // queued already: keeps its place
  CHECK(q.release(at_ms(10)) == std::vector<std::string>{"n1"});
  // The token was taken at 10 ms: the next one is there 10 s later.
  CHECK(q.next_release(at_ms(10)) == at_ms(10010));
  CHECK(q.release(at_ms(10009)).empty());
  CHECK(q.release(at_ms(10010)) == std::vector<std::string>{"n2"});
  CHECK(q.remove("n0"));  // came back Ready before its turn
  CHECK_FALSE(q.remove("n0"));
  CHECK(q.empty());
  CHECK(q.next_release(at_ms(10010)) == std::nullopt);

  // Rate 0 (a small zone in partial disruption, master disruption mode): nothing leaves.
  q.add("n3", at_ms(30000));
  q.set_rate(0.0, at_ms(30000));
  CHECK(q.release(at_ms(1000000)).empty());
  CHECK(q.next_release(at_ms(1000000)) == std::nullopt);
  // Back to normal: a new bucket, drained because the old one (rate 0) had no token: the first
  // node leaves one period later (SwapLimiter).
  q.set_rate(0.1, at_ms(1000000));
  CHECK(q.release(at_ms(1000000)).empty());
  CHECK(q.next_release(at_ms(1000000)) == at_ms(1010000));
  CHECK(q.release(at_ms(1010000)) == std::vector<std::string>{"n3"});
  // A change while the bucket has a token keeps one: the new bucket is full.
  q.add("n4", at_ms(1030000));
  q.set_rate(0.01, at_ms(1030000));  // 10 s passed: the 0.1/s bucket had its token again
  CHECK(q.release(at_ms(1030000)) == std::vector<std::string>{"n4"});
  // The same rate again changes nothing (the token taken stays taken).
  q.add("n5", at_ms(1030000));
  q.set_rate(0.01, at_ms(1030000));
  CHECK(q.release(at_ms(1030000)).empty());
}

TEST_CASE("zone disruption: handleDisruption's transitions", "[lifecycle][zones]") {
  using S = zone_state;
  struct row {
    const char* name;
    std::map<std::string, S> before;
    std::map<std::string, zone_health> now;
    std::map<std::string, S> want_states;
    std::map<std::string, double> want_rates;
    bool enter, exit;
    std::vector<std::string> want_log;
  };
  const std::string enter_line =
    "Controller detected that all Nodes are not-Ready. Entering master disruption mode.";
  const std::string exit_line =
    "Controller detected that some Nodes are Ready. Exiting master disruption mode.";
  const row rows[] = {
    {"a new healthy zone gets the normal rate", {}, {{"", {3, 0}}}, {{"", S::normal}},
     {{"", 0.1}}, false, false, {}},
    {"unchanged: no rate change", {{"", S::normal}}, {{"", {2, 1}}}, {{"", S::normal}}, {},
     false, false, {}},
    {"the only zone goes fully down: master disruption", {{"", S::normal}}, {{"", {0, 3}}},
     {{"", S::full_disruption}}, {{"", 0.0}}, true, false, {enter_line}},
    {"all down at the first pass: master disruption", {}, {{"a", {0, 2}}, {"b", {0, 1}}},
     {{"a", S::full_disruption}, {"b", S::full_disruption}}, {{"a", 0.0}, {"b", 0.0}}, true,
     false, {enter_line}},
    {"master disruption goes on", {{"", S::full_disruption}}, {{"", {0, 3}}},
     {{"", S::full_disruption}}, {}, false, false, {}},
    {"one node back: exit, every zone its state's rate",
     {{"a", S::full_disruption}, {"b", S::full_disruption}}, {{"a", {1, 2}}, {"b", {0, 1}}},
     {{"a", S::normal}, {"b", S::full_disruption}}, {{"a", 0.1}, {"b", 0.1}}, false, true,
     {exit_line}},
    {"one zone fully down while another is healthy: the normal rate",
     {{"a", S::normal}, {"b", S::normal}}, {{"a", {3, 0}}, {"b", {0, 3}}},
     {{"a", S::normal}, {"b", S::full_disruption}}, {{"b", 0.1}}, false, false,
     {"Controller detected that zone is now in new state zone=\"b\" newState=\"FullDisruption\""}},
    {"partial disruption of a small zone stops tainting", {{"", S::normal}}, {{"", {2, 3}}},
     {{"", S::partial_disruption}}, {{"", 0.0}}, false, false,
     {"Controller detected that zone is now in new state zone=\"\" newState=\"PartialDisruption\""}},
    {"partial disruption of a large zone: the secondary rate", {{"", S::normal}},
     {{"", {20, 40}}}, {{"", S::partial_disruption}}, {{"", 0.01}}, false, false,
     {"Controller detected that zone is now in new state zone=\"\" newState=\"PartialDisruption\""}},
    {"a zone gone is dropped", {{"a", S::normal}, {"b", S::normal}}, {{"a", {1, 0}}},
     {{"a", S::normal}}, {}, false, false, {}},
    {"no nodes at all: nothing", {}, {}, {}, {}, false, false, {}},
  };
  zone_options o;
  for (const auto& r : rows) {
    INFO(r.name);
    auto plan = plan_disruption(r.before, r.now, o);
    CHECK(plan.states == r.want_states);
    CHECK(plan.rates == r.want_rates);
    CHECK(plan.enter_master_disruption == r.enter);
    CHECK(plan.exit_master_disruption == r.exit);
    CHECK(plan.log == r.want_log);
  }
}
