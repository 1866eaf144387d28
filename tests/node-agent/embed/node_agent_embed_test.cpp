// The embedding API in this process (node-agent/embed/node_agent.hpp) against a real
// troupe-server: a "service" config that already loaded the middleman and chose its own
// heartbeat keeps both; the node joins, registers, runs a pod bound to it on a fake runtime the
// test owns (options.runtime_instance) and reports it Running; stop_node_agent lets the actor
// system shut down. With saved credentials, a config naming another openssl identity is refused.
#include <catch2/catch.hpp>

#include <caf/all.hpp>
#include <caf/io/middleman.hpp>

#include <fstream>
#include <mutex>
#include <thread>

#include "node-agent/embed/node_agent.hpp"
#include "node-agent/runtime/fake_runtime.hpp"
#include "tests/support/server_process.hpp"

using namespace troupe::testing;
using namespace troupe::node_agent;
using namespace std::chrono_literals;

namespace {

struct log_lines {
  std::mutex mutex;
  std::vector<std::string> lines;
  void add(const std::string& l) {
    std::lock_guard<std::mutex> lock(mutex);
    lines.push_back(l);
  }
  bool has(const std::string& part) {
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& l : lines)
      if (l.find(part) != std::string::npos)
        return true;
    return false;
  }
  std::string all() {
    std::lock_guard<std::mutex> lock(mutex);
    std::string out;
    for (const auto& l : lines)
      out += l + "\n";
    return out;
  }
};

template <class F>
bool eventually(F probe, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (probe())
      return true;
    std::this_thread::sleep_for(100ms);
  }
  return false;
}

bool has_call(const runtime::fake_runtime& fake, const std::string& prefix) {
  for (const auto& c : fake.calls())
    if (c.rfind(prefix, 0) == 0)
      return true;
  return false;
}

} // namespace

TEST_CASE("embed: a node agent in the test's own actor system joins, runs a pod, shuts down",
          "[embed][integration]") {
  if (server_binary().empty()) {
    WARN("skipped: build troupe-server first");
    return;
  }
  server_process server("troupe-embed-lib");
  REQUIRE(server.start());
  const std::string node = "inproc1";
  const std::string manifest = server.dir + "/pod.yaml";
  std::ofstream(manifest) << "apiVersion: v1\nkind: Pod\nmetadata:\n  name: hosted2\n"
                             "spec:\n  nodeName: " << node << "\n  containers:\n"
                             "  - name: main\n    image: busybox:1.30\n";
  REQUIRE(server.kubectl("create -f " + manifest).code == 0);

  runtime::fake_runtime_options fopts;
  fopts.any_image_pullable = true;
  fopts.start_time_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  auto fake = std::make_shared<runtime::fake_runtime>(fopts);
  auto lines = std::make_shared<log_lines>();

  embed::node_agent_options o;
  o.server = server.url();
  o.join_token_file = server.data + "/join-token";
  o.ca_file = server.ca_file();
  o.node_name = node;
  o.data_dir = server.dir + "/inproc";
  o.node_ip = "127.0.0.1";
  o.labels["example.com/hosted-by"] = "test";
  o.runtime_instance = fake;
  o.profile = "fast";
  o.log = [lines](const std::string& l) { lines->add(l); };

  {
    caf::actor_system_config cfg;
    cfg.load<caf::io::middleman>();  // the service had its own middleman and heartbeat already
    cfg.set("middleman.heartbeat-interval", caf::timespan{500ms});
    auto joined = embed::prepare(cfg, o);
    INFO(joined.error);
    REQUIRE(joined.ok());
    CHECK_FALSE(joined.reused);
    CHECK(joined.registry_host == "127.0.0.1");
    CHECK(joined.registry_port == server.node_port);
    CHECK(cfg.module_factories.size() == 2);  // middleman (once) + openssl manager
    CHECK(cfg.openssl_certificate == joined.credentials.cert_file);
    CHECK(cfg.openssl_cafile == joined.credentials.ca_file);
    CHECK(caf::get_or(cfg, "middleman.heartbeat-interval", caf::timespan{0}) ==
          caf::timespan{500ms});
    CHECK(caf::get_or(cfg, "middleman.connection-timeout", caf::timespan{0}) ==
          caf::timespan{10s});

    caf::actor_system sys{cfg};
    auto agent = embed::start_node_agent(sys, o, joined);
    REQUIRE(agent.ok());
    REQUIRE(agent.actor);
    INFO(lines->all());
    CHECK(eventually([&] { return lines->has("registered node " + node + " with 127.0.0.1:"); },
                     30s));
    CHECK(eventually([&] { return has_call(*fake, "StartContainer hosted2/main"); }, 30s));
    std::string phase;
    CHECK(eventually([&] {
      phase = server.kubectl("get pod hosted2 -o jsonpath={.status.phase}").output;
      return phase == "Running";
    }, 30s));
    INFO("phase " << phase);
    CHECK(server.kubectl("get node " + node + " -o jsonpath={.metadata.labels}")
            .output.find("\"example.com/hosted-by\":\"test\"") != std::string::npos);
    embed::stop_node_agent(agent.actor);
    // Leaving the scope destroys the system: it must not wait forever for the agent.
  }
  CHECK(lines->has("stopping"));

  // Saved credentials now: no request, and another openssl identity is refused.
  {
    caf::actor_system_config cfg;
    cfg.openssl_certificate = "/etc/other/tls.crt";
    auto again = embed::prepare(cfg, o);
    CHECK_FALSE(again.ok());
    CHECK(again.error.rfind("the actor_system_config's openssl.certificate is already "
                            "\"/etc/other/tls.crt\": caf::openssl has one identity per actor "
                            "system", 0) == 0);
    CHECK(cfg.module_factories.empty());
  }
  {
    caf::actor_system_config cfg;
    auto again = embed::prepare(cfg, o);
    REQUIRE(again.ok());
    CHECK(again.reused);
  }
}
