#include <catch2/catch.hpp>

#include "tests/config/object_factories.hpp"
#include "tests/config/validation_helpers.hpp"

using nlohmann::json;
namespace t = troupe::testing;
namespace core = troupe::core::v1;
namespace as2 = troupe::autoscaling::v2;

namespace {

template <class T>
T parsed(const char* text) {
  return t::from_json<T>(json::parse(text));
}

as2::MetricTarget& cpu_target(as2::HorizontalPodAutoscaler& h) {
  return *h.mutable_spec()->mutable_metrics(0)->mutable_resource()->mutable_target();
}

} // namespace

TEST_CASE("validation: every factory object is valid", "[unit][validation]") {
  auto none = std::vector<std::string>{};
  auto pod = t::make_pod();
  CHECK(t::admission_errors("v1", "Pod", pod) == none);
  auto deployment = t::make_deployment();
  CHECK(t::admission_errors("apps/v1", "Deployment", deployment) == none);
  auto rs = t::make_replica_set();
  CHECK(t::admission_errors("apps/v1", "ReplicaSet", rs) == none);
  auto ds = t::make_daemon_set();
  CHECK(t::admission_errors("apps/v1", "DaemonSet", ds) == none);
  auto sts = t::make_stateful_set();
  CHECK(t::admission_errors("apps/v1", "StatefulSet", sts) == none);
  auto job = t::make_job();
  CHECK(t::admission_errors("batch/v1", "Job", job) == none);
  auto cj = t::make_cron_job();
  CHECK(t::admission_errors("batch/v1", "CronJob", cj) == none);
  auto hpa = t::make_hpa();
  CHECK(t::admission_errors("autoscaling/v2", "HorizontalPodAutoscaler", hpa) == none);
  auto svc = t::make_service();
  CHECK(t::admission_errors("v1", "Service", svc) == none);
  auto ns = t::make_namespace();
  CHECK(t::admission_errors("v1", "Namespace", ns) == none);
  auto node = t::make_node();
  CHECK(t::admission_errors("v1", "Node", node) == none);
  auto cm = t::make_config_map();
  CHECK(t::admission_errors("v1", "ConfigMap", cm) == none);
  auto secret = t::make_secret();
  CHECK(t::admission_errors("v1", "Secret", secret) == none);
}

TEST_CASE("validation: HorizontalPodAutoscaler", "[unit][validation]") {
  t::run_validation_cases<as2::HorizontalPodAutoscaler>("autoscaling/v2", "HorizontalPodAutoscaler", t::make_hpa, {
      {"minReplicas 0", [](as2::HorizontalPodAutoscaler& h) { h.mutable_spec()->set_minreplicas(0); },
       {"spec.minReplicas: Invalid value: 0: must be greater than or equal to 1"}},
      {"maxReplicas below minReplicas", [](as2::HorizontalPodAutoscaler& h) { h.mutable_spec()->set_maxreplicas(1); },
       {"spec.maxReplicas: Invalid value: 1: must be greater than or equal to `minReplicas`"}},
      {"no target name", [](as2::HorizontalPodAutoscaler& h) { h.mutable_spec()->mutable_scaletargetref()->clear_name(); },
       {"spec.scaleTargetRef.name: Required value"}},
      {"no target kind", [](as2::HorizontalPodAutoscaler& h) { h.mutable_spec()->mutable_scaletargetref()->clear_kind(); },
       {"spec.scaleTargetRef.kind: Required value"}},
      {"utilization 0", [](as2::HorizontalPodAutoscaler& h) { cpu_target(h).set_averageutilization(0); },
       {"spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0"}},
      {"resource target without a per-pod value", [](as2::HorizontalPodAutoscaler& h) {
         cpu_target(h) = parsed<as2::MetricTarget>(R"({"type": "Value", "value": "1"})");
       }, {"spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization"}},
      {"type names a source that is not there", [](as2::HorizontalPodAutoscaler& h) { h.mutable_spec()->mutable_metrics(0)->set_type("Pods"); },
       {"spec.metrics[0].pods: Required value: must populate information for the given metric source"}},
      {"pods metric", [](as2::HorizontalPodAutoscaler& h) {
         *h.mutable_spec()->add_metrics() = parsed<as2::MetricSpec>(
             R"({"type": "Pods", "pods": {"metric": {"name": "rps"}, "target": {"type": "AverageValue", "averageValue": "100"}}})");
       }, {}},
      {"policy period 0", [](as2::HorizontalPodAutoscaler& h) {
         *h.mutable_spec()->mutable_behavior()->mutable_scaleup() =
             parsed<as2::HPAScalingRules>(R"({"policies": [{"type": "Pods", "value": 2, "periodSeconds": 0}]})");
       }, {"spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 0: must be greater than zero"}},
  });
}

TEST_CASE("validation: Service", "[unit][validation]") {
  auto add_port = [](const char* text) {
    return [text](core::Service& s) { *s.mutable_spec()->add_ports() = parsed<core::ServicePort>(text); };
  };
  t::run_validation_cases<core::Service>("v1", "Service", t::make_service, {
      {"name is not a DNS-1035 label", [](core::Service& s) { s.mutable_metadata()->set_name("1web"); },
       {"metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or "
        "'-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or "
        "'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"}},
      {"port 0", [](core::Service& s) { s.mutable_spec()->mutable_ports(0)->set_port(0); },
       {"spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"}},
      {"no ports", [](core::Service& s) { s.mutable_spec()->clear_ports(); }, {"spec.ports: Required value"}},
      {"headless without ports", [](core::Service& s) {
         s.mutable_spec()->clear_ports();
         s.mutable_spec()->set_clusterip("None");
       }, {}},
      {"second port without a name", add_port(R"({"port": 443})"), {"spec.ports[1].name: Required value"}},
      {"two ports with one name", add_port(R"({"name": "http", "port": 8443})"), {"spec.ports[1].name: Duplicate value: \"http\""}},
      {"same port and protocol twice", add_port(R"({"name": "alt", "port": 80})"),
       {"spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), "
        "Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"}},
      {"nodePort on a ClusterIP service", [](core::Service& s) { s.mutable_spec()->mutable_ports(0)->set_nodeport(30080); },
       {"spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"}},
      {"nodePort outside the range", [](core::Service& s) {
         s.mutable_spec()->set_type("NodePort");
         s.mutable_spec()->mutable_ports(0)->set_nodeport(80);
       }, {"spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"}},
      {"nodePort in the range", [](core::Service& s) {
         s.mutable_spec()->set_type("NodePort");
         s.mutable_spec()->mutable_ports(0)->set_nodeport(30080);
       }, {}},
      {"named targetPort", [](core::Service& s) {
         s.mutable_spec()->mutable_ports(0)->mutable_targetport()->set_type(1);
         s.mutable_spec()->mutable_ports(0)->mutable_targetport()->set_strval("HTTP");
       }, {"spec.ports[0].targetPort: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
           "spec.ports[0].targetPort: Invalid value: \"HTTP\": must contain at least one letter (a-z)"}},
  });
}

TEST_CASE("validation: Namespace, Node, ConfigMap, Secret", "[unit][validation]") {
  t::run_validation_cases<core::Namespace>("v1", "Namespace", t::make_namespace, {
      {"name is not a DNS label", [](core::Namespace& n) { n.mutable_metadata()->set_name("team.a"); },
       {"metadata.name: Invalid value: \"team.a\": a lowercase RFC 1123 label must consist of lower case alphanumeric "
        "characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', "
        "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"}},
      {"unqualified finalizer", [](core::Namespace& n) { n.mutable_spec()->add_finalizers("cleanup"); },
       {"spec.finalizers: Invalid value: \"cleanup\": name is neither a standard finalizer name nor is it fully qualified"}},
  });
  t::run_validation_cases<core::Node>("v1", "Node", t::make_node, {
      {"taint without effect", [](core::Node& n) { n.mutable_spec()->add_taints()->set_key("dedicated"); },
       {"spec.taints[0].effect: Required value"}},
  });
  t::run_validation_cases<core::ConfigMap>("v1", "ConfigMap", t::make_config_map, {
      {"key with a space", [](core::ConfigMap& c) { (*c.mutable_data())["bad key"] = "x"; },
       {"data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', "
        "'_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"}},
      {"key in data and binaryData", [](core::ConfigMap& c) { (*c.mutable_binarydata())["LOG_LEVEL"] = "x"; },
       {"binaryData[LOG_LEVEL]: Invalid value: \"LOG_LEVEL\": duplicate of key present in data"}},
  });
  t::run_validation_cases<core::Secret>("v1", "Secret", t::make_secret, {
      {"tls without key and certificate", [](core::Secret& s) { s.set_type("kubernetes.io/tls"); },
       {"data[tls.key]: Required value", "data[tls.crt]: Required value"}},
      {"key '..'", [](core::Secret& s) { (*s.mutable_stringdata())[".."] = "x"; },
       {"data[..]: Invalid value: \"..\": must not be '..'"}},
  });
}
