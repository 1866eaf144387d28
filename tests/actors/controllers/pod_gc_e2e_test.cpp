// PodGC end to end: a real troupe-server (--profile fast: PodGC every 1 s, quarantine 3 s) and a
// hollow troupe-node (--runtime fake). A pod runs on the node; the node process is killed
// (SIGKILL, by PID) and its Node deleted with real kubectl; the pod goes, as Kubernetes' PodGC
// removes the pods of a deleted node. Its metric counts it.
#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>
#include <thread>

#include "tests/support/node_process.hpp"
#include "tests/support/server_process.hpp"

using namespace std::chrono_literals;
using namespace troupe::testing;

namespace {

const char* pod_manifest = R"(apiVersion: v1
kind: Pod
metadata: {name: stranded, namespace: default}
spec:
  nodeName: doomed
  containers:
  - name: app
    image: busybox:1.30
    command: ["sleep", "3600"]
)";

} // namespace

TEST_CASE("pod gc e2e: the pods of a deleted node are removed", "[pod_gc][integration][e2e]") {
  if (server_binary().empty() || node_binary().empty()) {
    WARN("troupe-server or troupe-node not built; skipped");
    return;
  }
  server_process server{"troupe-podgc-e2e"};
  server.extra_args = {"--profile", "fast"};
  REQUIRE(server.start());
  node_process node{server, "doomed"};
  REQUIRE(node.start());
  if (!node.wait_ready(60s))
    FAIL("doomed not Ready; node log:\n" << slurp(node.log()) << "\nserver log:\n" << slurp(server.log()));
  auto phase = [&] {
    auto r = server.kubectl("get pod stranded -o 'jsonpath={.status.phase}'");
    return r.code == 0 ? r.output : "ERROR: " + r.output;
  };
  std::ofstream(server.dir + "/pod.yaml") << pod_manifest;
  REQUIRE(server.kubectl("apply -f " + server.dir + "/pod.yaml").code == 0);
  REQUIRE(eventually([&] { return phase() == "Running"; }, 30s));

  node.kill9();
  // The node is deleted while its pod still shows Running (no agent to say otherwise).
  REQUIRE(server.kubectl("delete node doomed").code == 0);
  CHECK(phase() == "Running");
  const auto deleted = std::chrono::steady_clock::now();
  INFO(slurp(server.log()));
  CHECK(eventually(
    [&] { return server.kubectl("get pod stranded").output.find("NotFound") != std::string::npos; }, 30s));
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - deleted).count();
  CHECK(took >= 2.5);  // not before the quarantine (3 s in the fast profile)
  std::cout << "pod gc e2e (fast profile): node deleted -> its pod gone " << took << " s" << std::endl;
  CHECK(eventually(
    [&] {
      return sh("curl -sS " + server.metrics_url()).output.find(
               "pod_gc_collector_force_delete_pods_total{namespace=\"default\",reason=\"orphaned\"} 1") !=
             std::string::npos;
    },
    10s));
}
