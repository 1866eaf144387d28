// The Node object and its conditions (node-agent/agent/node_info.hpp), from fixed host facts.
#include <catch2/catch.hpp>

#include "node-agent/agent/node_info.hpp"

using namespace troupe::node_agent;
namespace v1 = troupe::core::v1;

namespace {

host_facts make_host() {
  host_facts h;
  h.cpus = 4;
  h.memory_kib = 8126464;
  h.os_image = "Debian GNU/Linux 12 (bookworm)";
  h.kernel_version = "6.1.0-18-amd64";
  h.machine_id = "0123456789abcdef0123456789abcdef";
  h.boot_id = "c0ffee00-1111-2222-3333-444455556666";
  h.hostname = "worker-1";
  return h;
}

node_settings make_settings() {
  node_settings s;
  s.name = "node1";
  s.node_ip = "10.0.0.5";
  s.labels = {{"zone", "a"}};
  return s;
}

runtime::version_info containerd() {
  return {"0.1.0", "containerd", "1.6.20~ds1", "v1"};
}

const v1::NodeCondition& condition(const v1::NodeStatus& s, const std::string& type) {
  for (const auto& c : s.conditions())
    if (c.type() == type)
      return c;
  FAIL("no condition " << type);
  throw;
}

} // namespace

TEST_CASE("make_node: labels, capacity, nodeInfo and addresses as the kubelet sets them", "[node]") {
  auto node = make_node(make_settings(), make_host(), containerd(), {}, 1700000000);
  const auto& labels = node.metadata().labels();
  CHECK(node.metadata().name() == "node1");
  CHECK(labels.at("kubernetes.io/hostname") == "node1");
  CHECK(labels.at("kubernetes.io/os") == "linux");
  CHECK(labels.at("kubernetes.io/arch") == "amd64");
  CHECK(labels.at("beta.kubernetes.io/os") == "linux");
  CHECK(labels.at("zone") == "a");
  const auto& st = node.status();
  CHECK(st.capacity().at("cpu").string() == "4");
  CHECK(st.capacity().at("memory").string() == "8126464Ki");
  CHECK(st.capacity().at("pods").string() == "110");
  CHECK(st.allocatable().at("memory").string() == "8126464Ki");
  const auto& info = st.nodeinfo();
  CHECK(info.containerruntimeversion() == "containerd://1.6.20~ds1");
  CHECK(info.kubeletversion() == "v1.32.0");
  CHECK(info.osimage() == "Debian GNU/Linux 12 (bookworm)");
  CHECK(info.kernelversion() == "6.1.0-18-amd64");
  CHECK(info.operatingsystem() == "linux");
  CHECK(info.architecture() == "amd64");
  CHECK(info.machineid() == "0123456789abcdef0123456789abcdef");
  CHECK(info.bootid() == "c0ffee00-1111-2222-3333-444455556666");
  REQUIRE(st.addresses_size() == 2);
  CHECK(st.addresses(0).type() == "InternalIP");
  CHECK(st.addresses(0).address() == "10.0.0.5");
  CHECK(st.addresses(1).type() == "Hostname");
  CHECK(st.addresses(1).address() == "worker-1");
}

TEST_CASE("node conditions: kubelet reasons and messages", "[node]") {
  struct row {
    const char* name;
    std::vector<runtime::runtime_condition> runtime;
    const char* ready;
    const char* reason;
    const char* message;
  };
  const std::vector<row> rows = {
    {"no conditions reported", {}, "True", "KubeletReady", "kubelet is posting ready status"},
    {"both ready", {{"RuntimeReady", true, "", ""}, {"NetworkReady", true, "", ""}}, "True",
     "KubeletReady", "kubelet is posting ready status"},
    {"network not ready",
     {{"RuntimeReady", true, "", ""},
      {"NetworkReady", false, "NetworkPluginNotReady", "cni config uninitialized"}},
     "False", "KubeletNotReady",
     "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "
     "message:cni config uninitialized"},
    {"runtime down",
     {{"RuntimeReady", false, "ContainerRuntimeDown", "no socket"}},
     "False", "KubeletNotReady",
     "container runtime not ready: RuntimeReady=false reason:ContainerRuntimeDown message:no "
     "socket"},
  };
  for (const auto& r : rows) {
    INFO(r.name);
    auto st = make_node_status(make_settings(), make_host(), containerd(), r.runtime, 100);
    REQUIRE(st.conditions_size() == 4);
    CHECK(st.conditions(3).type() == "Ready");
    const auto& ready = condition(st, "Ready");
    CHECK(ready.status() == r.ready);
    CHECK(ready.reason() == r.reason);
    CHECK(ready.message() == r.message);
    CHECK(condition(st, "MemoryPressure").status() == "False");
    CHECK(condition(st, "MemoryPressure").reason() == "KubeletHasSufficientMemory");
    CHECK(condition(st, "DiskPressure").reason() == "KubeletHasNoDiskPressure");
    CHECK(condition(st, "PIDPressure").reason() == "KubeletHasSufficientPID");
  }
}

TEST_CASE("node conditions: lastTransitionTime kept while the status holds", "[node]") {
  std::vector<runtime::runtime_condition> ok = {{"NetworkReady", true, "", ""}};
  std::vector<runtime::runtime_condition> bad = {{"NetworkReady", false, "X", "y"}};
  auto first = make_node_status(make_settings(), make_host(), containerd(), ok, 100);
  auto same = make_node_status(make_settings(), make_host(), containerd(), ok, 200, &first);
  CHECK(condition(same, "Ready").lasttransitiontime().seconds() == 100);
  CHECK(condition(same, "Ready").lastheartbeattime().seconds() == 200);
  CHECK_FALSE(node_status_changed(first, same));
  auto flipped = make_node_status(make_settings(), make_host(), containerd(), bad, 300, &same);
  CHECK(condition(flipped, "Ready").lasttransitiontime().seconds() == 300);
  CHECK(condition(flipped, "MemoryPressure").lasttransitiontime().seconds() == 100);
  CHECK(node_status_changed(same, flipped));
  auto other_version = make_node_status(make_settings(), make_host(),
                                        {"0.1.0", "containerd", "1.7.0", "v1"}, ok, 200, &first);
  CHECK(node_status_changed(first, other_version));
}

TEST_CASE("host facts: /proc/meminfo and /etc/os-release", "[node]") {
  CHECK(parse_meminfo_total_kib("MemTotal:        8126464 kB\nMemFree:  1 kB\n") == 8126464);
  CHECK(parse_meminfo_total_kib("garbage") == 0);
  CHECK(parse_os_release_pretty_name("NAME=\"Debian\"\nPRETTY_NAME=\"Debian GNU/Linux 12 "
                                     "(bookworm)\"\n") == "Debian GNU/Linux 12 (bookworm)");
  CHECK(parse_os_release_pretty_name("PRETTY_NAME=Alpine\n") == "Alpine");
  CHECK(parse_os_release_pretty_name("") == "Linux");
  auto real = read_host_facts();
  CHECK(real.cpus >= 1);
  CHECK(real.memory_kib > 0);
  CHECK_FALSE(real.kernel_version.empty());
}

TEST_CASE("node_info: --node-labels", "[node]") {
  std::map<std::string, std::string> out;
  CHECK(parse_node_labels("a=1,example.com/b=two,c=", out).empty());
  CHECK(out == std::map<std::string, std::string>{{"a", "1"}, {"c", ""}, {"example.com/b", "two"}});
  CHECK(parse_node_labels("a", out) == "\"a\" is not key=value");
  CHECK(parse_node_labels("-a=1", out).rfind("invalid label key \"-a\": ", 0) == 0);
  CHECK(parse_node_labels("a=b c", out).rfind("invalid label value \"b c\": ", 0) == 0);
}
