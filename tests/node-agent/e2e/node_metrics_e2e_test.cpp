// troupe-server plus a `troupe-node --runtime fake --metrics-address` process: after a pod with a
// readiness probe ran, the node's /metrics (curl) serves the kubelet's pod, probe and CRI series
// and process_*.
#include <catch2/catch.hpp>

#include <fstream>
#include <thread>

#include "tests/support/node_process.hpp"
#include "tests/support/server_process.hpp"

using namespace std::chrono_literals;
using namespace troupe::testing;

namespace {

const char* probed_pod = R"(apiVersion: v1
kind: Pod
metadata: {name: probed, namespace: default}
spec:
  nodeName: metrics1
  containers:
  - name: app
    image: busybox:1.30
    command: ["sleep", "3600"]
    readinessProbe:
      exec: {command: ["true"]}
      periodSeconds: 1
)";

} // namespace

TEST_CASE("troupe-node /metrics: kubelet pod start, CRI operations, probe results and process "
          "metrics after a pod ran",
          "[nodemetrics][integration][e2e]") {
  if (server_binary().empty() || node_binary().empty() || cli_binary().empty()) {
    WARN("troupe-server, troupe-node or troupe not built; skipped");
    return;
  }
  server_process server{"troupe-node-metrics-e2e"};
  REQUIRE(server.start());
  node_process node{server, "metrics1"};
  REQUIRE(node.start());
  if (!node.wait_ready(60s))
    FAIL("metrics1 not Ready; node log:\n" << slurp(node.log()));

  std::ofstream(server.dir + "/pod.yaml") << probed_pod;
  REQUIRE(server.kubectl("apply -f " + server.dir + "/pod.yaml").code == 0);
  auto ready = [&] {
    auto r = server.kubectl(
      "get pod probed -o 'jsonpath={.status.conditions[?(@.type==\"Ready\")].status}'");
    return r.code == 0 && r.output == "True";
  };
  INFO(slurp(node.log()));
  REQUIRE(eventually(ready, 30s));

  const std::string url = "http://127.0.0.1:" + std::to_string(node.metrics_port) + "/metrics";
  std::string text;
  // The probe runs every second: wait for a scrape that shows a result.
  eventually([&] {
    text = sh("curl -s " + url).output;
    return text.find("prober_probe_total{") != std::string::npos;
  }, 30s);
  INFO(text);
  auto has = [&](const std::string& s) { return text.find(s) != std::string::npos; };
  CHECK(has("# TYPE kubelet_pod_start_duration_seconds histogram"));
  CHECK(has("kubelet_pod_start_duration_seconds_count 1"));
  CHECK(has("kubelet_pod_start_duration_seconds_bucket{le=\"0.5\"}"));
  CHECK(has("kubelet_runtime_operations_total{operation_type=\"run_podsandbox\"} 1"));
  CHECK(has("kubelet_runtime_operations_total{operation_type=\"create_container\"} 1"));
  CHECK(has("kubelet_runtime_operations_total{operation_type=\"exec_sync\"}"));
  CHECK(has("kubelet_runtime_operations_duration_seconds_bucket{operation_type=\"start_container\""));
  CHECK(has("kubelet_started_pods_total 1"));
  CHECK(has("kubelet_started_containers_total{container_type=\"container\"} 1"));
  CHECK(has("kubelet_running_pods 1"));
  CHECK(has("kubelet_running_containers{container_state=\"running\"} 1"));
  CHECK(has("kube_pod_container_status_restarts_total{"));
  CHECK(has("prober_probe_total{"));
  CHECK(has("probe_type=\"Readiness\""));
  CHECK(has("result=\"successful\""));
  CHECK(has("pod=\"probed\""));
  CHECK(has("process_resident_memory_bytes"));
  CHECK(has("process_start_time_seconds"));

  // Deleted: the pod's series go, the node-wide counters stay.
  CHECK(server.kubectl("delete pod probed --timeout=30s").code == 0);
  CHECK(eventually([&] {
    text = sh("curl -s " + url).output;
    return text.find("kubelet_running_pods 0") != std::string::npos;
  }, 30s));
  CHECK(text.find("pod=\"probed\"") == std::string::npos);
  CHECK(text.find("kubelet_started_pods_total 1") != std::string::npos);
  CHECK(node.stop() == 0);
}
