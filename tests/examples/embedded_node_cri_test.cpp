// examples/embedded_node on a real containerd (--cri-socket): the service's node agent runs a
// pod's container for real (its output through kubectl logs, served by the embedded node actor);
// SIGTERM exits 0 and the container keeps running, as when a kubelet stops. Root only; skips
// with a warning otherwise.
#include <catch2/catch.hpp>

#include <fstream>

#include "tests/examples/example_process.hpp"
#include "tests/support/containerd_fixture.hpp"

using namespace troupe::testing;
using namespace std::chrono_literals;

TEST_CASE("examples/embedded_node runs a pod on containerd", "[embed][e2e][integration][containerd]") {
  if (auto why = missing_prerequisite(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  if (example_binary().empty() || server_binary().empty()) {
    WARN("skipped: build embedded_node and troupe-server first");
    return;
  }
  private_containerd ctd{"10.212.0.0/16"};
  REQUIRE(ctd.started);
  REQUIRE(private_containerd::run(repo_root + "/scripts/images --socket " + ctd.socket +
                                  " >/dev/null"));
  server_process server("troupe-embed-cri");
  REQUIRE(server.start());
  const std::string node = "embedded-cri";
  example_process ex({"--server", server.url(),
                      "--join-token-file", server.data + "/join-token",
                      "--ca-file", server.ca_file(),
                      "--name", node,
                      "--data-dir", server.dir + "/embedded",
                      "--cri-socket", "unix://" + ctd.socket,
                      "--node-ip", "10.212.0.1",
                      "--cgroup-parent", ctd.cgroup_root,
                      "--log-root", server.dir + "/pods",
                      "--profile", "fast"},
                     server.dir + "/embedded.log");
  INFO(ex.output());
  REQUIRE(poll_until([&] {
    auto r = server.kubectl("get node " + node +
                            " -o 'jsonpath={.status.conditions[?(@.type==\"Ready\")].status}'");
    return r.code == 0 && r.output == "True";
  }, 60s));
  CHECK(server.kubectl("get node " + node + " -o "
                       "jsonpath={.status.nodeInfo.containerRuntimeVersion}")
          .output.rfind("containerd://", 0) == 0);
  CHECK(ex.output().find("node agent started (CRI unix://" + ctd.socket) != std::string::npos);

  const std::string manifest = server.dir + "/pod.yaml";
  std::ofstream(manifest) << "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hosted\n"
                             "spec:\n  nodeName: " << node << "\n"
                             "  terminationGracePeriodSeconds: 2\n  containers:\n"
                             "  - name: main\n    image: busybox:1.30\n"
                             "    command: [sh, -c, 'echo hello from the embedded node; "
                             "exec sleep 3600']\n";
  REQUIRE(server.kubectl("create -f " + manifest).code == 0);
  std::string phase;
  CHECK(poll_until([&] {
    phase = server.kubectl("get pod hosted -o jsonpath={.status.phase}").output;
    return phase == "Running";
  }, 90s));
  INFO("phase " << phase);
  auto pod_ip = server.kubectl("get pod hosted -o jsonpath={.status.podIP}").output;
  CHECK(pod_ip.rfind("10.212.", 0) == 0);
  std::string logs;
  CHECK(poll_until([&] {
    logs = server.kubectl("logs hosted").output;
    return logs == "hello from the embedded node\n";
  }, 30s));
  INFO("logs: " << logs);

  // Running tasks of this containerd: the pod's sandbox (pause) and its container.
  auto running = [&] {
    auto out = sh("ctr -a " + ctd.socket + " -n k8s.io tasks ls").output;
    int n = 0;
    for (size_t at = out.find("RUNNING"); at != std::string::npos; at = out.find("RUNNING", at + 1))
      ++n;
    return n;
  };
  CHECK(running() == 2);

  REQUIRE(::kill(ex.pid, SIGTERM) == 0);
  REQUIRE(ex.wait_exit(20s));
  CHECK(ex.exit_code == 0);
  // The agent stopped; the pod's containers did not.
  CHECK(running() == 2);
  // Without an agent the pod cannot be deleted through the API; the fixture stops containerd
  // with its shims.
}
