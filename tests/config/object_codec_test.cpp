// Round trips of every kind: YAML -> object -> JSON -> object -> protobuf -> object, and the JSON
// written back equals the manifest (the manifests in tests/data/manifests are written in the
// canonical form Kubernetes prints: sorted keys, canonical quantities, empty values left out).
#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>

#include <fstream>
#include <sstream>

#include "config/object_codec.hpp"
#include "config/yaml_codec.hpp"
#include "proto/core_v1.pb.h"

using namespace troupe::config;
using google::protobuf::util::MessageDifferencer;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string manifest(const std::string& name) {
  return read_file(std::string(TROUPE_TEST_DATA) + "/manifests/" + name);
}

} // namespace

TEST_CASE("every kind survives YAML -> JSON -> protobuf and back", "[unit][codec]") {
  struct row {
    const char* file;
    const char* api_version;
    const char* kind;
  };
  const row rows[] = {
    {"pod.yaml", "v1", "Pod"},
    {"node.yaml", "v1", "Node"},
    {"namespace.yaml", "v1", "Namespace"},
    {"service.yaml", "v1", "Service"},
    {"endpoints.yaml", "v1", "Endpoints"},
    {"event.yaml", "v1", "Event"},
    {"configmap.yaml", "v1", "ConfigMap"},
    {"secret.yaml", "v1", "Secret"},
    {"binding.yaml", "v1", "Binding"},
    {"pvc.yaml", "v1", "PersistentVolumeClaim"},
    {"deployment.yaml", "apps/v1", "Deployment"},
    {"replicaset.yaml", "apps/v1", "ReplicaSet"},
    {"daemonset.yaml", "apps/v1", "DaemonSet"},
    {"statefulset.yaml", "apps/v1", "StatefulSet"},
    {"controllerrevision.yaml", "apps/v1", "ControllerRevision"},
    {"job.yaml", "batch/v1", "Job"},
    {"cronjob.yaml", "batch/v1", "CronJob"},
    {"cronjob_v1beta1.yaml", "batch/v1beta1", "CronJob"},
    {"hpa_v2.yaml", "autoscaling/v2", "HorizontalPodAutoscaler"},
    {"hpa_v1.yaml", "autoscaling/v1", "HorizontalPodAutoscaler"},
    {"scale.yaml", "autoscaling/v1", "Scale"},
    {"nodemetrics.yaml", "metrics.k8s.io/v1beta1", "NodeMetrics"},
    {"podmetrics.yaml", "metrics.k8s.io/v1beta1", "PodMetrics"},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.file) {
      const auto text = manifest(r.file);
      auto docs = parse_yaml(text);
      REQUIRE(docs.ok());
      REQUIRE(docs.documents.size() == 1);
      const auto& original = docs.documents[0];

      auto decoded = decode_manifests(text, decode_mode::strict);
      REQUIRE(decoded.size() == 1);
      INFO(decoded[0].message());
      REQUIRE(decoded[0].ok());
      CHECK(decoded[0].kind->api_version() == r.api_version);
      CHECK(decoded[0].kind->kind == r.kind);

      // JSON written back is the manifest itself.
      auto json = encode_json(*decoded[0].kind, *decoded[0].object);
      INFO("written: " << json.dump() << "\noriginal: " << original.dump());
      CHECK(json == original);

      // JSON -> object gives the same message.
      auto again = decode_json_object(json, decode_mode::strict);
      REQUIRE(again.ok());
      CHECK(MessageDifferencer::Equals(*again.object, *decoded[0].object));

      // protobuf envelope -> object gives the same message.
      auto bytes = encode_protobuf(*decoded[0].kind, *decoded[0].object);
      CHECK(bytes.substr(0, 4) == std::string("k8s\0", 4));
      auto from_pb = decode_protobuf(bytes);
      INFO(from_pb.message());
      REQUIRE(from_pb.ok());
      CHECK(from_pb.kind == decoded[0].kind);
      CHECK(MessageDifferencer::Equals(*from_pb.object, *decoded[0].object));
    }
  }
}

TEST_CASE("multi-document YAML and kind List decode every object", "[unit][codec]") {
  const std::string text = R"(---
apiVersion: v1
kind: Namespace
metadata:
  name: a
---
# an empty document is skipped
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: c1
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: c2
)";
  auto objs = decode_manifests(text, decode_mode::strict);
  REQUIRE(objs.size() == 3);
  CHECK(objs[0].kind->kind == "Namespace");
  CHECK(objs[1].kind->kind == "ConfigMap");
  CHECK(encode_json(*objs[2].kind, *objs[2].object)["metadata"]["name"] == "c2");
}

TEST_CASE("decoding rejects bad input with the full field path", "[unit][codec]") {
  struct row {
    const char* name;
    const char* yaml;
    const char* expected; // decoded_object::message()
  };
  const row rows[] = {
    {"unknown nested field",
     "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: i\n"
     "    livenessProbe:\n      initialDelaySecands: 5\n",
     "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field "
     "\"spec.containers[0].livenessProbe.initialDelaySecands\""},
    {"two unknown fields",
     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replica: 3, foo: 1}\n",
     "Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
     "unknown field \"spec.foo\", unknown field \"spec.replica\""},
    {"string where an integer belongs",
     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: three}\n",
     "Deployment in version \"v1\" cannot be handled as a Deployment: spec.replicas: wrong type: "
     "expected integer, got string"},
    {"number where a string belongs",
     "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    env:\n"
     "    - {name: A, value: 1234}\n",
     "Pod in version \"v1\" cannot be handled as a Pod: spec.containers[0].env[0].value: wrong type: "
     "expected string, got number"},
    {"YAML 1.1 boolean where a string belongs",
     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {enabled: yes}\n",
     "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: data[enabled]: wrong type: "
     "expected string, got boolean"},
    {"malformed quantity",
     "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    resources:\n"
     "      limits: {memory: 12 GB}\n",
     "Pod in version \"v1\" cannot be handled as a Pod: spec.containers[0].resources.limits[memory]: "
     "Invalid value: \"12 GB\": quantities must match the regular expression "
     "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"},
    {"malformed time",
     "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1, creationTimestamp: yesterday}\n",
     "Namespace in version \"v1\" cannot be handled as a Namespace: metadata.creationTimestamp: "
     "Invalid value: \"yesterday\": must be an RFC 3339 time, e.g. \"2006-01-02T15:04:05Z\""},
    {"int32 out of range",
     "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 4294967296}\n",
     "Deployment in version \"v1\" cannot be handled as a Deployment: spec.replicas: Invalid value: "
     "4294967296: out of range"},
    {"object where a list belongs",
     "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: {name: c}}\n",
     "Pod in version \"v1\" cannot be handled as a Pod: spec.containers: wrong type: expected array, "
     "got object"},
    {"unknown kind", "apiVersion: v1\nkind: Pdo\nmetadata: {name: p}\n",
     "no matches for kind \"Pdo\" in version \"v1\""},
    {"unknown version", "apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: p}\n",
     "no matches for kind \"Deployment\" in version \"apps/v1beta1\""},
    {"missing kind", "apiVersion: v1\nmetadata: {name: p}\n",
     "Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"p\"}}'"},
    {"YAML syntax error", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  b: c: d\n",
     "error converting YAML to JSON: yaml: line 5: illegal map value"},
  };
  for (const auto& r : rows) {
    DYNAMIC_SECTION(r.name) {
      auto objs = decode_manifests(r.yaml, decode_mode::strict);
      REQUIRE(objs.size() == 1);
      CHECK_FALSE(objs[0].ok());
      CHECK(objs[0].message() == r.expected);
    }
  }
}

TEST_CASE("fieldValidation modes treat unknown fields as errors, warnings or nothing", "[unit][codec]") {
  const char* yaml = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns1, colour: red}\n";
  auto strict = decode_manifests(yaml, decode_mode::strict);
  CHECK_FALSE(strict[0].ok());
  auto warn = decode_manifests(yaml, decode_mode::warn);
  CHECK(warn[0].ok());
  REQUIRE(warn[0].warnings.size() == 1);
  CHECK(warn[0].warnings[0].to_string() == "metadata.colour: unknown field");
  auto ignore = decode_manifests(yaml, decode_mode::ignore);
  CHECK(ignore[0].ok());
  CHECK(ignore[0].warnings.empty());
  // Type errors are errors in every mode.
  auto bad = decode_manifests("apiVersion: v1\nkind: Namespace\nmetadata: {name: 5}\n", decode_mode::ignore);
  CHECK_FALSE(bad[0].ok());
  CHECK(parse_decode_mode("Strict") == decode_mode::strict);
  CHECK(parse_decode_mode("") == decode_mode::warn);
  CHECK(parse_decode_mode("strict") == std::nullopt);
}

TEST_CASE("special value types take their Kubernetes JSON forms", "[unit][codec]") {
  const char* yaml = R"(apiVersion: v1
kind: Pod
metadata:
  name: p
  creationTimestamp: "2026-11-27T09:30:00+01:00"
spec:
  containers:
  - name: c
    image: i
    ports: [{containerPort: 80, name: web}]
    resources: {limits: {cpu: "0.5", memory: 1024Mi}, requests: {cpu: 1, memory: "1e3", ephemeral-storage: 1e3}}
    livenessProbe: {httpGet: {port: web}}
    readinessProbe: {tcpSocket: {port: 80}}
)";
  auto objs = decode_manifests(yaml, decode_mode::strict);
  REQUIRE(objs[0].ok());
  auto j = encode_json(*objs[0].kind, *objs[0].object);
  CHECK(j["metadata"]["creationTimestamp"] == "2026-11-27T08:30:00Z"); // normalised to UTC
  const auto& c = j["spec"]["containers"][0];
  CHECK(c["resources"]["limits"]["cpu"] == "500m"); // canonical quantities
  CHECK(c["resources"]["limits"]["memory"] == "1Gi");
  CHECK(c["resources"]["requests"]["cpu"] == "1");
  CHECK(c["resources"]["requests"]["memory"] == "1e3");           // the text's own form is kept
  CHECK(c["resources"]["requests"]["ephemeral-storage"] == "1k"); // YAML number 1e3 = 1000
  CHECK(c["livenessProbe"]["httpGet"]["port"] == "web"); // IntOrString as string
  CHECK(c["readinessProbe"]["tcpSocket"]["port"] == 80); // IntOrString as int
}

TEST_CASE("serialize_deterministic: the same object gives the same bytes, whatever its maps' "
          "insertion order",
          "[unit][config]") {
  troupe::core::v1::Pod a, b;
  for (int i = 0; i < 40; ++i) {
    (*a.mutable_metadata()->mutable_labels())["k" + std::to_string(i)] = "v" + std::to_string(i);
    (*b.mutable_metadata()->mutable_labels())["k" + std::to_string(39 - i)] = "v" + std::to_string(39 - i);
  }
  a.mutable_metadata()->set_name("demo");
  b.mutable_metadata()->set_name("demo");
  auto* c = a.mutable_spec()->add_containers();
  c->set_name("c");
  c->set_image("busybox:1.36");
  b.mutable_spec()->add_containers()->CopyFrom(*c);
  (*a.mutable_spec()->mutable_nodeselector())["zone"] = "a";
  (*b.mutable_spec()->mutable_nodeselector())["zone"] = "a";

  const std::string bytes = serialize_deterministic(a);
  CHECK(bytes == serialize_deterministic(b));
  CHECK(bytes.size() == a.ByteSizeLong());
  // The keys come sorted: k0 before k1 before k10 ...
  CHECK(bytes.find("k0") < bytes.find("k1"));
  CHECK(bytes.find("k1") < bytes.find("k10"));
  CHECK(bytes.find("k10") < bytes.find("k2"));
  troupe::core::v1::Pod back;
  REQUIRE(back.ParseFromString(bytes));
  CHECK(MessageDifferencer::Equals(back, a));
  CHECK(serialize_deterministic(troupe::core::v1::Pod()).empty());
}
