// Strategic merge patch against the real schemas, with the bodies kubectl sends (set image,
// set resources, edit, client-side apply) and the upstream apimachinery cases for directives and
// element order. Expected documents are written from upstream's semantics, not from our output.
#include <catch2/catch.hpp>

#include "config/json_codec.hpp"
#include "config/strategic_merge_patch.hpp"
#include "config/strategic_patch_schema.hpp"
#include "proto/apps_v1.pb.h"
#include "proto/core_v1.pb.h"
#include "proto/meta.pb.h"

#include <string>
#include <vector>

namespace {

using nlohmann::json;
using namespace troupe::config;
namespace pb = google::protobuf;

struct smp_case {
  std::string name;
  std::string doc;
  std::string patch;
  std::string expected;  // empty: an error whose message contains `error`
  std::string error = {};
};

void run(const std::vector<smp_case>& cases, const pb::Descriptor* schema) {
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) {
      auto r = apply_strategic_merge_patch(json::parse(c.doc), json::parse(c.patch), schema);
      if (c.expected.empty()) {
        REQUIRE_FALSE(r.ok());
        INFO("message: " << r.error().message);
        CHECK_THAT(r.error().message, Catch::Contains(c.error));
      } else {
        if (!r.ok()) FAIL(r.error().message);
        INFO("result: " << r.value().dump());
        CHECK(r.value() == json::parse(c.expected));
      }
    }
  }
}

// A Deployment with the given pod template spec.
std::string deployment(const std::string& pod_spec, const std::string& extra_spec = "") {
  return R"({"metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":3,)" + extra_spec +
         R"("selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":)" +
         pod_spec + "}}}";
}

std::string pod(const std::string& pod_spec) { return R"({"metadata":{"name":"p"},"spec":)" + pod_spec + "}"; }

const pb::Descriptor* deployment_schema() { return troupe::apps::v1::Deployment::descriptor(); }
const pb::Descriptor* pod_schema() { return troupe::core::v1::Pod::descriptor(); }

const std::string two_containers =
    R"({"containers":[{"name":"nginx","image":"nginx:1.17.1","ports":[{"containerPort":80}]},
                      {"name":"sidecar","image":"busybox","args":["sleep","3600"]}]})";

} // namespace

TEST_CASE("strategic merge patch: kubectl set image, set resources, edit, apply", "[unit][patch]") {
  run({{"set image with $setElementOrder naming one of two containers", deployment(two_containers),
        R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],
            "containers":[{"image":"nginx:1.17.8","name":"nginx"}]}}}})",
        deployment(R"({"containers":[{"name":"nginx","image":"nginx:1.17.8","ports":[{"containerPort":80}]},
                       {"name":"sidecar","image":"busybox","args":["sleep","3600"]}]})")},
       {"set image of the second container keeps both in order", deployment(two_containers),
        R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],
            "containers":[{"image":"busybox:1.36","name":"sidecar"}]}}}})",
        deployment(R"({"containers":[{"name":"nginx","image":"nginx:1.17.1","ports":[{"containerPort":80}]},
                       {"name":"sidecar","image":"busybox:1.36","args":["sleep","3600"]}]})")},
       {"set resources merges requests into existing resources",
        deployment(R"({"containers":[{"name":"nginx","image":"nginx","resources":{"limits":{"memory":"128Mi"},
                                      "requests":{"memory":"64Mi"}}}]})"),
        R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],
            "containers":[{"name":"nginx","resources":{"requests":{"cpu":"200m"}}}]}}}})",
        deployment(R"({"containers":[{"name":"nginx","image":"nginx","resources":{"limits":{"memory":"128Mi"},
                                      "requests":{"cpu":"200m","memory":"64Mi"}}}]})")},
       {"edit's two-way diff", deployment(two_containers),
        R"({"metadata":{"labels":{"edited":"yes"}},"spec":{"replicas":4}})",
        R"({"metadata":{"name":"web","labels":{"app":"web","edited":"yes"}},"spec":{"replicas":4,
            "selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":)" +
            two_containers + "}}}"},
       {"client-side apply: last-applied annotation, replicas and image",
        deployment(R"({"containers":[{"name":"nginx","image":"nginx:1.17.1"}]})"),
        R"({"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"kind\":\"Deployment\"}\n"}},
            "spec":{"replicas":5,"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],
            "containers":[{"image":"nginx:1.17.8","name":"nginx"}]}}}})",
        R"({"metadata":{"name":"web","labels":{"app":"web"},
            "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"kind\":\"Deployment\"}\n"}},
            "spec":{"replicas":5,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},
            "spec":{"containers":[{"name":"nginx","image":"nginx:1.17.8"}]}}}})"},
       {"client-side apply removing a field with null",
        deployment(R"({"containers":[{"name":"nginx","image":"nginx","imagePullPolicy":"Always"}]})"),
        R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],
            "containers":[{"imagePullPolicy":null,"name":"nginx"}]}}}})",
        deployment(R"({"containers":[{"name":"nginx","image":"nginx"}]})")}},
      deployment_schema());
}

TEST_CASE("strategic merge patch: merge keys of the core and apps schemas", "[unit][patch]") {
  run({{"container ports merge by containerPort, in $setElementOrder's order",
        pod(R"({"containers":[{"name":"c","ports":[{"containerPort":80,"name":"http"}]}]})"),
        R"({"spec":{"containers":[{"name":"c","$setElementOrder/ports":[{"containerPort":80},{"containerPort":443}],
            "ports":[{"containerPort":443,"name":"https"}]}]}})",
        pod(R"({"containers":[{"name":"c","ports":[{"containerPort":80,"name":"http"},
                                                    {"containerPort":443,"name":"https"}]}]})")},
       {"a port added by a bare patch goes first, as upstream does",
        pod(R"({"containers":[{"name":"c","ports":[{"containerPort":80,"name":"http"}]}]})"),
        R"({"spec":{"containers":[{"name":"c","ports":[{"containerPort":443}]}]}})",
        pod(R"({"containers":[{"name":"c","ports":[{"containerPort":443},{"containerPort":80,"name":"http"}]}]})")},
       {"env by name: $patch delete one, change another",
        pod(R"({"containers":[{"name":"c","env":[{"name":"A","value":"1"},{"name":"B","value":"2"},
                                                  {"name":"C","value":"3"}]}]})"),
        R"({"spec":{"containers":[{"name":"c","$setElementOrder/env":[{"name":"A"},{"name":"C"}],
            "env":[{"name":"B","$patch":"delete"},{"name":"C","value":"30"}]}]}})",
        pod(R"({"containers":[{"name":"c","env":[{"name":"A","value":"1"},{"name":"C","value":"30"}]}]})")},
       {"a list without a strategy (args) is replaced",
        pod(R"({"containers":[{"name":"c","args":["a","b"]}]})"),
        R"({"spec":{"containers":[{"name":"c","args":["z"]}]}})", pod(R"({"containers":[{"name":"c","args":["z"]}]})")},
       {"pod conditions merge by type",
        R"({"status":{"conditions":[{"type":"Ready","status":"True"},{"type":"PodScheduled","status":"True"}]}})",
        R"({"status":{"conditions":[{"type":"Ready","status":"False","reason":"ContainersNotReady"}]}})",
        R"({"status":{"conditions":[{"type":"Ready","status":"False","reason":"ContainersNotReady"},
                                    {"type":"PodScheduled","status":"True"}]}})"},
       {"volumes: $retainKeys drops the old volume source (an inline member)",
        pod(R"({"volumes":[{"name":"v","configMap":{"name":"cm"}},{"name":"w","emptyDir":{}}]})"),
        R"({"spec":{"$setElementOrder/volumes":[{"name":"v"},{"name":"w"}],
            "volumes":[{"$retainKeys":["emptyDir","name"],"emptyDir":{},"name":"v"}]}})",
        pod(R"({"volumes":[{"name":"v","emptyDir":{}},{"name":"w","emptyDir":{}}]})")},
       {"resource maps merge key by key, quantities replace",
        pod(R"({"containers":[{"name":"c","resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]})"),
        R"({"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"500m","memory":null}}}]}})",
        pod(R"({"containers":[{"name":"c","resources":{"limits":{"cpu":"500m"}}}]})")}},
      pod_schema());

  run({{"deployment conditions merge by type",
        R"({"status":{"conditions":[{"type":"Available","status":"True"},{"type":"Progressing","status":"True"}]}})",
        R"({"status":{"conditions":[{"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded"}]}})",
        R"({"status":{"conditions":[{"type":"Available","status":"True"},
            {"type":"Progressing","status":"False","reason":"ProgressDeadlineExceeded"}]}})"},
       {"$retainKeys on the strategy: switching to Recreate drops rollingUpdate",
        deployment(two_containers, R"("strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},)"),
        R"({"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"}}})",
        deployment(two_containers, R"("strategy":{"type":"Recreate"},)")},
       {"$retainKeys alone clears unlisted keys",
        deployment(two_containers, R"("strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},)"),
        R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}})",
        deployment(two_containers, R"("strategy":{"type":"Recreate"},)")},
       {"an IntOrString is replaced whole",
        deployment(two_containers, R"("strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%"}},)"),
        R"({"spec":{"strategy":{"rollingUpdate":{"maxSurge":2}}}})",
        deployment(two_containers, R"("strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":2}},)")},
       {"$retainKeys with a patched key it does not list is rejected",
        deployment(two_containers, R"("strategy":{"type":"RollingUpdate"},)"),
        R"({"spec":{"strategy":{"$retainKeys":["type"],"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}})",
        "", "invalid patch format of retainKeys"}},
      deployment_schema());
}

TEST_CASE("strategic merge patch: object metadata (ownerReferences, finalizers, labels)", "[unit][patch]") {
  const std::string owners =
      R"({"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs1","uid":"u1","controller":true}]})";
  run({{"ownerReferences merge by uid", owners,
        R"({"ownerReferences":[{"uid":"u1","blockOwnerDeletion":true}]})",
        R"({"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs1","uid":"u1","controller":true,
                                "blockOwnerDeletion":true}]})"},
       {"a new ownerReference with $setElementOrder goes where it says", owners,
        R"({"$setElementOrder/ownerReferences":[{"uid":"u1"},{"uid":"u2"}],
            "ownerReferences":[{"apiVersion":"v1","kind":"Node","name":"n","uid":"u2"}]})",
        R"({"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs1","uid":"u1","controller":true},
                               {"apiVersion":"v1","kind":"Node","name":"n","uid":"u2"}]})"},
       {"an ownerReference deleted by uid", owners, R"({"ownerReferences":[{"uid":"u1","$patch":"delete"}]})",
        R"({"ownerReferences":[]})"},
       {"$deleteFromPrimitiveList/finalizers", R"({"finalizers":["a","b","c"]})",
        R"({"$deleteFromPrimitiveList/finalizers":["b","x"]})", R"({"finalizers":["a","c"]})"},
       {"finalizers are a merged set (no duplicates)", R"({"finalizers":["a","b"]})",
        R"({"$setElementOrder/finalizers":["a","b","c"],"finalizers":["b","c"]})", R"({"finalizers":["a","b","c"]})"},
       {"finalizers: add one and delete one, ordered", R"({"finalizers":["a","b","c"]})",
        R"({"$setElementOrder/finalizers":["b","c","d"],"$deleteFromPrimitiveList/finalizers":["a"],"finalizers":["d"]})",
        R"({"finalizers":["b","c","d"]})"},
       {"$deleteFromPrimitiveList on a missing list adds nothing", R"({"name":"x"})",
        R"({"$deleteFromPrimitiveList/finalizers":["a"]})", R"({"name":"x"})"},
       {"labels are a map: merged key by key, null deletes", R"({"labels":{"a":"1","b":"2"}})",
        R"({"labels":{"a":null,"c":"3"}})", R"({"labels":{"b":"2","c":"3"}})"}},
      troupe::meta::ObjectMeta::descriptor());
}

TEST_CASE("strategic merge patch: $patch directives", "[unit][patch]") {
  run({{"$patch replace on an object",
        deployment(two_containers),
        R"({"spec":{"selector":{"$patch":"replace","matchLabels":{"tier":"front"}}}})",
        R"({"metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":3,"selector":{"matchLabels":{"tier":"front"}},
            "template":{"metadata":{"labels":{"app":"web"}},"spec":)" + two_containers + "}}}"},
       {"$patch replace as a list element replaces the merging list", deployment(two_containers),
        R"({"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"i"}]}}}})",
        deployment(R"({"containers":[{"name":"only","image":"i"}]})")},
       {"$patch delete on an object empties it",
        deployment(R"({"containers":[{"name":"c"}],"securityContext":{"runAsUser":1}})"),
        R"({"spec":{"template":{"spec":{"securityContext":{"$patch":"delete"}}}}})",
        deployment(R"({"containers":[{"name":"c"}],"securityContext":{}})")},
       {"$patch delete on an absent object leaves it absent", deployment(R"({"containers":[{"name":"c"}]})"),
        R"({"spec":{"template":{"spec":{"securityContext":{"$patch":"delete"}}}}})",
        deployment(R"({"containers":[{"name":"c"}]})")},
       {"$patch merge on an object is the default merge", deployment(two_containers),
        R"({"metadata":{"$patch":"merge","labels":{"b":"2"}}})",
        R"({"metadata":{"name":"web","labels":{"app":"web","b":"2"}},"spec":{"replicas":3,
            "selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":)" +
            two_containers + "}}}"},
       {"directives in a newly added list are processed, not copied", deployment(R"({"containers":[{"name":"c"}]})"),
        R"({"spec":{"template":{"spec":{"$setElementOrder/initContainers":[{"name":"a"},{"name":"b"}],
            "initContainers":[{"name":"a"},{"name":"b","$setElementOrder/env":[{"name":"X"}],
                              "env":[{"name":"X","value":"1","valueFrom":null}]}]}}}})",
        deployment(R"({"containers":[{"name":"c"}],"initContainers":[{"name":"a"},{"name":"b","env":[{"name":"X","value":"1"}]}]})")},
       {"unknown $patch on an object", deployment(two_containers), R"({"spec":{"$patch":"frob"}})", "",
        "unknown patch type: \"frob\""},
       {"unknown $patch in a list", deployment(two_containers),
        R"({"spec":{"template":{"spec":{"containers":[{"name":"nginx","$patch":"frob"}]}}}})", "",
        "unknown patch type: \"frob\""},
       {"$patch merge in a list is not supported (as upstream)", deployment(two_containers),
        R"({"spec":{"template":{"spec":{"containers":[{"$patch":"merge"}]}}}})", "",
        "merging lists cannot yet be specified"},
       {"$patch delete in a list without the merge key", deployment(two_containers),
        R"({"spec":{"template":{"spec":{"containers":[{"$patch":"delete"}]}}}})", "",
        "does not contain declared merge key: name"},
       {"a merging-list element without its merge key", deployment(two_containers),
        R"({"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}})", "",
        "does not contain declared merge key: name"},
       {"$setElementOrder that contradicts the patch list", deployment(two_containers),
        R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"nginx"}],
            "containers":[{"name":"nginx"},{"name":"sidecar"}]}}}})",
        "", "invalid patch format of setElementOrder list"},
       {"$setElementOrder that is not a list", deployment(two_containers),
        R"({"spec":{"template":{"spec":{"$setElementOrder/containers":{"name":"nginx"}}}}})", "",
        "invalid patch format of setElementOrder list"},
       {"a malformed $deleteFromPrimitiveList key", deployment(two_containers),
        R"({"metadata":{"$deleteFromPrimitiveListfinalizers":["a"]}})", "", "invalid patch format of primitive list"},
       {"mixed element types in a merging list", R"({"metadata":{"finalizers":["a"]}})",
        R"({"metadata":{"finalizers":[1]}})", "", "list element types are not identical"},
       {"a patch that is not an object", deployment(two_containers), "[]", "", "must be a JSON object"}},
      deployment_schema());
}

TEST_CASE("strategic merge patch: element order follows upstream", "[unit][patch]") {
  // Upstream apimachinery's cases "add map and delete map from merging list" and "set elements
  // order in a list with server-only items 2/3", on containers (merge key name).
  auto names = [](std::vector<std::string> ns) {
    std::string out;
    for (auto& n : ns) out += std::string(out.empty() ? "" : ",") + R"({"name":")" + n + R"("})";
    return pod("{\"containers\":[" + out + "]}");
  };
  run({{"add and delete with a server-only element", names({"1", "2", "4"}),
        R"({"spec":{"$setElementOrder/containers":[{"name":"2"},{"name":"3"}],
            "containers":[{"name":"3"},{"name":"1","$patch":"delete"}]}})",
        names({"2", "4", "3"})},
       {"reorder with a server-only element in the middle", names({"1", "2", "9", "3", "4"}),
        R"({"spec":{"$setElementOrder/containers":[{"name":"2"},{"name":"1"},{"name":"4"},{"name":"3"}]}})",
        names({"2", "1", "9", "4", "3"})},
       {"reorder with several server-only elements", names({"1", "2", "7", "9", "8", "3", "4"}),
        R"({"spec":{"$setElementOrder/containers":[{"name":"2"},{"name":"1"},{"name":"4"},{"name":"3"}]}})",
        names({"2", "1", "7", "9", "8", "4", "3"})},
       {"a server-only element at the end stays at the end", names({"1", "3", "4", "2", "9"}),
        R"({"spec":{"$setElementOrder/containers":[{"name":"4"},{"name":"2"},{"name":"3"},{"name":"1"}]}})",
        names({"4", "2", "3", "1", "9"})},
       {"without $setElementOrder, patch elements keep the patch's order among live ones", names({"a", "b", "c"}),
        R"({"spec":{"containers":[{"name":"b","image":"x"},{"name":"new"}]}})",
        pod(R"({"containers":[{"name":"a"},{"name":"b","image":"x"},{"name":"new"},{"name":"c"}]})")}},
      pod_schema());
}

TEST_CASE("strategic merge patch: keys outside the schema merge as plain JSON", "[unit][patch]") {
  run({{"unknown object keys merge, unknown lists replace", R"({"spec":{"extra":{"a":1,"l":[{"name":"x"}]}}})",
        R"({"spec":{"extra":{"b":2,"l":[{"name":"y"}]}}})", R"({"spec":{"extra":{"a":1,"b":2,"l":[{"name":"y"}]}}})"},
       {"a value of a different type replaces", R"({"spec":{"replicas":{"odd":true}}})", R"({"spec":{"replicas":2}})",
        R"({"spec":{"replicas":2}})"}},
      deployment_schema());
  run({{"no schema at all", R"({"a":{"l":[1,2]}})", R"({"a":{"l":[3],"m":null}})", R"({"a":{"l":[3]}})"}}, nullptr);
}

TEST_CASE("strategic merge patch schema: inline members and options", "[unit][patch]") {
  smp_object_schema volume{troupe::core::v1::Volume::descriptor(), nullptr};
  auto empty_dir = smp_lookup(volume, "emptyDir");  // declared in the inline VolumeSource
  CHECK(empty_dir.kind == smp_field::shape::object);
  CHECK(smp_lookup(volume, "name").kind == smp_field::shape::scalar);
  CHECK(smp_lookup(volume, "nope").kind == smp_field::shape::unknown);

  smp_object_schema spec{troupe::core::v1::PodSpec::descriptor(), nullptr};
  auto volumes = smp_lookup(spec, "volumes");
  CHECK(volumes.kind == smp_field::shape::list);
  CHECK(volumes.strategy == "merge");  // "merge,retainKeys" without retainKeys
  CHECK(volumes.merge_key == "name");

  smp_object_schema container{troupe::core::v1::Container::descriptor(), nullptr};
  auto resources = smp_lookup(container, "resources");
  REQUIRE(resources.kind == smp_field::shape::object);
  auto limits = smp_lookup(resources.object, "limits");
  REQUIRE(limits.kind == smp_field::shape::object);  // a map
  CHECK(smp_lookup(limits.object, "cpu").kind == smp_field::shape::scalar);  // Quantity
}

TEST_CASE("strategic merge patch results decode strictly", "[unit][patch]") {
  // Regression guard: no directive may leak into the stored object.
  const std::string doc = deployment(two_containers);
  const std::string patch = R"({"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}],
      "containers":[{"name":"nginx","image":"nginx:1.17.8","$setElementOrder/ports":[{"containerPort":80}]}],
      "$setElementOrder/volumes":[{"name":"v"}],"volumes":[{"name":"v","$retainKeys":["name","emptyDir"],"emptyDir":{}}]}}}})";
  auto r = apply_strategic_merge_patch(json::parse(doc), json::parse(patch), deployment_schema());
  REQUIRE(r.ok());
  troupe::apps::v1::Deployment d;
  auto report = json_to_message(r.value(), d, decode_mode::strict);
  INFO(r.value().dump());
  CHECK(report.errors.empty());
  CHECK(d.spec().template_().spec().containers(0).image() == "nginx:1.17.8");
  CHECK(d.spec().template_().spec().volumes_size() == 1);
}
