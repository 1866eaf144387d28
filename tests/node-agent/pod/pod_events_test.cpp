#include <catch2/catch.hpp>

#include "node-agent/pod/pod_events.hpp"

namespace pod = troupe::node_agent::pod;
namespace v1 = troupe::core::v1;
using namespace std::chrono_literals;

namespace {

v1::Pod make_pod() {
  v1::Pod p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("default");
  p.mutable_metadata()->set_uid("u-1");
  return p;
}

const pod::event_time t0 = pod::event_time{} + std::chrono::seconds(1714557600);

} // namespace

TEST_CASE("go_duration prints durations as Go's time.Duration does", "[podactor]") {
  struct row {
    std::chrono::milliseconds in;
    std::string out;
  };
  for (const auto& r : std::vector<row>{{0ms, "0s"},
                                        {350ms, "350ms"},
                                        {1000ms, "1s"},
                                        {1200ms, "1.2s"},
                                        {1234ms, "1.234s"},
                                        {1050ms, "1.05s"},
                                        {59'999ms, "59.999s"},
                                        {60'000ms, "1m0s"},
                                        {123'500ms, "2m3.5s"},
                                        {3'600'000ms, "1h0m0s"}}) {
    INFO(r.in.count());
    CHECK(pod::go_duration(r.in) == r.out);
  }
}

TEST_CASE("make_pod_event fills the involved object, source and times as the kubelet",
          "[podactor]") {
  auto e = pod::make_pod_event(make_pod(), {"init", true}, "Normal", "Started",
                               pod::wording::started("init"), "node1", t0);
  CHECK(e.metadata().namespace_() == "default");
  CHECK(e.involvedobject().kind() == "Pod");
  CHECK(e.involvedobject().apiversion() == "v1");
  CHECK(e.involvedobject().name() == "web");
  CHECK(e.involvedobject().uid() == "u-1");
  CHECK(e.involvedobject().fieldpath() == "spec.initContainers{init}");
  CHECK(e.message() == "Started container init");
  CHECK(e.source().component() == "kubelet");
  CHECK(e.source().host() == "node1");
  CHECK(e.count() == 1);
  CHECK(e.firsttimestamp().seconds() == 1714557600);
  auto pod_level = pod::make_pod_event(make_pod(), {}, "Warning", "FailedCreatePodSandBox", "x",
                                       "node1", t0);
  CHECK_FALSE(pod_level.involvedobject().has_fieldpath());
  auto app = pod::make_pod_event(make_pod(), {"app", false}, "Normal", "Pulled", "x", "n", t0);
  CHECK(app.involvedobject().fieldpath() == "spec.containers{app}");
}

TEST_CASE("event_recorder coalesces identical events with a count and the last time",
          "[podactor]") {
  pod::event_recorder rec;
  auto p = make_pod();
  auto backoff = [&](pod::event_time t) {
    return pod::make_pod_event(p, {"app", false}, "Warning", "BackOff",
                               pod::wording::back_off_restart(p, "app"), "node1", t);
  };
  rec.record(backoff(t0), t0);
  rec.record(pod::make_pod_event(p, {"app", false}, "Normal", "Started", "Started container app",
                                 "node1", t0),
             t0);
  rec.record(backoff(t0 + 10s), t0 + 10s);
  auto first = rec.take();
  REQUIRE(first.size() == 2);
  CHECK(first[0].reason() == "BackOff");
  CHECK(first[0].message() == "Back-off restarting failed container app in pod web_default(u-1)");
  CHECK(first[0].count() == 2);
  CHECK(first[0].firsttimestamp().seconds() == 1714557600);
  CHECK(first[0].lasttimestamp().seconds() == 1714557610);
  CHECK(first[1].count() == 1);
  CHECK_FALSE(rec.has_pending());
  CHECK(rec.take().empty());
  // Later repeats keep counting: the parent updates the same Event.
  rec.record(backoff(t0 + 30s), t0 + 30s);
  auto second = rec.take();
  REQUIRE(second.size() == 1);
  CHECK(second[0].count() == 3);
  CHECK(second[0].lasttimestamp().seconds() == 1714557630);
  // Named once, like the kubelet's <pod>.<hex ns>: the repeat updates the same Event.
  CHECK(first[0].metadata().name().rfind(p.metadata().name() + ".", 0) == 0);
  CHECK(first[0].metadata().name().size() == p.metadata().name().size() + 17);
  CHECK(second[0].metadata().name() == first[0].metadata().name());
  CHECK(first[1].metadata().name() != first[0].metadata().name());  // same time, unique names
  // The same text on another container is another event.
  rec.record(pod::make_pod_event(p, {"side", false}, "Warning", "BackOff",
                                 pod::wording::back_off_restart(p, "app"), "node1", t0),
             t0);
  CHECK(rec.take()[0].count() == 1);
}

TEST_CASE("event wording is the kubelet's", "[podactor]") {
  CHECK(pod::wording::pulling("busybox:1.30") == "Pulling image \"busybox:1.30\"");
  CHECK(pod::wording::pulled("busybox:1.30", 1200ms) ==
        "Successfully pulled image \"busybox:1.30\" in 1.2s (1.2s including waiting)");
  CHECK(pod::wording::already_present("busybox:1.30") ==
        "Container image \"busybox:1.30\" already present on machine");
  CHECK(pod::wording::failed_pull("nope:1", "rpc error: code = NotFound desc = x") ==
        "Failed to pull image \"nope:1\": rpc error: code = NotFound desc = x");
  CHECK(pod::wording::created("app") == "Created container: app");
  CHECK(pod::wording::stopping("app") == "Stopping container app");
  CHECK(pod::wording::liveness_restart("app") ==
        "Container app failed liveness probe, will be restarted");
  CHECK(pod::wording::probe_failed("Liveness", "HTTP probe failed with statuscode: 404") ==
        "Liveness probe failed: HTTP probe failed with statuscode: 404");
}
