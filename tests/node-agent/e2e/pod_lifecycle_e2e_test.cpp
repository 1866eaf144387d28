// Pods on real containerd through troupe-server + troupe-node, driven with kubectl 1.32 (issue 5's
// must-show list): init containers in order, postStart feeding an httpGet readiness probe,
// readiness toggling Ready, and the three restart policies. All pods of the test case run at once
// on one cluster (a cluster takes seconds to start), then each is checked in its own block.
#include <catch2/catch.hpp>

#include "tests/node-agent/e2e/pod_cluster.hpp"

using namespace troupe::testing;
using namespace std::chrono_literals;

TEST_CASE("pods on containerd: init order, postStart and probes, readiness, restart policies",
          "[e2e][integration][containerd][node]") {
  if (auto why = pod_e2e_missing(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  pod_cluster c;

  // Two init containers that each take three seconds, then the app.
  REQUIRE(c.create(pod_yaml("init-order",
    "  initContainers:\n"
    "  - {name: first, image: 'busybox:1.30', command: [sh, -c, 'sleep 3; echo first']}\n"
    "  - {name: second, image: 'busybox:1.30', command: [sh, -c, 'sleep 3; echo second']}\n"
    "  containers:\n"
    "  - {name: app, image: 'busybox:1.30', command: [sleep, '3600']}\n")).code == 0);
  // postStart writes the page that the httpGet readiness probe reads.
  REQUIRE(c.create(pod_yaml("poststart",
    "  containers:\n"
    "  - name: web\n"
    "    image: nginx:1.17.9\n"
    "    ports: [{containerPort: 80, name: http}]\n"
    "    lifecycle:\n"
    "      postStart:\n"
    "        exec: {command: [sh, -c, 'echo from-poststart > /usr/share/nginx/html/ready.html']}\n"
    "    readinessProbe:\n"
    "      httpGet: {path: /ready.html, port: http}\n"
    "      periodSeconds: 1\n")).code == 0);
  // Ready while /tmp/ready exists, which the container makes and removes every 5 seconds.
  REQUIRE(c.create(pod_yaml("toggle",
    "  containers:\n"
    "  - name: app\n"
    "    image: busybox:1.30\n"
    "    command: [sh, -c, 'while true; do touch /tmp/ready; sleep 5; rm /tmp/ready; sleep 5; done']\n"
    "    readinessProbe:\n"
    "      exec: {command: [cat, /tmp/ready]}\n"
    "      periodSeconds: 1\n"
    "      failureThreshold: 1\n")).code == 0);
  // restartPolicy Never: a failed container leaves the pod Failed.
  REQUIRE(c.create(pod_yaml("never-fails",
    "  restartPolicy: Never\n"
    "  containers:\n"
    "  - {name: app, image: 'busybox:1.30', command: [sh, -c, 'exit 3']}\n")).code == 0);
  // restartPolicy OnFailure: exit 0 completes, exit 1 restarts.
  REQUIRE(c.create(pod_yaml("onfailure-ok",
    "  restartPolicy: OnFailure\n"
    "  containers:\n"
    "  - {name: app, image: 'busybox:1.30', command: [sh, -c, 'exit 0']}\n")).code == 0);
  REQUIRE(c.create(pod_yaml("onfailure-bad",
    "  restartPolicy: OnFailure\n"
    "  containers:\n"
    "  - {name: app, image: 'busybox:1.30', command: [sh, -c, 'sleep 1; exit 1']}\n")).code == 0);

  {  // init containers run in order, one at a time, and the app waits for them
    bool saw_init = false;
    CHECK(eventually([&] {
      auto s = c.status_column("init-order");
      if (s.rfind("Init:", 0) == 0)
        saw_init = true;
      return s == "Running";
    }));
    INFO(c.dump("init-order"));
    CHECK(saw_init);
    const auto first_end = c.pod("init-order", "{.status.initContainerStatuses[0].state.terminated.finishedAt}");
    const auto second_start = c.pod("init-order", "{.status.initContainerStatuses[1].state.terminated.startedAt}");
    const auto second_end = c.pod("init-order", "{.status.initContainerStatuses[1].state.terminated.finishedAt}");
    const auto app_start = c.pod("init-order", "{.status.containerStatuses[0].state.running.startedAt}");
    CHECK(c.pod("init-order", "{.status.initContainerStatuses[*].state.terminated.reason}") == "Completed Completed");
    CHECK(!first_end.empty());
    CHECK(!app_start.empty());
    // RFC 3339 UTC timestamps compare as strings.
    CHECK(first_end <= second_start);
    CHECK(second_end <= app_start);
    CHECK(c.pod("init-order", "{.status.conditions[?(@.type==\"Initialized\")].status}") == "True");
  }

  {  // postStart writes the page that the httpGet readiness probe reads
    CHECK(eventually([&] { return c.pod("poststart", "{.status.conditions[?(@.type==\"Ready\")].status}") == "True"; }));
    INFO(c.dump("poststart"));
    CHECK(c.pod("poststart", "{.status.containerStatuses[0].ready}") == "true");
    const auto ip = c.pod("poststart", "{.status.podIP}");
    CHECK(ip.rfind("10.211.", 0) == 0);
    CHECK(c.pod("poststart", "{.status.hostIP}") == "10.211.0.1");
    auto page = sh("curl -s --max-time 5 http://" + ip + "/ready.html");
    CHECK(page.output == "from-poststart\n");
    CHECK(c.events("poststart").find("Started: Started container web") != std::string::npos);
  }

  {  // readiness toggles Ready
    CHECK(eventually([&] { return c.pod("toggle", "{.status.conditions[?(@.type==\"Ready\")].status}") == "True"; }));
    CHECK(eventually([&] { return c.pod("toggle", "{.status.conditions[?(@.type==\"Ready\")].status}") == "False"; }, 30s));
    INFO(c.dump("toggle"));
    CHECK(c.pod("toggle", "{.status.phase}") == "Running");
    CHECK(c.pod("toggle", "{.status.containerStatuses[0].restartCount}") == "0");
    CHECK(c.events("toggle").find("Unhealthy: Readiness probe failed:") != std::string::npos);
  }

  {  // restartPolicy Never leaves a failed pod Failed
    CHECK(eventually([&] { return c.pod("never-fails", "{.status.phase}") == "Failed"; }));
    INFO(c.dump("never-fails"));
    CHECK(c.pod("never-fails", "{.status.containerStatuses[0].state.terminated.exitCode}") == "3");
    CHECK(c.pod("never-fails", "{.status.containerStatuses[0].state.terminated.reason}") == "Error");
    CHECK(c.pod("never-fails", "{.status.containerStatuses[0].restartCount}") == "0");
    CHECK(c.status_column("never-fails") == "Error");
  }

  {  // OnFailure restarts only non-zero exits
    CHECK(eventually([&] { return c.pod("onfailure-ok", "{.status.phase}") == "Succeeded"; }));
    CHECK(eventually([&] {
      return std::atoi(c.pod("onfailure-bad", "{.status.containerStatuses[0].restartCount}").c_str()) >= 2;
    }));
    INFO(c.dump("onfailure-bad"));
    CHECK(c.pod("onfailure-ok", "{.status.containerStatuses[0].restartCount}") == "0");
    CHECK(c.status_column("onfailure-ok") == "Completed");
    CHECK(c.pod("onfailure-bad", "{.status.phase}") == "Running");  // Pending/Running while it restarts
    CHECK(c.pod("onfailure-bad", "{.status.containerStatuses[0].lastState.terminated.exitCode}") == "1");
  }
}
