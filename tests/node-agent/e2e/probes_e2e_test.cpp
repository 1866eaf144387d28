// Liveness probes on real containerd (issue 5's must-show list): an exec probe on a missing file
// restarts the container with growing backoff (CrashLoopBackOff shown, restartCount rising); a
// tcpSocket probe fails while the port is closed and passes once it opens; an httpGet probe on a
// 404 path records Kubernetes' Unhealthy event text. The fast profile's backoff: 1 s doubling.
#include <catch2/catch.hpp>

#include <set>
#include <sstream>

#include "tests/node-agent/e2e/pod_cluster.hpp"

using namespace troupe::testing;
using namespace std::chrono_literals;

namespace {

/// Seconds since the epoch of an RFC 3339 UTC timestamp ("2026-11-27T13:40:01Z"); -1 if bad.
long long epoch_seconds(const std::string& t) {
  std::tm tm{};
  if (t.size() < 19 || !strptime(t.c_str(), "%Y-%m-%dT%H:%M:%S", &tm))
    return -1;
  return static_cast<long long>(timegm(&tm));
}

} // namespace

TEST_CASE("liveness probes on containerd: exec restarts with backoff, tcpSocket, httpGet 404",
          "[e2e][integration][containerd][node]") {
  if (auto why = pod_e2e_missing(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  pod_cluster c;

  REQUIRE(c.create(pod_yaml("live-exec",
    "  containers:\n"
    "  - name: app\n"
    "    image: busybox:1.30\n"
    "    command: [sleep, '3600']\n"
    "    livenessProbe:\n"
    "      exec: {command: [cat, /tmp/healthy]}\n"
    "      periodSeconds: 1\n"
    "      failureThreshold: 1\n")).code == 0);
  // busybox httpd opens port 8080 after 6 seconds; the probe tolerates 20 failures.
  REQUIRE(c.create(pod_yaml("live-tcp",
    "  containers:\n"
    "  - name: app\n"
    "    image: busybox:1.30\n"
    "    command: [sh, -c, 'sleep 6; exec httpd -f -p 8080']\n"
    "    livenessProbe:\n"
    "      tcpSocket: {port: 8080}\n"
    "      periodSeconds: 1\n"
    "      failureThreshold: 20\n")).code == 0);
  REQUIRE(c.create(pod_yaml("live-http",
    "  containers:\n"
    "  - name: web\n"
    "    image: nginx:1.17.9\n"
    "    livenessProbe:\n"
    "      httpGet: {path: /missing.html, port: 80}\n"
    "      periodSeconds: 1\n"
    "      failureThreshold: 2\n")).code == 0);

  {  // exec liveness on a missing file: restarts, CrashLoopBackOff, growing backoff
    std::set<std::string> statuses;
    CHECK(eventually([&] {
      statuses.insert(c.status_column("live-exec"));
      return std::atoi(c.pod("live-exec", "{.status.containerStatuses[0].restartCount}").c_str()) >= 3;
    }, 90s));
    INFO(c.dump("live-exec"));
    CHECK(statuses.count("CrashLoopBackOff") == 1);
    const auto ev = c.events("live-exec");
    CHECK(ev.find("Unhealthy: Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory") != std::string::npos);
    CHECK(ev.find("Killing: Container app failed liveness probe, will be restarted") != std::string::npos);
    CHECK(ev.find("BackOff: Back-off restarting failed container app") != std::string::npos);
    // The backoff grows: the gap between the last run's end and the current run's start is at
    // least the second backoff step (2 s) by the third restart. Both times from one read.
    long long finished = -1, started = -1;
    CHECK(eventually([&] {
      std::istringstream in(c.pod("live-exec",
        "{.status.containerStatuses[0].lastState.terminated.finishedAt} {.status.containerStatuses[0].state.running.startedAt}"));
      std::string f, s;
      in >> f >> s;
      finished = epoch_seconds(f);
      started = epoch_seconds(s);
      return finished > 0 && started > 0;
    }, 30s));
    CHECK(started - finished >= 2);
  }

  {  // tcpSocket: fails while the port is closed, passes once it is open; no restart
    CHECK(eventually([&] {
      return c.events("live-tcp").find("Liveness probe failed: dial tcp") != std::string::npos;
    }, 30s));
    std::this_thread::sleep_for(8s);  // the port is open by now; the probe passes
    INFO(c.dump("live-tcp"));
    const auto ev = c.events("live-tcp");
    CHECK(ev.find(":8080: connect: connection refused") != std::string::npos);
    CHECK(c.pod("live-tcp", "{.status.containerStatuses[0].restartCount}") == "0");
    CHECK(c.pod("live-tcp", "{.status.containerStatuses[0].state.running.startedAt}") != "");
    const auto ip = c.pod("live-tcp", "{.status.podIP}");
    CHECK(sh("curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://" + ip + ":8080/").output == "404");
  }

  {  // httpGet on a 404 path: the Unhealthy event text, then a restart
    CHECK(eventually([&] {
      return std::atoi(c.pod("live-http", "{.status.containerStatuses[0].restartCount}").c_str()) >= 1;
    }, 60s));
    INFO(c.dump("live-http"));
    CHECK(c.events("live-http").find("Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 404") !=
          std::string::npos);
  }
}
