// troupe-server plus a `troupe-node --runtime fake` process (a hollow node; no containerd): the
// node joins and appears Ready with its nodeInfo, a pod bound to it runs and is deleted through
// the API, logs are served, SIGTERM ends the agent with 0, a restart reuses its credentials and
// re-registers, and the agent survives a server restart.
#include <catch2/catch.hpp>

#include <thread>

#include "tests/support/node_process.hpp"
#include "tests/support/server_process.hpp"

using namespace std::chrono_literals;
using namespace troupe::testing;

namespace {

bool eventually_true(const std::function<bool()>& check, std::chrono::seconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check())
      return true;
    std::this_thread::sleep_for(200ms);
  }
  return check();
}

const char* pod_manifest = R"(apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default}
spec:
  nodeName: hollow1
  containers:
  - name: app
    image: busybox:1.30
    command: ["sleep", "3600"]
)";

} // namespace

TEST_CASE("hollow node: joins, runs a pod, stops and comes back", "[node][integration][e2e]") {
  if (server_binary().empty() || node_binary().empty() || cli_binary().empty()) {
    WARN("troupe-server, troupe-node or troupe not built; skipped");
    return;
  }
  server_process server{"troupe-hollow-e2e"};
  REQUIRE(server.start());
  node_process node{server, "hollow1"};
  node.extra_args = {"--node-labels", "troupe.io/hollow=true"};
  REQUIRE(node.start());
  if (!node.wait_ready(60s))
    FAIL("hollow1 not Ready; node log:\n" << slurp(node.log()) << "\nserver log:\n"
                                          << slurp(server.log()));

  auto jsonpath = [&](const std::string& what, const std::string& path) {
    auto r = server.kubectl("get " + what + " -o 'jsonpath=" + path + "'");
    return r.code == 0 ? r.output : "ERROR: " + r.output;
  };
  CHECK(jsonpath("node hollow1", "{.status.nodeInfo.containerRuntimeVersion}") == "fake://0.1.0");
  CHECK(jsonpath("node hollow1", "{.status.nodeInfo.kubeletVersion}") == "v1.32.0");
  CHECK(jsonpath("node hollow1", "{.metadata.labels.kubernetes\\.io/hostname}") == "hollow1");
  CHECK(jsonpath("node hollow1", "{.metadata.labels.troupe\\.io/hollow}") == "true");
  CHECK(jsonpath("node hollow1", "{.status.addresses[?(@.type==\"InternalIP\")].address}") ==
        "127.0.0.1");
  CHECK(jsonpath("node hollow1", "{.status.conditions[?(@.type==\"Ready\")].reason}") ==
        "KubeletReady");

  {
    std::ofstream(server.dir + "/pod.yaml") << pod_manifest;
    auto applied = server.kubectl("apply -f " + server.dir + "/pod.yaml");
    REQUIRE(applied.code == 0);
  }
  bool running = eventually_true(
    [&] { return jsonpath("pod web", "{.status.phase}") == "Running"; });
  INFO(slurp(node.log()));
  REQUIRE(running);
  CHECK(jsonpath("pod web", "{.status.hostIP}") == "127.0.0.1");
  auto events = server.kubectl("get events --field-selector involvedObject.name=web -o "
                               "'jsonpath={.items[*].reason}'");
  CHECK(events.output.find("Started") != std::string::npos);
  auto logs = server.kubectl("logs web");
  CHECK(logs.code == 0);  // a hollow node's containers write nothing
  auto metrics = sh("curl -s http://127.0.0.1:" + std::to_string(node.metrics_port) + "/metrics");
  CHECK(metrics.output.find("troupe_node_connected{node=\"hollow1\"} 1") != std::string::npos);
  CHECK(metrics.output.find("troupe_node_pod_actors{node=\"hollow1\"} 1") != std::string::npos);

  // SIGTERM: exit 0; the restarted agent reuses its credentials (no token needed) and
  // re-registers; the pod keeps its status.
  CHECK(node.stop() == 0);
  CHECK(slurp(node.log()).find("received SIGTERM") != std::string::npos);
  node.join_token = "abcdef.0123456789abcdef";  // would be refused if it were used
  REQUIRE(node.start());
  // The Node is still Ready from before: wait for the new process to register instead.
  bool back = eventually_true(
    [&] { return slurp(node.log()).find("registered node hollow1") != std::string::npos; });
  INFO(slurp(node.log()));
  REQUIRE(back);
  CHECK(slurp(node.log()).find("using the saved credentials") != std::string::npos);

  // The server restarts: the agent reconnects by itself.
  server.stop();
  REQUIRE(server.start());
  bool reregistered = eventually_true([&] {
    auto log = slurp(node.log());
    auto first = log.find("registered node hollow1");
    return first != std::string::npos && log.find("registered node hollow1", first + 1) !=
                                           std::string::npos;
  });
  INFO(slurp(node.log()));
  CHECK(reregistered);

  // Deleting the pod through the API: the agent stops it and the object goes away.
  auto deleted = server.kubectl("delete pod web --timeout=30s");
  CHECK(deleted.code == 0);
  CHECK(server.kubectl("get pod web").output.find("NotFound") != std::string::npos);
  CHECK(node.stop() == 0);
}
