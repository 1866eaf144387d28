#include <catch2/catch.hpp>

#include "tests/config/object_factories.hpp"
#include "tests/config/validation_helpers.hpp"

using nlohmann::json;
namespace t = troupe::testing;
namespace core = troupe::core::v1;
using pod_case = t::validation_case<core::Pod>;

namespace {

core::Container& first_container(core::Pod& p) { return *p.mutable_spec()->mutable_containers(0); }

void set_quantity(google::protobuf::Map<std::string, troupe::meta::Quantity>& m, const char* name, const char* value) {
  m[name].set_string(value);
}

template <class T>
T parsed(const char* text) {
  return t::from_json<T>(json::parse(text));
}

const char* const subdomain_message =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

} // namespace

TEST_CASE("validation: pod metadata", "[unit][validation]") {
  t::run_validation_cases<core::Pod>("v1", "Pod", t::make_pod, {
      {"valid", [](core::Pod&) {}, {}},
      {"invalid name", [](core::Pod& p) { p.mutable_metadata()->set_name("Foo_bar"); },
       {std::string("metadata.name: Invalid value: \"Foo_bar\": ") + subdomain_message}},
      {"no name", [](core::Pod& p) { p.mutable_metadata()->clear_name(); },
       {"metadata.name: Required value: name or generateName is required"}},
      {"generateName instead of a name", [](core::Pod& p) {
         p.mutable_metadata()->clear_name();
         p.mutable_metadata()->set_generatename("web-");
       }, {}},
      {"invalid namespace", [](core::Pod& p) { p.mutable_metadata()->set_namespace_("Team_A"); },
       {"metadata.namespace: Invalid value: \"Team_A\": a lowercase RFC 1123 label must consist of lower case "
        "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
        "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"}},
      {"invalid label value", [](core::Pod& p) { (*p.mutable_metadata()->mutable_labels())["app"] = "a b"; },
       {"metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric "
        "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
        "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"}},
      {"annotations over 256KiB", [](core::Pod& p) {
         (*p.mutable_metadata()->mutable_annotations())["big"] = std::string(256 * 1024, 'x');
       }, {"metadata.annotations: Too long: must have at most 262144 bytes"}},
  });
}

TEST_CASE("validation: pod containers", "[unit][validation]") {
  t::run_validation_cases<core::Pod>("v1", "Pod", t::make_pod, {
      {"no containers", [](core::Pod& p) { p.mutable_spec()->clear_containers(); }, {"spec.containers: Required value"}},
      {"volumeMount names a missing volume", [](core::Pod& p) {
         auto* m = first_container(p).add_volumemounts();
         m->set_name("data");
         m->set_mountpath("/data");
       }, {"spec.containers[0].volumeMounts[0].name: Not found: \"data\""}},
      {"container name not a DNS label", [](core::Pod& p) { first_container(p).set_name("Web"); },
       {"spec.containers[0].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case "
        "alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or "
        "'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"}},
      {"duplicate container name", [](core::Pod& p) {
         auto* c = p.mutable_spec()->add_containers();
         c->set_name("web");
         c->set_image("busybox:1.36");
       }, {"spec.containers[1].name: Duplicate value: \"web\""}},
      {"init container named like a container", [](core::Pod& p) {
         auto* c = p.mutable_spec()->add_initcontainers();
         c->set_name("web");
         c->set_image("busybox:1.36");
       }, {"spec.containers[0].name: Duplicate value: \"web\""}},
      {"no image", [](core::Pod& p) { first_container(p).clear_image(); }, {"spec.containers[0].image: Required value"}},
      {"port out of range", [](core::Pod& p) { first_container(p).mutable_ports(0)->set_containerport(70000); },
       {"spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive"}},
      {"port missing", [](core::Pod& p) { first_container(p).mutable_ports(0)->set_containerport(0); },
       {"spec.containers[0].ports[0].containerPort: Required value"}},
      {"port name too long", [](core::Pod& p) { first_container(p).mutable_ports(0)->set_name("http-metrics-port"); },
       {"spec.containers[0].ports[0].name: Invalid value: \"http-metrics-port\": must be no more than 15 bytes"}},
      {"same host port twice", [](core::Pod& p) {
         first_container(p).mutable_ports(0)->set_hostport(8080);
         auto* c = p.mutable_spec()->add_containers();
         c->set_name("proxy");
         c->set_image("envoy:1.30");
         auto* port = c->add_ports();
         port->set_containerport(8081);
         port->set_hostport(8080);
       }, {"spec.containers[1].ports[0].hostPort: Duplicate value: \"8080/TCP\""}},
      {"env var name starting with a digit", [](core::Pod& p) {
         auto* e = first_container(p).add_env();
         e->set_name("1ST");
         e->set_value("x");
       }, {"spec.containers[0].env[0].name: Invalid value: \"1ST\": a valid environment variable name must consist of "
           "alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or "
           "'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"}},
      {"regular container with restartPolicy", [](core::Pod& p) { first_container(p).set_restartpolicy("Always"); },
       {"spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers"}},
  });
}

TEST_CASE("validation: container resources", "[unit][validation]") {
  t::run_validation_cases<core::Pod>("v1", "Pod", t::make_pod, {
      {"negative request", [](core::Pod& p) {
         set_quantity(*first_container(p).mutable_resources()->mutable_requests(), "cpu", "-100m");
       }, {"spec.containers[0].resources.requests[cpu]: Invalid value: \"-100m\": must be greater than or equal to 0"}},
      {"negative limit", [](core::Pod& p) {
         auto* r = first_container(p).mutable_resources();
         r->clear_requests();
         set_quantity(*r->mutable_limits(), "memory", "-1Gi");
       }, {"spec.containers[0].resources.limits[memory]: Invalid value: \"-1Gi\": must be greater than or equal to 0",
           // defaulting copied the limit to the request
           "spec.containers[0].resources.requests[memory]: Invalid value: \"-1Gi\": must be greater than or equal to 0"}},
      {"request above limit", [](core::Pod& p) {
         set_quantity(*first_container(p).mutable_resources()->mutable_requests(), "memory", "256Mi");
       }, {"spec.containers[0].resources.requests[memory]: Invalid value: \"256Mi\": must be less than or equal to memory limit of 128Mi"}},
      {"not a quantity", [](core::Pod& p) {
         set_quantity(*first_container(p).mutable_resources()->mutable_limits(), "cpu", "abc");
       }, {"spec.containers[0].resources.limits[cpu]: Invalid value: \"abc\": quantities must match the regular "
           "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"}},
      {"unknown unqualified resource", [](core::Pod& p) {
         set_quantity(*first_container(p).mutable_resources()->mutable_limits(), "gpu", "1");
         set_quantity(*first_container(p).mutable_resources()->mutable_requests(), "gpu", "1");
       }, {"spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource for containers",
           "spec.containers[0].resources.requests[gpu]: Invalid value: \"gpu\": must be a standard resource for containers"}},
      {"extended resource", [](core::Pod& p) {
         set_quantity(*first_container(p).mutable_resources()->mutable_limits(), "nvidia.com/gpu", "1");
       }, {}},
  });
}

TEST_CASE("validation: probes", "[unit][validation]") {
  t::run_validation_cases<core::Pod>("v1", "Pod", t::make_pod, {
      {"valid probes", [](core::Pod& p) {
         *first_container(p).mutable_livenessprobe() = parsed<core::Probe>(R"({"httpGet": {"port": 80}})");
         *first_container(p).mutable_readinessprobe() = parsed<core::Probe>(R"({"tcpSocket": {"port": "http"}, "successThreshold": 3})");
       }, {}},
      {"no handler", [](core::Pod& p) {
         *first_container(p).mutable_livenessprobe() = parsed<core::Probe>(R"({"periodSeconds": 5})");
       }, {"spec.containers[0].livenessProbe: Required value: must specify a handler type"}},
      {"two handlers", [](core::Pod& p) {
         *first_container(p).mutable_livenessprobe() =
             parsed<core::Probe>(R"({"exec": {"command": ["true"]}, "tcpSocket": {"port": 80}})");
       }, {"spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"}},
      {"liveness needs one success", [](core::Pod& p) {
         *first_container(p).mutable_livenessprobe() = parsed<core::Probe>(R"({"tcpSocket": {"port": 80}, "successThreshold": 2})");
       }, {"spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"}},
      {"negative delay", [](core::Pod& p) {
         *first_container(p).mutable_readinessprobe() = parsed<core::Probe>(R"({"tcpSocket": {"port": 80}, "initialDelaySeconds": -1})");
       }, {"spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0"}},
      {"probe port out of range", [](core::Pod& p) {
         *first_container(p).mutable_startupprobe() = parsed<core::Probe>(R"({"httpGet": {"port": 0}})");
       }, {"spec.containers[0].startupProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive"}},
      {"probe on an init container", [](core::Pod& p) {
         auto* c = p.mutable_spec()->add_initcontainers();
         c->set_name("migrate");
         c->set_image("migrate:1");
         *c->mutable_livenessprobe() = parsed<core::Probe>(R"({"tcpSocket": {"port": 80}})");
       }, {"spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"}},
      {"probe on a sidecar", [](core::Pod& p) {
         auto* c = p.mutable_spec()->add_initcontainers();
         c->set_name("proxy");
         c->set_image("envoy:1.30");
         c->set_restartpolicy("Always");
         *c->mutable_livenessprobe() = parsed<core::Probe>(R"({"tcpSocket": {"port": 80}})");
       }, {}},
  });
}

TEST_CASE("validation: pod spec fields", "[unit][validation]") {
  t::run_validation_cases<core::Pod>("v1", "Pod", t::make_pod, {
      {"negative grace period", [](core::Pod& p) { p.mutable_spec()->set_terminationgraceperiodseconds(-1); },
       {"spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0"}},
      {"unknown restartPolicy", [](core::Pod& p) { p.mutable_spec()->set_restartpolicy("Sometimes"); },
       {"spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""}},
      {"zero activeDeadlineSeconds", [](core::Pod& p) { p.mutable_spec()->set_activedeadlineseconds(0); },
       {"spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 4294967295, inclusive"}},
      {"dnsPolicy None without dnsConfig", [](core::Pod& p) { p.mutable_spec()->set_dnspolicy("None"); },
       {"spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"}},
      {"nodeSelector key with a space", [](core::Pod& p) { (*p.mutable_spec()->mutable_nodeselector())["disk type"] = "ssd"; },
       {"spec.nodeSelector: Invalid value: \"disk type\": name part must consist of alphanumeric characters, '-', '_' "
        "or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
        "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"}},
  });
}

TEST_CASE("validation: volumes", "[unit][validation]") {
  t::run_validation_cases<core::Pod>("v1", "Pod", t::make_pod, {
      {"mounted volume", [](core::Pod& p) {
         p.mutable_spec()->add_volumes()->set_name("data");
         auto* m = first_container(p).add_volumemounts();
         m->set_name("data");
         m->set_mountpath("/data");
       }, {}},
      {"duplicate volume", [](core::Pod& p) {
         p.mutable_spec()->add_volumes()->set_name("data");
         p.mutable_spec()->add_volumes()->set_name("data");
       }, {"spec.volumes[1].name: Duplicate value: \"data\""}},
      {"two sources", [](core::Pod& p) {
         *p.mutable_spec()->add_volumes() = parsed<core::Volume>(R"({"name": "data", "emptyDir": {}, "hostPath": {"path": "/tmp"}})");
       }, {"spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type"}},
      {"secret without a name", [](core::Pod& p) {
         *p.mutable_spec()->add_volumes() = parsed<core::Volume>(R"({"name": "creds", "secret": {}})");
       }, {"spec.volumes[0].secret.secretName: Required value"}},
      {"mode above 0777", [](core::Pod& p) {
         *p.mutable_spec()->add_volumes() = parsed<core::Volume>(R"({"name": "cfg", "configMap": {"name": "cfg", "defaultMode": 512}})");
       }, {"spec.volumes[0].configMap.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive"}},
  });
}

TEST_CASE("validation: tolerations and affinity", "[unit][validation]") {
  t::run_validation_cases<core::Pod>("v1", "Pod", t::make_pod, {
      {"Exists with a value", [](core::Pod& p) {
         *p.mutable_spec()->add_tolerations() =
             parsed<core::Toleration>(R"({"key": "k", "operator": "Exists", "value": "v", "effect": "NoSchedule"})");
       }, {"spec.tolerations[0].operator: Invalid value: core.Toleration{Key:\"k\", Operator:\"Exists\", Value:\"v\", "
           "Effect:\"NoSchedule\", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is 'Exists'"}},
      {"tolerationSeconds without NoExecute", [](core::Pod& p) {
         *p.mutable_spec()->add_tolerations() = parsed<core::Toleration>(
             R"({"key": "k", "operator": "Equal", "value": "v", "effect": "NoSchedule", "tolerationSeconds": 10})");
       }, {"spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"}},
      {"empty key needs Exists", [](core::Pod& p) {
         *p.mutable_spec()->add_tolerations() = parsed<core::Toleration>(R"({"operator": "Equal", "value": "v"})");
       }, {"spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which "
           "means \"match all values and all keys\""}},
      {"In without values", [](core::Pod& p) {
         *p.mutable_spec()->mutable_affinity() = parsed<core::Affinity>(R"({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
             {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "In"}]}]}}})");
       }, {"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]."
           "matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"}},
      {"Exists with values", [](core::Pod& p) {
         *p.mutable_spec()->mutable_affinity() = parsed<core::Affinity>(R"({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
             {"nodeSelectorTerms": [{"matchExpressions": [{"key": "zone", "operator": "Exists", "values": ["a"]}]}]}}})");
       }, {"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]."
           "matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"}},
      {"Gt with two values", [](core::Pod& p) {
         *p.mutable_spec()->mutable_affinity() = parsed<core::Affinity>(R"({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
             {"nodeSelectorTerms": [{"matchExpressions": [{"key": "cores", "operator": "Gt", "values": ["1", "2"]}]}]}}})");
       }, {"spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0]."
           "matchExpressions[0].values: Required value: must be specified single value when `operator` is 'Lt' or 'Gt'"}},
      {"preferred weight out of range", [](core::Pod& p) {
         *p.mutable_spec()->mutable_affinity() = parsed<core::Affinity>(R"({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution":
             [{"weight": 0, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname"}}]}})");
       }, {"spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: "
           "must be in the range 1-100"}},
      {"pod affinity without topologyKey", [](core::Pod& p) {
         *p.mutable_spec()->mutable_affinity() = parsed<core::Affinity>(R"({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
             [{"labelSelector": {"matchLabels": {"app": "db"}}}]}})");
       }, {"spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty"}},
  });
}

TEST_CASE("validation: the Invalid message names the object", "[unit][validation]") {
  auto pod = t::make_pod();
  pod.mutable_spec()->clear_containers();
  pod.mutable_spec()->set_terminationgraceperiodseconds(-1);
  const auto* k = troupe::config::find_kind("v1", "Pod");
  auto r = troupe::config::admit(*k, pod);
  CHECK(r.message(*k, pod) ==
        "Pod \"web-1\" is invalid: [spec.containers: Required value, spec.terminationGracePeriodSeconds: Invalid "
        "value: -1: must be greater than or equal to 0]");
}

TEST_CASE("validation: matchLabelKeys and mismatchLabelKeys of pod affinity terms", "[unit][validation]") {
  const std::string req = "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]";
  t::run_validation_cases<core::Pod>("v1", "Pod", t::make_pod, {
      {"keys without a labelSelector", [](core::Pod& p) {
         *p.mutable_spec()->mutable_affinity() = parsed<core::Affinity>(R"({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
             [{"topologyKey": "zone", "matchLabelKeys": ["app"], "mismatchLabelKeys": ["tier"]}]}})");
       }, {req + ".matchLabelKeys: Forbidden: must not be specified when labelSelector is not set",
           req + ".mismatchLabelKeys: Forbidden: must not be specified when labelSelector is not set"}},
      {"a key in both lists", [](core::Pod& p) {
         *p.mutable_spec()->mutable_affinity() = parsed<core::Affinity>(R"({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
             [{"topologyKey": "zone", "labelSelector": {}, "matchLabelKeys": ["app"], "mismatchLabelKeys": ["app"]}]}})");
       }, {req + ".matchLabelKeys[0]: Invalid value: \"app\": exists in both matchLabelKeys and mismatchLabelKeys"}},
      {"a key also given in the selector", [](core::Pod& p) {
         *p.mutable_spec()->mutable_affinity() = parsed<core::Affinity>(R"({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
             [{"topologyKey": "zone", "labelSelector": {"matchLabels": {"app": "web"},
               "matchExpressions": [{"key": "app", "operator": "In", "values": ["web"]}]}, "matchLabelKeys": ["app"]}]}})");
       }, {req + "[0]: Invalid value: \"app\": exists in both matchLabelKeys and labelSelector"}},
      {"a bad label name", [](core::Pod& p) {
         *p.mutable_spec()->mutable_affinity() = parsed<core::Affinity>(R"({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution":
             [{"topologyKey": "zone", "labelSelector": {}, "mismatchLabelKeys": ["/simple"]}]}})");
       }, {"spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].mismatchLabelKeys[0]: "
           "Invalid value: \"/simple\": prefix part must be non-empty"}},
  });
}
