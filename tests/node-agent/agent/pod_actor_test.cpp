// The pod actor on the fake runtime: init containers, restart policies with crash backoff, image
// pulls, start errors (fixture: pod_actor_fixture.hpp).
#include "tests/node-agent/agent/pod_actor_fixture.hpp"

using namespace pod_actor_testing;

TEST_CASE("pod actor: init containers run in order and the app waits", "[podactor]") {
  fixture f;
  f.fake().set_behavior("init1", exits(60ms, 0));
  f.fake().set_behavior("init2", exits(60ms, 0));
  f.spawn(make_pod({{"initContainers", {container("init1"), container("init2")}},
                    {"containers", {container("app")}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    return s.phase() == "Running" && condition(s, "Initialized") == "True";
  }));
  // While init1 ran, the app waited with PodInitializing.
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* i1 = find_status(s, "init1");
    const auto* app = find_status(s, "app");
    return i1 && i1->state().has_running() && app &&
           app->state().waiting().reason() == "PodInitializing";
  }));
  long i1 = f.call_index("StartContainer p/init1#0");
  long c2 = f.call_index("CreateContainer p/init2#0");
  long i2 = f.call_index("StartContainer p/init2#0");
  long app = f.call_index("CreateContainer p/app#0");
  CHECK(i1 >= 0);
  CHECK(i1 < c2);
  CHECK(c2 < i2);
  CHECK(i2 < app);
  auto s = f.latest();
  CHECK(find_status(s, "init2")->state().terminated().reason() == "Completed");
  CHECK(s.podip() == "10.88.0.2");
  CHECK(s.hostip() == "192.168.1.10");
  CHECK(s.has_starttime());
  CHECK(f.wait_event("Started", "Started container app"));
  CHECK(f.wait_event("Created", "Created container: init1"));
  CHECK(f.wait_event("Pulled", "Container image \"busybox:1.30\" already present on machine"));
}

TEST_CASE("pod actor: a failing init container under OnFailure restarts with backoff",
          "[podactor]") {
  fixture f;
  f.fake().set_behavior("init", exits(30ms, 1));
  f.spawn(make_pod({{"restartPolicy", "OnFailure"},
                    {"initContainers", {container("init")}},
                    {"containers", {container("app")}}}));
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* i = find_status(s, "init");
    return i && i->state().terminated().reason() == "Error";  // Init:Error
  }));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* i = find_status(s, "init");
    return i && i->state().waiting().reason() == "CrashLoopBackOff" &&  // Init:CrashLoopBackOff
           i->restartcount() >= 1 && i->laststate().terminated().exitcode() == 1;
  }));
  auto s = f.latest();
  CHECK(s.phase() == "Pending");
  CHECK(f.count_calls("CreateContainer p/app") == 0);
  CHECK(f.wait_event("BackOff", "Back-off restarting failed container init in pod p_default(uid-p)"));
}

TEST_CASE("pod actor: a failing init container under Never fails the pod", "[podactor]") {
  fixture f;
  f.fake().set_behavior("init", exits(30ms, 2));
  f.spawn(make_pod({{"restartPolicy", "Never"},
                    {"initContainers", {container("init")}},
                    {"containers", {container("app")}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Failed"; }));
  std::this_thread::sleep_for(200ms);
  CHECK(f.count_calls("StartContainer p/init") == 1);
  CHECK(f.count_calls("CreateContainer p/app") == 0);
}

TEST_CASE("pod actor: an app container under Always restarts with growing backoff",
          "[podactor]") {
  fixture f;
  f.fake().set_behavior("app", exits(20ms, 0));
  f.spawn(make_pod({{"containers", {container("app")}}}));
  REQUIRE(f.wait_status(
    [](const v1::PodStatus& s) {
      const auto* a = find_status(s, "app");
      return a && a->restartcount() >= 3;
    },
    10s));
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->state().waiting().reason() == "CrashLoopBackOff" &&
           a->laststate().terminated().reason() == "Completed";
  }));
  // The first exit restarts at once, then 200 ms, then 400 ms (each run lasts 20 ms).
  auto restarts = [&](int n) {
    return f.first_time([n](const v1::PodStatus& s) {
      const auto* a = find_status(s, "app");
      return a && a->restartcount() >= n && a->state().has_running();
    });
  };
  int64_t r1 = restarts(1), r2 = restarts(2), r3 = restarts(3);
  REQUIRE(r1 > 0);
  REQUIRE(r2 > r1);
  REQUIRE(r3 > r2);
  CHECK(r2 - r1 >= 200'000'000);
  CHECK(r3 - r2 >= 400'000'000);
  CHECK(r3 - r2 > r2 - r1);
  CHECK(f.latest().phase() == "Running");
  CHECK(f.wait_event("BackOff", "Back-off restarting failed container app"));
}

TEST_CASE("pod actor: OnFailure restarts only non-zero exits", "[podactor]") {
  fixture f;
  f.fake().set_behavior("good", exits(20ms, 0));
  f.fake().set_behavior("bad", exits(20ms, 3));
  f.spawn(make_pod({{"restartPolicy", "OnFailure"},
                    {"containers", {container("good"), container("bad")}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* b = find_status(s, "bad");
    return b && b->restartcount() >= 2;
  }));
  auto s = f.latest();
  CHECK(find_status(s, "good")->restartcount() == 0);
  CHECK(find_status(s, "good")->state().terminated().reason() == "Completed");
  CHECK(f.count_calls("StartContainer p/good") == 1);
}

TEST_CASE("pod actor: restartPolicy Never leaves the pod Failed or Succeeded", "[podactor]") {
  fixture f;
  f.fake().set_behavior("fails", exits(20ms, 1));
  f.fake().set_behavior("works", exits(20ms, 0));
  f.spawn(make_pod({{"restartPolicy", "Never"}, {"containers", {container("fails")}}}, "p1"));
  f.spawn(make_pod({{"restartPolicy", "Never"}, {"containers", {container("works")}}}, "p2"));
  REQUIRE(f.wait_for([](const na::pod_report& r) {
    return r.uid == "uid-p1" && r.status && r.status->status().phase() == "Failed";
  }));
  REQUIRE(f.wait_for([](const na::pod_report& r) {
    return r.uid == "uid-p2" && r.status && r.status->status().phase() == "Succeeded";
  }));
  std::this_thread::sleep_for(200ms);
  CHECK(f.count_calls("StartContainer p1/fails") == 1);
  CHECK(f.count_calls("StartContainer p2/works") == 1);
}

TEST_CASE("pod actor: an unknown image shows ErrImagePull, then ImagePullBackOff",
          "[podactor]") {
  fixture f;
  f.spawn(make_pod({{"containers", {container("app", {{"image", "nope:1"}})}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->state().waiting().reason() == "ErrImagePull";
  }));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->state().waiting().reason() == "ImagePullBackOff" &&
           a->state().waiting().message() == "Back-off pulling image \"nope:1\"";
  }));
  CHECK(f.latest().phase() == "Pending");
  CHECK(f.wait_event("Pulling", "Pulling image \"nope:1\""));
  CHECK(f.wait_event("Failed", "Failed to pull image \"nope:1\": rpc error: code = NotFound"));
  CHECK(f.wait_event("Failed", "Error: ErrImagePull"));
  CHECK(f.wait_event("Failed", "Error: ImagePullBackOff"));
  CHECK(f.wait_event("BackOff", "Back-off pulling image \"nope:1\""));
  // The image appears in the registry: the next pull after the backoff succeeds.
  f.fake().add_registry_image("nope:1");
  CHECK(f.wait_status([](const v1::PodStatus& s) { return s.phase() == "Running"; }));
  CHECK(f.wait_event("Pulled", "Successfully pulled image \"nope:1\" in "));
}


TEST_CASE("pod actor: a container that cannot start waits with RunContainerError",
          "[podactor]") {
  fixture f;
  rt::fake_container_behavior broken;
  broken.start_error = "exec: \"nope\": executable file not found in $PATH";
  f.fake().set_behavior("app", broken);
  f.spawn(make_pod({{"containers", {container("app")}}}));
  REQUIRE(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->state().waiting().reason() == "RunContainerError" &&
           a->laststate().terminated().reason() == "StartError" &&
           a->laststate().terminated().exitcode() == 128;
  }));
  CHECK(f.wait_event("Failed", "Error: failed to create containerd task: exec: \"nope\""));
  CHECK(f.wait_status([](const v1::PodStatus& s) {
    const auto* a = find_status(s, "app");
    return a && a->state().waiting().reason() == "CrashLoopBackOff" && a->restartcount() >= 1;
  }));
  CHECK(f.latest().phase() == "Running");  // Always: restarting, as the kubelet reports it
}

// Hidden (run by name): 50 pods on one fake runtime, default timing except the clock; prints how
// long until all run and how many runtime calls the idle pods make per second.
TEST_CASE("pod actor: 50 pods on one fake runtime", "[.podactor-measure][slow]") {
  fixture f;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i)
    f.spawn(make_pod({{"containers", {container("app")}}}, "p" + std::to_string(i)));
  std::set<std::string> running;
  REQUIRE(f.wait_for(
    [&](const na::pod_report& r) {
      if (r.status && r.status->status().phase() == "Running")
        running.insert(r.uid);
      return running.size() == 50;
    },
    10s));
  auto took = std::chrono::steady_clock::now() - t0;
  f.fake().clear_calls();
  std::this_thread::sleep_for(2s);
  auto idle_calls = f.fake().calls().size();
  WARN("50 pods Running after "
       << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms; idle: "
       << idle_calls / 2 << " runtime calls/s (status_poll 20 ms in this fixture)");
}
