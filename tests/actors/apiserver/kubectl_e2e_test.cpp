// The real kubectl 1.32 (/usr/bin/kubectl, temp HOME so no discovery cache leaks in) against a real
// troupe-server process on a free loopback port with its own data dir: what the shared walkthrough
// (tests/cli/cli_e2e_test.cpp, run with troupe and with kubectl) does not cover — kubectl's protobuf
// body for create ns, generation counting across scale and set image, 401 from an outside client.
#include <catch2/catch.hpp>

#include "tests/support/server_process.hpp"

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using troupe::testing::server_binary;
using troupe::testing::sh;
using troupe::testing::slurp;

namespace {

// The shared fixture (tests/support/server_process.hpp), started.
struct cluster {
  troupe::testing::server_process server{"troupe-kubectl"};
  std::string dir = server.dir;
  std::string kubeconfig = server.kubeconfig;
  int port = server.port;
  cluster() { server.start(); }
  troupe::testing::sh_result kubectl(const std::string& args) const { return server.kubectl(args); }
};

} // namespace

TEST_CASE("kubectl 1.32 against troupe-server", "[integration][e2e][kubectl]") {
  if (server_binary().empty() || !fs::exists("/usr/bin/kubectl")) {
    WARN("troupe-server or kubectl missing; skipped");
    return;
  }
  cluster c;
  INFO(slurp(c.server.log()));
  REQUIRE(fs::exists(c.kubeconfig));
  const std::string examples = std::string(TROUPE_TEST_DATA) + "/../../docs/examples/";

  auto r = c.kubectl("create ns demo"); // a protobuf body
  INFO(r.output);
  REQUIRE(r.code == 0);
  CHECK(r.output == "namespace/demo created\n");

  r = c.kubectl("create -f " + examples + "02-deployment.yaml");
  INFO(r.output);
  REQUIRE(r.code == 0);
  CHECK(r.output == "deployment.apps/web created\n");

  r = c.kubectl("get deploy -n demo -o wide");
  INFO(r.output);
  CHECK(r.output.rfind("NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES         SELECTOR\n", 0) == 0);
  CHECK(r.output.find("web    0/3     0            0") != std::string::npos);

  r = c.kubectl("scale deploy web --replicas=5 -n demo");
  CHECK(r.output == "deployment.apps/web scaled\n");
  r = c.kubectl("set image deploy/web web=busybox:1.37 -n demo");
  CHECK(r.output == "deployment.apps/web image updated\n");
  r = c.kubectl("get deploy web -n demo -o jsonpath={.spec.replicas}/{.spec.template.spec.containers[0].image}/{.metadata.generation}");
  CHECK(r.output == "5/busybox:1.37/3");

  r = c.kubectl("label ns demo team=a");
  CHECK(r.output == "namespace/demo labeled\n");
  r = c.kubectl("get ns --show-labels");
  CHECK(r.output.find("team=a") != std::string::npos);

  // Strict server-side validation names the field path.
  std::ofstream(c.dir + "/bad.yaml")
    << "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: demo}\nspec:\n  containers:\n"
       "  - name: c\n    image: busybox\n    livenessProbe: {initialDelaySecands: 3}\n";
  r = c.kubectl("create -f " + c.dir + "/bad.yaml");
  CHECK(r.code != 0);
  CHECK(r.output.find("strict decoding error: unknown field \"spec.containers[0].livenessProbe.initialDelaySecands\"") != std::string::npos);

  r = c.kubectl("delete deploy web -n demo");
  CHECK(r.output == "deployment.apps \"web\" deleted\n");
  r = c.kubectl("get deploy -n demo");
  CHECK(r.output == "No resources found in demo namespace.\n");

  // No token, wrong token: 401.
  auto url = "https://127.0.0.1:" + std::to_string(c.port);
  auto curl = sh("curl -sk -o /dev/null -w '%{http_code}' " + url + "/api/v1/namespaces");
  CHECK(curl.output == "401");
  curl = sh("curl -sk -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer wrong' " + url + "/api/v1/namespaces");
  CHECK(curl.output == "401");
  curl = sh("curl -sk -o /dev/null -w '%{http_code}' " + url + "/version");
  CHECK(curl.output == "200");
}
