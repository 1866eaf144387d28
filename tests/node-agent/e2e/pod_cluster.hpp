#pragma once
// The end-to-end pod tests' cluster: a private containerd with the local images, a real
// troupe-server and one troupe-node ("node1", fast profile: backoff 1 s doubling to 10 s) joined
// to it, driven with real kubectl 1.32. Pods are pinned with spec.nodeName: node1. Header-only.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "tests/support/containerd_fixture.hpp"
#include "tests/support/node_process.hpp"
#include "tests/support/server_process.hpp"

namespace troupe::testing {

/// Why the pod e2e tests cannot run here ("" = they can).
inline std::string pod_e2e_missing() {
  if (auto why = missing_prerequisite(); !why.empty())
    return why;
  if (server_binary().empty() || node_binary().empty())
    return "troupe-server or troupe-node not built";
  if (!std::filesystem::exists("/usr/bin/kubectl"))
    return "kubectl missing";
  return "";
}

/// kubectl against `Cluster::server` in namespace e2e, shared by the e2e clusters (CRTP: the
/// cluster owns its server).
template <class Cluster>
struct e2e_kubectl {
  int manifests = 0;

  const server_process& api() const { return static_cast<const Cluster*>(this)->server; }

  sh_result kubectl(const std::string& args) const { return api().kubectl(args); }

  /// kubectl create -f of `yaml` (written to a file in the server's dir).
  sh_result create(const std::string& yaml) {
    const std::string path = api().dir + "/manifest-" + std::to_string(++manifests) + ".yaml";
    std::ofstream(path) << yaml;
    return kubectl("create -f " + path);
  }

  /// jsonpath of pod `name` in namespace e2e ("" on error).
  std::string pod(const std::string& name, const std::string& jsonpath) const {
    auto r = kubectl("get pod " + name + " -n e2e -o 'jsonpath=" + jsonpath + "'");
    return r.code == 0 ? r.output : std::string{};
  }

  /// "REASON: message" lines of the events about pod `name`.
  std::string events(const std::string& name) const {
    return kubectl("get events -n e2e -o 'jsonpath={range .items[?(@.involvedObject.name==\"" + name +
                   "\")]}{.reason}: {.message}{\"\\n\"}{end}'")
        .output;
  }

  /// The STATUS column of `kubectl get pod`.
  std::string status_column(const std::string& name) const {
    auto r = kubectl("get pod " + name + " -n e2e --no-headers");
    std::istringstream in(r.output);
    std::string pod_name, ready, status;
    in >> pod_name >> ready >> status;
    return status;
  }
};

struct pod_cluster : e2e_kubectl<pod_cluster> {
  private_containerd ctd{"10.211.0.0/16"};
  server_process server{"troupe-pod-e2e"};
  node_process node{server, "node1", ctd.socket};

  pod_cluster() {
    REQUIRE(ctd.started);
    REQUIRE(private_containerd::run(repo_root + "/scripts/images --socket " + ctd.socket + " >/dev/null"));
    REQUIRE(server.start());
    node.node_ip = "10.211.0.1";
    node.cgroup_parent = ctd.cgroup_root;
    REQUIRE(node.start());
    if (!node.wait_ready()) {
      FAIL("node1 did not become Ready; its log:\n" << slurp(node.log()) << "\nserver log:\n"
                                                   << slurp(server.log()));
    }
    REQUIRE(kubectl("create namespace e2e").code == 0);
  }

  /// A diagnostic dump for INFO(): the pod, its events, the agent's log tail.
  std::string dump(const std::string& name) const {
    auto log = slurp(node.log());
    if (log.size() > 4000)
      log = log.substr(log.size() - 4000);
    return kubectl("get pod " + name + " -n e2e -o yaml").output + "\nevents:\n" + events(name) +
           "\nnode log tail:\n" + log;
  }
};

/// A minimal pod manifest pinned to node1 in namespace e2e; `spec_tail` is YAML at spec level
/// (indented by two spaces), e.g. "  restartPolicy: Never\n  containers:\n  - ...".
inline std::string pod_yaml(const std::string& name, const std::string& spec_tail) {
  return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: " + name +
         "\n  namespace: e2e\nspec:\n  nodeName: node1\n  terminationGracePeriodSeconds: 5\n" + spec_tail;
}

} // namespace troupe::testing
