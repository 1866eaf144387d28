// The controllers' Event helpers (actors/controllers/lifecycle_events.hpp): a recorder never uses
// the same Event time twice (names carry it), and the node status Event is worded as Kubernetes.
#include <catch2/catch.hpp>

#include "actors/controllers/lifecycle_events.hpp"

namespace troupe::testing {

using namespace troupe::controllers;

TEST_CASE("controller events: event times are unique per recorder, also on a clock that stands still",
          "[unit][controllers]") {
  int64_t last = 0;
  const config::timestamp t{1000, 500};
  CHECK(unique_event_time(t, last).nanos == 500);
  auto second = unique_event_time(t, last);  // the clock did not move
  CHECK(second.seconds == 1000);
  CHECK(second.nanos == 501);
  auto earlier = unique_event_time({999, 0}, last);  // nor backwards
  CHECK(earlier.nanos == 502);
  // At a second's last nanosecond the next one carries over.
  int64_t edge = 1000 * 1000000000LL + 999999999;
  auto carried = unique_event_time({1000, 999999999}, edge);
  CHECK(carried.seconds == 1001);
  CHECK(carried.nanos == 0);
  // A clock that moved on is taken as it is.
  auto later = unique_event_time({2000, 7}, last);
  CHECK(later.seconds == 2000);
  CHECK(later.nanos == 7);

  core::v1::Node node;
  node.mutable_metadata()->set_name("n1");
  auto e = node_status_event(node, "NodeNotReady", later);
  CHECK(e.reason() == "NodeNotReady");
  CHECK(e.message() == "Node n1 status is now: NodeNotReady");
  CHECK(e.type() == "Normal");
}

} // namespace troupe::testing
