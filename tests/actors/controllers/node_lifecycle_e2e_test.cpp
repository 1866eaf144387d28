// The node lifecycle end to end: a real troupe-server (--profile fast: grace 5 s, tolerations
// 5 s) and two hollow troupe-nodes (--runtime fake), one of which stays. A pod bound by nodeName runs; the node process
// is killed (SIGKILL, by PID); the Node goes Ready=Unknown with the unreachable taints; the pod
// shows STATUS Unknown (NodeLost + deletionTimestamp) after its toleration; the node started
// again finishes the evicted pod (it is gone) and is Ready without taints. Prints the measured
// delays (kill -> Unknown -> eviction).
#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>
#include <thread>

#include "tests/support/node_process.hpp"
#include "tests/support/server_process.hpp"

using namespace std::chrono_literals;
using namespace troupe::testing;

namespace {

using steady = std::chrono::steady_clock;

double seconds_since(steady::time_point t) {
  return std::chrono::duration<double>(steady::now() - t).count();
}

const char* pod_manifest = R"(apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default}
spec:
  nodeName: lost1
  containers:
  - name: app
    image: busybox:1.30
    command: ["sleep", "3600"]
)";

} // namespace

TEST_CASE("node lifecycle: a killed node goes Unknown, its pod is evicted, the node's return "
          "finishes it",
          "[lifecycle][integration][e2e]") {
  if (server_binary().empty() || node_binary().empty()) {
    WARN("troupe-server or troupe-node not built; skipped");
    return;
  }
  server_process server{"troupe-lifecycle-e2e"};
  server.extra_args = {"--profile", "fast"};
  REQUIRE(server.start());
  // A second node that stays: with every node of the cluster lost the controller would assume
  // it is the one cut off (master disruption mode) and evict nothing.
  node_process keeper{server, "keep1"};
  REQUIRE(keeper.start());
  node_process node{server, "lost1"};
  REQUIRE(node.start());
  if (!keeper.wait_ready(60s))
    FAIL("keep1 not Ready; node log:\n" << slurp(keeper.log()));
  if (!node.wait_ready(60s))
    FAIL("lost1 not Ready; node log:\n" << slurp(node.log()) << "\nserver log:\n"
                                        << slurp(server.log()));
  auto jsonpath = [&](const std::string& what, const std::string& path) {
    auto r = server.kubectl("get " + what + " -o 'jsonpath=" + path + "'");
    return r.code == 0 ? r.output : "ERROR: " + r.output;
  };
  auto ready = [&] { return jsonpath("node lost1", "{.status.conditions[?(@.type==\"Ready\")].status}"); };

  std::ofstream(server.dir + "/pod.yaml") << pod_manifest;
  REQUIRE(server.kubectl("apply -f " + server.dir + "/pod.yaml").code == 0);
  REQUIRE(eventually([&] { return jsonpath("pod web", "{.status.phase}") == "Running"; }, 30s));
  // The fast profile's admission default.
  CHECK(jsonpath("pod web", "{.spec.tolerations[?(@.key==\"node.kubernetes.io/unreachable\")]"
                            ".tolerationSeconds}") == "5");
  // A healthy node stays Ready (the grace is well above the heartbeat) and untainted.
  std::this_thread::sleep_for(7s);
  CHECK(ready() == "True");
  CHECK(jsonpath("node lost1", "{.spec.taints}").empty());

  const auto killed = steady::now();
  node.kill9();
  bool unknown = eventually([&] { return ready() == "Unknown"; }, 30s);
  const double to_unknown = seconds_since(killed);
  INFO(slurp(server.log()));
  REQUIRE(unknown);
  CHECK(jsonpath("node lost1", "{.status.conditions[?(@.type==\"Ready\")].reason}") ==
        "NodeStatusUnknown");
  // The NoExecute taint comes in a write of its own, when the zone's rate lets it (at once: the
  // zone's first).
  CHECK(eventually([&] { return jsonpath("node lost1", "{.spec.taints[*].effect}") == "NoSchedule NoExecute"; },
                   10s));
  CHECK(jsonpath("node lost1", "{.spec.taints[*].key}") ==
        "node.kubernetes.io/unreachable node.kubernetes.io/unreachable");
  CHECK(eventually(
    [&] { return jsonpath("pod web", "{.status.conditions[?(@.type==\"Ready\")].status}") == "False"; },
    10s));

  // After the toleration: STATUS Unknown (NodeLost + deletionTimestamp), as kubectl prints it.
  bool evicted = eventually([&] {
    auto r = server.kubectl("get pod web --no-headers");
    return r.code == 0 && r.output.find(" Unknown ") != std::string::npos;
  }, 30s);
  const double to_evicted = seconds_since(killed);
  REQUIRE(evicted);
  CHECK(jsonpath("pod web", "{.status.reason}") == "NodeLost");
  CHECK(jsonpath("pod web", "{.status.message}") ==
        "Node lost1 which was running pod web is unresponsive");
  CHECK_FALSE(jsonpath("pod web", "{.metadata.deletionTimestamp}").empty());
  auto events = server.kubectl("get events --field-selector involvedObject.name=web -o "
                               "'jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}'");
  CHECK(events.output.find("NodeNotReady: Node is not ready") != std::string::npos);
  CHECK(events.output.find("TaintManagerEviction: Marking for deletion Pod default/web") !=
        std::string::npos);
  std::cout << "node lifecycle e2e (fast profile): kill -> Ready=Unknown " << to_unknown
            << " s, kill -> pod evicted (STATUS Unknown) " << to_evicted << " s" << std::endl;

  // The node comes back: the evicted pod is finished and gone, the Node Ready and untainted.
  const auto restarted = steady::now();
  REQUIRE(node.start());
  bool gone = eventually(
    [&] { return server.kubectl("get pod web").output.find("NotFound") != std::string::npos; }, 60s);
  INFO(slurp(node.log()));
  CHECK(gone);
  CHECK(eventually([&] { return ready() == "True"; }, 30s));
  CHECK(eventually([&] { return jsonpath("node lost1", "{.spec.taints}").empty(); }, 30s));
  std::cout << "node lifecycle e2e: restart -> evicted pod gone and node Ready, untainted "
            << seconds_since(restarted) << " s" << std::endl;
  CHECK(node.stop() == 0);
  CHECK(keeper.stop() == 0);
}
