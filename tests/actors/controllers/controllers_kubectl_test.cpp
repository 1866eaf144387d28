// The garbage collector, the namespace controller and deletecollection through a real troupe-server
// process and the real kubectl 1.32: `kubectl delete rs` with each --cascade, `kubectl delete ns`
// waiting until the namespace is gone, `kubectl delete pods --all`, DELETE on a collection.
// The ReplicaSet controller creates the pods the ReplicaSets own.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "tests/support/server_process.hpp"

using troupe::testing::server_process;

namespace {

std::string replica_set_yaml(const std::string& ns, const std::string& name) {
  return "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: " + name + ", namespace: " + ns +
         "}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: " + name +
         "}}\n  template:\n    metadata: {labels: {app: " + name +
         "}}\n    spec: {containers: [{name: c, image: nginx}]}\n";
}

// A ReplicaSet of 2; its controller creates the two pods. Their names as kubectl lists them
// ("bg-xxxxx bg-yyyyy").
std::string make_owned(const server_process& s, const std::string& ns, const std::string& rs) {
  auto file = s.dir + "/" + ns + "-" + rs + ".yaml";
  std::ofstream(file) << replica_set_yaml(ns, rs);
  auto created = s.kubectl("create -f " + file);
  INFO(created.output);
  REQUIRE(created.code == 0);
  std::string names;
  for (int attempt = 0; attempt < 100; ++attempt) {
    names = s.kubectl("-n " + ns + " get pods -l app=" + rs +
                      " -o jsonpath='{.items[*].metadata.name}'").output;
    if (std::count(names.begin(), names.end(), ' ') == 1)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  INFO(names);
  REQUIRE(std::count(names.begin(), names.end(), ' ') == 1);
  return names;
}

std::string pod_names(const server_process& s, const std::string& ns) {
  return s.kubectl("-n " + ns + " get pods -o jsonpath='{.items[*].metadata.name}'").output;
}

// The pod names once they are `expected` (or what they are after 10 s). The ReplicaSet and pod
// watches are not ordered with each other: a ReplicaSet controller that sees its pods go before
// its own deletion may create one more, which the garbage collector then deletes (as in
// Kubernetes).
std::string pod_names_settled(const server_process& s, const std::string& ns, const std::string& expected) {
  std::string names;
  for (int attempt = 0; attempt < 100; ++attempt) {
    names = pod_names(s, ns);
    if (names == expected)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return names;
}

} // namespace

TEST_CASE("kubectl delete rs: Background deletes its pods, --cascade=orphan keeps them unowned, --cascade=foreground deletes them first", "[integration][controllers_e2e]") {
  server_process s("troupe-gc");
  REQUIRE(s.start());
  REQUIRE(s.kubectl("create ns gc").code == 0);

  const auto bg = make_owned(s, "gc", "bg");
  REQUIRE(pod_names(s, "gc") == bg);
  auto del = s.kubectl("-n gc delete rs bg");
  CHECK(del.output == "replicaset.apps \"bg\" deleted\n");
  // kubectl returned once the ReplicaSet was gone; the pods follow.
  auto first = bg.substr(0, bg.find(' ')), second = bg.substr(bg.find(' ') + 1);
  auto wait = s.kubectl("-n gc wait --for=delete pod/" + first + " pod/" + second + " --timeout=10s");
  INFO(wait.output);
  CHECK(wait.code == 0);
  CHECK(pod_names_settled(s, "gc", "").empty());

  const auto orph = make_owned(s, "gc", "orph");
  del = s.kubectl("-n gc delete rs orph --cascade=orphan");
  CHECK(del.code == 0);
  CHECK(s.kubectl("-n gc get rs orph").code != 0);
  CHECK(pod_names(s, "gc") == orph);
  auto owners = s.kubectl("-n gc get pods -o jsonpath='{.items[*].metadata.ownerReferences}'");
  CHECK(owners.code == 0);
  CHECK(owners.output.empty());

  make_owned(s, "gc", "fg");
  del = s.kubectl("-n gc delete rs fg --cascade=foreground");
  INFO(del.output);
  CHECK(del.code == 0);
  // Foreground: by the time the ReplicaSet is gone (kubectl waited for that), its pods are gone.
  CHECK(s.kubectl("-n gc get rs fg").code != 0);
  CHECK(pod_names_settled(s, "gc", orph) == orph);
}

TEST_CASE("kubectl delete pods --all, DELETE on a collection with a selector, kubectl delete ns", "[integration][controllers_e2e]") {
  server_process s("troupe-ns");
  REQUIRE(s.start());
  REQUIRE(s.kubectl("create ns x").code == 0);
  for (const auto* name : {"a", "b", "c"})
    REQUIRE(s.kubectl(std::string("-n x run ") + name + " --image=busybox -l tier=" + (name[0] == 'c' ? "db" : "web")).code == 0);

  auto removed = s.curl_api("/api/v1/namespaces/x/pods?labelSelector=tier%3Dweb", "-X DELETE");
  INFO(removed.output);
  CHECK(removed.output.find("\"kind\":\"PodList\"") != std::string::npos);
  CHECK(pod_names(s, "x") == "c");
  auto not_allowed = s.curl_api("/api/v1/namespaces", "-X DELETE");
  CHECK(not_allowed.output.find("\"code\":405") != std::string::npos);

  REQUIRE(s.kubectl("-n x run d --image=busybox").code == 0);
  auto all = s.kubectl("-n x delete pods --all");
  CHECK(all.output == "pod \"c\" deleted\npod \"d\" deleted\n");
  CHECK(pod_names(s, "x").empty());

  REQUIRE(s.kubectl("-n x run e --image=busybox").code == 0);
  REQUIRE(s.kubectl("-n x create deployment web --image=nginx").code == 0);
  REQUIRE(s.kubectl("-n x create configmap settings --from-literal=a=b").code == 0);
  auto del = s.kubectl("delete ns x --timeout=30s");
  INFO(del.output);
  CHECK(del.code == 0);
  CHECK(del.output == "namespace \"x\" deleted\n");
  auto gone = s.kubectl("get ns x");
  CHECK(gone.code != 0);
  CHECK(gone.output.find("namespaces \"x\" not found") != std::string::npos);
  auto left = s.kubectl("-n x get pods,deployments,configmaps -o name").output;
  CHECK(left.find("pod/") == std::string::npos);
  CHECK(left.find("deployment.apps/") == std::string::npos);
  CHECK(left.find("configmap/") == std::string::npos);
}
