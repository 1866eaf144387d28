// The troupe CLI against a real troupe-server process (free loopback ports, temp data dir), the
// issue's walkthrough, plus real kubectl 1.32 and troupe printing `get` for the same objects.
// The server comes from tests/support/server_process.hpp.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "tests/support/server_process.hpp"

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;
using ::troupe::testing::server_process;
using ::troupe::testing::sh;
using ::troupe::testing::slurp;

namespace {

// The shared server fixture plus what these tests need: the CLI with extra environment (EDITOR),
// kubectl, and files in the temp dir.
struct cluster {
  server_process server{"troupe-cli"};
  std::string dir, kubeconfig;
  bool started = false;

  cluster() {
    started = server.start();
    dir = server.dir;
    kubeconfig = server.kubeconfig;
  }

  // The CLI under test: "troupe" (ours) or "kubectl" (the real 1.32): the walkthrough runs with both.
  std::string tool = "troupe";
  std::string binary() const { return tool == "kubectl" ? "/usr/bin/kubectl" : ::troupe::testing::cli_binary(); }
  ::troupe::testing::sh_result troupe(const std::string& args, const std::string& env = {}) const {
    return sh(env + " HOME=" + dir + " " + binary() + " --kubeconfig " + kubeconfig + " " + args);
  }
  ::troupe::testing::sh_result kubectl(const std::string& args) const { return server.kubectl(args); }
  std::string file(const std::string& name, const std::string& text) const {
    std::ofstream(dir + "/" + name) << text;
    return dir + "/" + name;
  }
  std::string log() const { return slurp(server.log()); }
};

const char* pod_yaml = R"(apiVersion: v1
kind: Pod
metadata: {name: p1, namespace: demo, labels: {app: p1}}
spec:
  containers: [{name: c, image: busybox:1.36}]
)";

const char* rs_yaml = R"(apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs1, namespace: demo}
spec:
  replicas: 2
  selector: {matchLabels: {app: rs1}}
  template:
    metadata: {labels: {app: rs1}}
    spec:
      containers: [{name: c, image: busybox:1.36}]
)";

const char* deploy_yaml = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: demo, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: busybox:1.36}]
)";

const char* hpa_yaml = R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: demo}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 5
)";

const char* node_yaml = R"(apiVersion: v1
kind: Node
metadata: {name: n1, labels: {kubernetes.io/hostname: n1}}
spec: {}
)";

bool available() {
  if (::troupe::testing::server_binary().empty() || ::troupe::testing::cli_binary().empty()) {
    WARN("troupe-server or troupe missing; skipped");
    return false;
  }
  return true;
}

// A ReplicaSet owned by the deployment, as the (future) deployment controller would write it.
std::string owned_rs(const std::string& deploy_uid, int revision, const std::string& image, const std::string& cause) {
  json rs = {{"apiVersion", "apps/v1"}, {"kind", "ReplicaSet"},
             {"metadata", {{"name", "web-r" + std::to_string(revision)}, {"namespace", "demo"},
                           {"labels", {{"app", "web"}, {"pod-template-hash", "h" + std::to_string(revision)}}},
                           {"annotations", {{"deployment.kubernetes.io/revision", std::to_string(revision)}}},
                           {"ownerReferences", {{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", "web"},
                                                 {"uid", deploy_uid}, {"controller", true}}}}}},
             {"spec", {{"replicas", 0},
                       {"selector", {{"matchLabels", {{"app", "web"}, {"pod-template-hash", "h" + std::to_string(revision)}}}}},
                       {"template", {{"metadata", {{"labels", {{"app", "web"}, {"pod-template-hash", "h" + std::to_string(revision)}}}}},
                                     {"spec", {{"containers", {{{"name", "web"}, {"image", image}}}}}}}}}}};
  if (!cause.empty())
    rs["metadata"]["annotations"]["kubernetes.io/change-cause"] = cause;
  return rs.dump();
}

} // namespace

TEST_CASE("the walkthrough against troupe-server, with troupe and with kubectl 1.32", "[cli][integration][e2e]") {
  if (!available())
    return;
  const std::string tool = GENERATE(as<std::string>{}, "troupe", "kubectl");
  if (tool == "kubectl" && !fs::exists("/usr/bin/kubectl")) {
    WARN("kubectl missing; skipped");
    return;
  }
  cluster c;
  c.tool = tool;
  INFO(tool);
  INFO(c.log());
  REQUIRE(c.started);

  auto r = c.troupe("create ns demo");
  INFO(r.output);
  REQUIRE(r.code == 0);
  CHECK(r.output == "namespace/demo created\n");

  r = c.troupe("create -f " + c.file("pod.yaml", pod_yaml) + " -f " + c.file("rs.yaml", rs_yaml) + " -f "
               + c.file("deploy.yaml", deploy_yaml) + " -f " + c.file("hpa.yaml", hpa_yaml));
  CHECK(r.code == 0);
  CHECK(r.output == "pod/p1 created\nreplicaset.apps/rs1 created\ndeployment.apps/web created\n"
                    "horizontalpodautoscaler.autoscaling/web created\n");

  r = c.troupe("get rs -n demo -o wide");
  CHECK(r.output.rfind("NAME   DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES         SELECTOR\n", 0) == 0);
  r = c.troupe("get pods -n demo --show-labels");
  CHECK(std::regex_search(r.output, std::regex("p1 +0/1 +Pending +0 +\\S+ +app=p1\n")));
  r = c.troupe("get deploy web -n demo -o yaml");
  CHECK(r.output.find("kind: Deployment\n") != std::string::npos);
  CHECK(r.output.find("  creationTimestamp: \"") != std::string::npos);

  // A node through the API, then label it.
  r = c.troupe("create -f " + c.file("node.yaml", node_yaml));
  CHECK(r.output == "node/n1 created\n");
  r = c.troupe("label node n1 disk=ssd");
  CHECK(r.output == "node/n1 labeled\n");
  r = c.troupe("label node n1 disk=hdd");
  CHECK(r.code == 1);
  CHECK(r.output == "error: 'disk' already has a value (ssd), and --overwrite is false\n");
  r = c.troupe("taint node n1 dedicated=gpu:NoSchedule");
  CHECK(r.output == "node/n1 tainted\n");

  r = c.troupe("scale rs rs1 --replicas=3 -n demo");
  CHECK(r.output == "replicaset.apps/rs1 scaled\n");
  r = c.troupe("set image deploy/web web=busybox:1.37 -n demo");
  CHECK(r.output == "deployment.apps/web image updated\n");

  // edit with a scripted editor
  auto editor = c.file("editor.sh", "#!/bin/sh\nsed -i 's/replicas: 3/replicas: 4/' \"$1\"\n");
  fs::permissions(editor, fs::perms::owner_all);
  r = c.troupe("edit rs rs1 -n demo", "EDITOR=" + editor);
  CHECK(r.output == "replicaset.apps/rs1 edited\n");
  r = c.troupe("get rs rs1 -n demo -o json");
  CHECK(json::parse(r.output)["spec"]["replicas"] == 4);
  r = c.troupe("edit rs rs1 -n demo", "EDITOR=true");
  CHECK(r.output == "Edit cancelled, no changes made.\n");

  // rollout history / undo from hand-made owned ReplicaSets
  auto uid = json::parse(c.troupe("get deploy web -n demo -o json").output)["metadata"]["uid"].get<std::string>();
  c.troupe("create -f " + c.file("r1.json", owned_rs(uid, 1, "busybox:1.36", "first")));
  c.troupe("create -f " + c.file("r2.json", owned_rs(uid, 2, "busybox:1.37", "")));
  r = c.troupe("rollout history deploy/web -n demo");
  CHECK(r.output == "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         first\n2         <none>\n\n");
  // The deployment controller would have written the revision annotation that undo's JSON patch
  // replaces (a replace of a missing /metadata/annotations fails, as upstream).
  CHECK(c.troupe("annotate deploy web deployment.kubernetes.io/revision=2 -n demo").output
        == "deployment.apps/web annotated\n");
  r = c.troupe("rollout undo deploy/web -n demo --to-revision=1");
  CHECK(r.output == "deployment.apps/web rolled back\n");
  r = c.troupe("get deploy web -n demo -o json");
  CHECK(json::parse(r.output)["spec"]["template"]["spec"]["containers"][0]["image"] == "busybox:1.36");

  // rollout status follows the deployment's status (written here as its controller would)
  auto gen = json::parse(c.troupe("get deploy web -n demo -o json").output)["metadata"]["generation"].get<int>();
  r = c.troupe("patch deploy web -n demo --subresource=status --type=merge -p '{\"status\":{\"observedGeneration\":"
               + std::to_string(gen) + ",\"replicas\":2,\"updatedReplicas\":1}}'");
  CHECK(r.output == "deployment.apps/web patched\n");
  auto status_out = c.dir + "/status.out";
  std::system(("HOME=" + c.dir + " timeout 20 " + c.binary() + " --kubeconfig " + c.kubeconfig
               + " rollout status deploy/web -n demo > " + status_out + " 2>&1 &").c_str());
  std::this_thread::sleep_for(1500ms);
  c.troupe("patch deploy web -n demo --subresource=status --type=merge -p "
           "'{\"status\":{\"updatedReplicas\":2,\"availableReplicas\":2}}'");
  for (int i = 0; i < 100 && slurp(status_out).find("successfully") == std::string::npos; ++i)
    std::this_thread::sleep_for(100ms);
  CHECK(slurp(status_out) == "Waiting for deployment \"web\" rollout to finish: 1 out of 2 new replicas have been updated...\n"
                             "deployment \"web\" successfully rolled out\n");

  // apply: created, unchanged, configured
  auto cm = c.file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm1, namespace: demo}\ndata: {a: '1'}\n");
  CHECK(c.troupe("apply -f " + cm).output == "configmap/cm1 created\n");
  CHECK(c.troupe("apply -f " + cm).output == "configmap/cm1 unchanged\n");
  c.file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm1, namespace: demo}\ndata: {b: '2'}\n");
  CHECK(c.troupe("apply -f " + cm).output == "configmap/cm1 configured\n");
  CHECK(json::parse(c.troupe("get cm cm1 -n demo -o json").output)["data"] == json{{"b", "2"}});

  // strict validation names the field path
  r = c.troupe("create -f " + c.file("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: bad, namespace: demo}\n"
                                                 "spec:\n  containers:\n  - name: c\n    image: busybox\n"
                                                 "    livenessProbe: {initialDelaySecands: 3}\n"));
  CHECK(r.code == 1);
  CHECK(r.output.find("strict decoding error: unknown field \"spec.containers[0].livenessProbe.initialDelaySecands\"")
        != std::string::npos);

  // get -w prints ADDED/MODIFIED/DELETED rows
  auto watch_out = c.dir + "/watch.out";
  auto watch_cmd = "HOME=" + c.dir + " timeout 6 " + c.binary() + " --kubeconfig " + c.kubeconfig
                   + " get pods -n demo -w --output-watch-events > " + watch_out + " 2>&1 &";
  std::system(watch_cmd.c_str());
  std::this_thread::sleep_for(1500ms);
  c.troupe("run w1 --image=busybox -n demo");
  c.troupe("label pod w1 x=y -n demo");
  c.troupe("delete pod w1 -n demo --wait=false");
  std::this_thread::sleep_for(5500ms);
  auto watched = slurp(watch_out);
  INFO(watched);
  // (The NAME column is as wide as the longest name: rs1's pods, made by the ReplicaSet controller.)
  CHECK(std::regex_search(watched, std::regex("^EVENT +NAME +READY +STATUS +RESTARTS +AGE\nADDED +p1 ")));
  CHECK(std::regex_search(watched, std::regex("\nADDED +w1 ")));
  CHECK(std::regex_search(watched, std::regex("\nMODIFIED +w1 ")));
  CHECK(std::regex_search(watched, std::regex("\nDELETED +w1 ")));

  // delete -f, then the namespace (waits until the namespace controller has removed it)
  r = c.troupe("delete -f " + c.dir + "/rs.yaml -f " + c.dir + "/hpa.yaml");
  CHECK(r.output == "replicaset.apps \"rs1\" deleted\nhorizontalpodautoscaler.autoscaling \"web\" deleted\n");
  r = c.troupe("delete -f " + c.dir + "/rs.yaml");
  CHECK(r.code == 1);
  CHECK(r.output == "Error from server (NotFound): error when deleting \"" + c.dir
                      + "/rs.yaml\": replicasets.apps \"rs1\" not found\n");
  r = c.troupe("delete ns demo --timeout=60s");
  CHECK(r.output.find("namespace \"demo\" deleted\n") == 0);
  CHECK(r.code == 0);
  r = c.troupe("get ns demo");
  CHECK(r.output == "Error from server (NotFound): namespaces \"demo\" not found\n");

  // 401 without a token and with a wrong one
  auto no_token = c.file("no-token.kubeconfig", std::regex_replace(slurp(c.kubeconfig), std::regex("token: .*"), "{}"));
  r = c.troupe("get pods --kubeconfig " + no_token + " </dev/null");
  CHECK(r.code == 1);
  // kubectl, finding no credentials, first asks for a basic-auth user name (deprecated; troupe
  // does not ask), gets EOF from stdin and stops.
  CHECK(r.output == (c.tool == "kubectl" ? "Please enter Username: error: EOF\n"
                                          : "error: You must be logged in to the server (Unauthorized)\n"));
  r = c.troupe("get pods --token wrong");
  CHECK(r.code == 1);
  CHECK(r.output == "error: You must be logged in to the server (Unauthorized)\n");
}

TEST_CASE("troupe get and describe print what kubectl 1.32 prints", "[cli][integration][e2e][kubectl]") {
  if (!available() || !fs::exists("/usr/bin/kubectl")) {
    WARN("kubectl missing; skipped");
    return;
  }
  cluster c;
  INFO(c.log());
  REQUIRE(c.started);
  REQUIRE(c.troupe("create ns demo").code == 0);
  REQUIRE(c.troupe("create -f " + c.file("all.yaml", std::string(pod_yaml) + "---\n" + rs_yaml + "---\n" + deploy_yaml
                                                          + "---\n" + hpa_yaml + "---\n" + node_yaml))
            .code == 0);
  // AGE cells may differ by a second between the two runs.
  auto mask = [](const std::string& s) { return std::regex_replace(s, std::regex("\\b[0-9]+s\\b"), "AGE"); };
  for (const char* args : {"get pods -n demo", "get pods -n demo -o wide", "get pods -n demo --show-labels",
                           "get rs,deploy,hpa -n demo -o wide", "get all -n demo", "get pods,rs -A",
                           "get deploy,ns -A --show-labels", "get nodes -o wide", "get ns", "get pods -n nowhere",
                           "get deploy web -n demo -o yaml", "get deploy web -n demo -o json",
                           "get pods -n demo -o name", "get pod nope -n demo", "api-resources",
                           "describe pod p1 -n demo", "describe rs rs1 -n demo", "describe deploy web -n demo",
                           "describe hpa web -n demo", "describe node n1", "describe ns demo",
                           "rollout history deploy web -n demo"}) {
    INFO(args);
    auto k = c.kubectl(args);
    auto t = c.troupe(args);
    CHECK(t.code == k.code);
    CHECK(mask(t.output) == mask(k.output));
  }

  // Client-side apply records the same last-applied-configuration, so each sees the other's as unchanged.
  auto cm = c.file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shared, namespace: demo}\ndata: {a: '1'}\n");
  CHECK(c.kubectl("apply -f " + cm).output == "configmap/shared created\n");
  CHECK(c.troupe("apply -f " + cm).output == "configmap/shared unchanged\n");
  CHECK(c.troupe("delete cm shared -n demo").output == "configmap \"shared\" deleted\n");
  CHECK(c.troupe("apply -f " + cm).output == "configmap/shared created\n");
  CHECK(c.kubectl("apply -f " + cm).output == "configmap/shared unchanged\n");
}
