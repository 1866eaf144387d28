// examples/embedded_node end to end: a real troupe-server, the example (a service with its own
// actor system and greeter actor hosting a node agent through node-agent/embed) joins with the
// join token file and the cluster CA, its Node turns Ready, a pod bound to it (spec.nodeName)
// runs on its fake runtime and shows Running through the API, and SIGTERM exits 0. A second
// start reuses the saved credentials; a wrong token file is refused with a named error, exit 1.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "tests/examples/example_process.hpp"

using namespace troupe::testing;
using namespace std::chrono_literals;


TEST_CASE("examples/embedded_node joins a cluster, runs a pod on its fake runtime, exits 0 on "
          "SIGTERM", "[embed][integration]") {
  if (example_binary().empty() || server_binary().empty()) {
    WARN("skipped: build embedded_node and troupe-server first");
    return;
  }
  server_process server("troupe-embed");
  REQUIRE(server.start());
  const std::string node = "embedded1";
  const std::vector<std::string> args{"--server", server.url(),
                                      "--join-token-file", server.data + "/join-token",
                                      "--ca-file", server.ca_file(),
                                      "--name", node,
                                      "--data-dir", server.dir + "/embedded",
                                      "--node-ip", "127.0.0.1",
                                      "--profile", "fast"};
  auto ready = [&] {
    auto r = server.kubectl("get node " + node +
                            " -o 'jsonpath={.status.conditions[?(@.type==\"Ready\")].status}'");
    return r.code == 0 && r.output == "True";
  };

  {
    example_process ex(args, server.dir + "/embedded-1.log");
    INFO(ex.output());
    REQUIRE(poll_until(ready, 60s));
    auto out = ex.output();
    CHECK(out.find("embedded_node: joined " + server.url() + " as node " + node) !=
          std::string::npos);
    CHECK(out.find("greeter says: Hello, " + node + "! (greeting #1)") != std::string::npos);
    CHECK(out.find("node agent: registered node " + node) != std::string::npos);
    // The token never shows in the output.
    CHECK(out.find(slurp(server.data + "/join-token").substr(7, 16)) == std::string::npos);

    auto get = server.kubectl("get nodes");
    INFO(get.output);
    CHECK(get.output.find(node) != std::string::npos);
    CHECK(server.kubectl("get node " + node + " -o jsonpath={.metadata.labels}").output.find(
            "\"kubernetes.io/hostname\"") != std::string::npos);

    const std::string manifest = server.dir + "/pod.yaml";
    std::ofstream(manifest) << "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hosted\n"
                               "spec:\n  nodeName: " << node << "\n  containers:\n"
                               "  - name: main\n    image: busybox:1.30\n"
                               "    command: [sleep, '3600']\n";
    auto created = server.kubectl("create -f " + manifest);
    INFO(created.output);
    REQUIRE(created.code == 0);
    std::string phase;
    bool running = poll_until([&] {
      phase = server.kubectl("get pod hosted -o jsonpath={.status.phase}").output;
      return phase == "Running";
    }, 60s);
    INFO("phase: " << phase);
    CHECK(running);
    CHECK(server.kubectl("get pod hosted -o jsonpath={.status.hostIP}").output == "127.0.0.1");
    CHECK(server.kubectl("get pod hosted -o "
                         "'jsonpath={.status.containerStatuses[0].ready}'").output == "true");

    REQUIRE(::kill(ex.pid, SIGTERM) == 0);
    REQUIRE(ex.wait_exit(15s));
    CHECK(ex.exit_code == 0);
    CHECK(ex.output().find("embedded_node: received SIGTERM, stopping") != std::string::npos);
  }

  {  // a second start reuses the saved credentials and registers again
    example_process ex(args, server.dir + "/embedded-2.log");
    INFO(ex.output());
    REQUIRE(poll_until([&] {
      return ex.output().find("node agent: registered node " + node) != std::string::npos;
    }, 60s));
    CHECK(ex.output().find("using the saved credentials of node " + node) != std::string::npos);
    REQUIRE(::kill(ex.pid, SIGINT) == 0);
    REQUIRE(ex.wait_exit(15s));
    CHECK(ex.exit_code == 0);
  }

  {  // a wrong join token is refused: a named error, exit 1
    const std::string bad = server.dir + "/wrong-token";
    std::ofstream(bad) << "aaaaaa.bbbbbbbbbbbbbbbb\n";
    example_process ex({"--server", server.url(), "--join-token-file", bad,
                        "--ca-file", server.ca_file(), "--name", "intruder",
                        "--data-dir", server.dir + "/intruder"},
                       server.dir + "/intruder.log");
    REQUIRE(ex.wait_exit(30s));
    CHECK(ex.exit_code == 1);
    auto out = ex.output();
    INFO(out);
    CHECK(out.find("Error: join refused by " + server.url()) != std::string::npos);
    CHECK(out.find("bbbbbbbbbbbbbbbb") == std::string::npos);
  }
}
