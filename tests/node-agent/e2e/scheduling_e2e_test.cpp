// Scheduling on the local cluster's shape (issue 6): a real troupe-server (--profile fast) and two
// troupe-node agents, each on its own private containerd (own bridge and subnet), driven with
// real kubectl 1.32: nodeSelector follows `kubectl label nodes` (--overwrite too), nodeName pins,
// pod affinity co-locates, required node affinity waits for a label and preferred falls back,
// required anti-affinity spreads and leaves the excess Pending with kube-scheduler's text,
// `kubectl taint` NoSchedule keeps new pods off and NoExecute evicts, and a node whose troupe-node
// and containerd are stopped goes NotReady, its pods are evicted (STATUS Unknown) and a
// ReplicaSet's pod is recreated on the other node.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "tests/node-agent/e2e/pod_cluster.hpp"

using namespace troupe::testing;

namespace {

struct two_node_cluster : e2e_kubectl<two_node_cluster> {
  private_containerd ctd1{"10.211.0.0/16", "a"};
  private_containerd ctd2{"10.212.0.0/16", "b"};
  server_process server{"troupe-sched-e2e"};
  node_process node1{server, "node1", ctd1.socket};
  node_process node2{server, "node2", ctd2.socket};

  two_node_cluster() {
    REQUIRE(ctd1.started);
    REQUIRE(ctd2.started);
    for (auto* c : {&ctd1, &ctd2})
      REQUIRE(private_containerd::run(repo_root + "/scripts/images --socket " + c->socket + " >/dev/null"));
    server.extra_args = {"--profile", "fast"};
    REQUIRE(server.start());
    node1.node_ip = "10.211.0.1";
    node1.cgroup_parent = ctd1.cgroup_root;
    node2.node_ip = "10.212.0.1";
    node2.cgroup_parent = ctd2.cgroup_root;
    REQUIRE(node1.start());
    REQUIRE(node2.start());
    for (auto* n : {&node1, &node2})
      if (!n->wait_ready())
        FAIL(n->name << " did not become Ready; its log:\n" << slurp(n->log()));
    REQUIRE(kubectl("create namespace e2e").code == 0);
  }

  bool running_on(const std::string& name, const std::string& node) const {
    return eventually([&] {
      return pod(name, "{.spec.nodeName}") == node && pod(name, "{.status.phase}") == "Running";
    }, std::chrono::seconds(90));
  }
};

// A pod of busybox sleeping; `extra` is YAML at spec level (two-space indent).
std::string sleeper(const std::string& name, const std::string& labels, const std::string& extra) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name + "\n  namespace: e2e\n" +
         (labels.empty() ? "" : "  labels:\n" + labels) +
         "spec:\n  terminationGracePeriodSeconds: 1\n" + extra +
         "  containers:\n  - name: app\n    image: busybox:1.30\n    command: [\"sleep\", \"3600\"]\n";
}

const std::string web_anti_affinity =
  "  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
  "      - labelSelector:\n          matchLabels:\n            app: web\n"
  "        topologyKey: kubernetes.io/hostname\n";

} // namespace

TEST_CASE("scheduling on two containerd nodes: selectors, affinity, anti-affinity, taints, a lost node",
          "[e2e][integration][scheduler]") {
  if (auto why = pod_e2e_missing(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  two_node_cluster c;

  // nodeSelector: Pending with the reason, then bound once `kubectl label` makes a node match.
  REQUIRE(c.create(sleeper("ssd", "", "  nodeSelector:\n    disk: ssd\n")).code == 0);
  CHECK(eventually([&] {
    return c.kubectl("get events -n e2e --field-selector involvedObject.name=ssd").output.find(
             "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.") !=
           std::string::npos;
  }, std::chrono::seconds(30)));
  CHECK(c.status_column("ssd") == "Pending");
  REQUIRE(c.kubectl("label nodes node2 disk=ssd").code == 0);
  CHECK(c.running_on("ssd", "node2"));
  CHECK(c.kubectl("describe pod ssd -n e2e").output.find("Successfully assigned e2e/ssd to node2") !=
        std::string::npos);

  // `kubectl label --overwrite` takes node2 out of the selector: a new ssd pod waits, then goes to
  // node1 once it is labelled (the one already running stays: IgnoredDuringExecution).
  REQUIRE(c.kubectl("label nodes node2 disk=hdd --overwrite").code == 0);
  REQUIRE(c.create(sleeper("ssd-2", "", "  nodeSelector:\n    disk: ssd\n")).code == 0);
  CHECK(eventually([&] {
    return c.pod("ssd-2", "{.status.conditions[?(@.type==\"PodScheduled\")].reason}") == "Unschedulable";
  }, std::chrono::seconds(30)));
  REQUIRE(c.kubectl("label nodes node1 disk=ssd").code == 0);
  CHECK(c.running_on("ssd-2", "node1"));
  CHECK(c.pod("ssd", "{.spec.nodeName}") == "node2");

  // nodeName pins a pod: it runs there and the scheduler records nothing for it.
  REQUIRE(c.create(sleeper("pinned", "    app: anchor\n", "  nodeName: node2\n")).code == 0);
  CHECK(c.running_on("pinned", "node2"));
  CHECK(c.events("pinned").find("Scheduled:") == std::string::npos);

  // Pod affinity co-locates with the labelled pod.
  REQUIRE(c.create(sleeper("buddy", "",
                           "  affinity:\n    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                           "      - labelSelector:\n          matchLabels:\n            app: anchor\n"
                           "        topologyKey: kubernetes.io/hostname\n")).code == 0);
  CHECK(c.running_on("buddy", "node2"));

  // Required node affinity no node meets: Pending with kube-scheduler's text until a node is
  // labelled; preferred affinity no node meets falls back to any node.
  REQUIRE(c.create(sleeper("zoned", "",
                           "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
                           "        nodeSelectorTerms:\n        - matchExpressions:\n"
                           "          - {key: zone, operator: In, values: [z9]}\n")).code == 0);
  REQUIRE(c.create(sleeper("hopeful", "",
                           "  affinity:\n    nodeAffinity:\n      preferredDuringSchedulingIgnoredDuringExecution:\n"
                           "      - weight: 50\n        preference:\n          matchExpressions:\n"
                           "          - {key: zone, operator: In, values: [z8]}\n")).code == 0);
  CHECK(eventually([&] {
    return c.pod("zoned", "{.status.conditions[?(@.type==\"PodScheduled\")].message}") ==
           "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector.";
  }, std::chrono::seconds(30)));
  CHECK(eventually([&] { return c.pod("hopeful", "{.status.phase}") == "Running"; }, std::chrono::seconds(60)));
  REQUIRE(c.kubectl("label nodes node1 zone=z9").code == 0);
  CHECK(c.running_on("zoned", "node1"));

  // Required anti-affinity on two nodes: two run apart, the third stays Pending.
  for (auto name : {"web-1", "web-2", "web-3"})
    REQUIRE(c.create(sleeper(name, "    app: web\n", web_anti_affinity)).code == 0);
  std::set<std::string> nodes;
  std::string pending;
  CHECK(eventually([&] {
    nodes.clear();
    pending.clear();
    for (auto name : {"web-1", "web-2", "web-3"}) {
      if (c.pod(name, "{.status.phase}") == "Running")
        nodes.insert(c.pod(name, "{.spec.nodeName}"));
      else if (c.pod(name, "{.status.conditions[?(@.type==\"PodScheduled\")].reason}") == "Unschedulable")
        pending = name;
    }
    return nodes.size() == 2 && !pending.empty();
  }, std::chrono::seconds(90)));
  if (!pending.empty())
    CHECK(c.pod(pending, "{.status.conditions[?(@.type==\"PodScheduled\")].message}") ==
          "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.");
  REQUIRE(c.kubectl("delete pod web-1 web-2 web-3 -n e2e --wait=false").code == 0);

  // `kubectl taint` NoSchedule on node1: new pods go to node2 only.
  REQUIRE(c.kubectl("taint nodes node1 dedicated=infra:NoSchedule").code == 0);
  for (auto name : {"t-1", "t-2", "t-3"})
    REQUIRE(c.create(sleeper(name, "", "")).code == 0);
  for (auto name : {"t-1", "t-2", "t-3"})
    CHECK(c.running_on(name, "node2"));
  REQUIRE(c.kubectl("taint nodes node1 dedicated=infra:NoSchedule-").code == 0);

  // `kubectl taint` NoExecute on node1: what runs there without a toleration is evicted.
  REQUIRE(c.kubectl("taint nodes node1 drain=now:NoExecute").code == 0);
  CHECK(eventually([&] {
    return c.kubectl("get pod zoned -n e2e").output.find("NotFound") != std::string::npos;
  }, std::chrono::seconds(60)));
  CHECK(eventually([&] {
    return c.events("zoned").find("TaintManagerEviction: Marking for deletion Pod e2e/zoned") !=
           std::string::npos;
  }, std::chrono::seconds(10)));
  CHECK(c.pod("t-1", "{.spec.nodeName}") == "node2");  // node2's pods stay
  REQUIRE(c.kubectl("taint nodes node1 drain=now:NoExecute-").code == 0);

  // A ReplicaSet of 2, spread over both nodes by preferred anti-affinity: its controller is what
  // recreates the pod node2 takes with it.
  REQUIRE(c.create("apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: keeper\n  namespace: e2e\n"
                   "spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: keeper\n"
                   "  template:\n    metadata:\n      labels:\n        app: keeper\n    spec:\n"
                   "      terminationGracePeriodSeconds: 1\n"
                   "      affinity:\n        podAntiAffinity:\n          preferredDuringSchedulingIgnoredDuringExecution:\n"
                   "          - weight: 100\n            podAffinityTerm:\n              labelSelector:\n"
                   "                matchLabels:\n                  app: keeper\n"
                   "              topologyKey: kubernetes.io/hostname\n"
                   "      containers:\n      - name: app\n        image: busybox:1.30\n"
                   "        command: [\"sleep\", \"3600\"]\n").code == 0);
  auto keeper_nodes = [&] {
    // "<node> <phase> <deleting?>" per pod of the ReplicaSet, sorted.
    auto r = c.kubectl("get pods -n e2e -l app=keeper -o 'jsonpath={range .items[*]}{.spec.nodeName} "
                       "{.status.phase} {.metadata.deletionTimestamp}{\"\\n\"}{end}'");
    std::multiset<std::string> lines;
    std::istringstream in(r.output);
    for (std::string line; std::getline(in, line);)
      if (!line.empty())
        lines.insert(line);
    return lines;
  };
  CHECK(eventually([&] {
    return keeper_nodes() == std::multiset<std::string>{"node1 Running ", "node2 Running "};
  }, std::chrono::seconds(90)));

  // node2's machine dies: troupe-node killed, its containerd stopped. The Node goes NotReady
  // (Unknown) with the unreachable taint; after the fast profile's 5 s default toleration its
  // pods are evicted (STATUS Unknown); a new pod runs on node1.
  c.node2.kill9();
  c.ctd2.stop();
  CHECK(eventually([&] {
    auto r = c.kubectl("get node node2 --no-headers");
    return r.output.find("NotReady") != std::string::npos;
  }, std::chrono::seconds(60)));
  CHECK(c.kubectl("get node node2 -o 'jsonpath={.spec.taints[*].key}'").output.find(
          "node.kubernetes.io/unreachable") != std::string::npos);
  CHECK(eventually([&] { return c.status_column("t-1") == "Unknown"; }, std::chrono::seconds(60)));
  CHECK(c.pod("t-1", "{.status.reason}") == "NodeLost");
  REQUIRE(c.create(sleeper("after", "", "")).code == 0);
  CHECK(c.running_on("after", "node1"));
  // The ReplicaSet's pod on node2 was evicted too (it stays Terminating while node2 is away, as
  // in Kubernetes) and its replacement runs on node1.
  CHECK(eventually([&] {
    std::multiset<std::string> running;
    for (const auto& line : keeper_nodes())
      if (line == "node1 Running ")  // on node1, Running, not being deleted
        running.insert(line);
    return running.size() == 2;
  }, std::chrono::seconds(60)));
  INFO(c.kubectl("get pods -n e2e -l app=keeper -o wide").output);
  CHECK(c.kubectl("get rs keeper -n e2e -o 'jsonpath={.status.readyReplicas}'").output == "2");
}
