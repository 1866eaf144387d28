#include "config/defaults.hpp"

#include <catch2/catch.hpp>
#include <google/protobuf/util/message_differencer.h>

#include <functional>

#include "config/hpa_defaults.hpp"
#include "config/kinds.hpp"
#include "config/pod_defaults.hpp"
#include "config/workload_defaults.hpp"
#include "tests/config/object_factories.hpp"

using nlohmann::json;
using troupe::config::apply_defaults;
using troupe::config::find_kind;
using troupe::config::message_to_json;
namespace t = troupe::testing;

namespace {

// Defaults `msg` through the registry, as admission does, and returns its JSON form.
json defaulted(google::protobuf::Message& msg, const char* api_version, const char* kind) {
  const auto* k = find_kind(api_version, kind);
  REQUIRE(k != nullptr);
  apply_defaults(*k, msg);
  return message_to_json(msg);
}

struct expectation {
  const char* pointer;  // JSON pointer into the defaulted object
  json value;
};

void check(const json& obj, const std::vector<expectation>& expected) {
  for (const auto& e : expected) {
    INFO(e.pointer << " in " << obj.dump());
    json::json_pointer p(e.pointer);
    REQUIRE(obj.contains(p));
    CHECK(obj.at(p) == e.value);
  }
}

} // namespace

TEST_CASE("defaults: a pod gets the PodSpec, container and admission defaults", "[unit][defaults]") {
  auto pod = t::make_pod();
  pod.mutable_spec()->mutable_containers(0)->mutable_resources()->clear_requests();
  check(defaulted(pod, "v1", "Pod"),
        {{"/spec/restartPolicy", "Always"},
         {"/spec/terminationGracePeriodSeconds", 30},
         {"/spec/dnsPolicy", "ClusterFirst"},
         {"/spec/schedulerName", "default-scheduler"},
         {"/spec/securityContext", json::object()},
         {"/spec/enableServiceLinks", true},
         {"/spec/serviceAccountName", "default"},
         {"/spec/serviceAccount", "default"},
         {"/spec/priority", 0},
         {"/spec/preemptionPolicy", "PreemptLowerPriority"},
         {"/spec/tolerations",
          json::parse(R"([
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}])")},
         {"/spec/containers/0/imagePullPolicy", "IfNotPresent"},
         {"/spec/containers/0/terminationMessagePath", "/dev/termination-log"},
         {"/spec/containers/0/terminationMessagePolicy", "File"},
         {"/spec/containers/0/ports/0/protocol", "TCP"},
         // Requests left out are copied from limits (Pods only).
         {"/spec/containers/0/resources/requests", {{"cpu", "500m"}, {"memory", "128Mi"}}}});
}

TEST_CASE("defaults: values the user set are kept", "[unit][defaults]") {
  auto pod = t::make_pod();
  auto* spec = pod.mutable_spec();
  spec->set_restartpolicy("Never");
  spec->set_terminationgraceperiodseconds(0);
  spec->set_dnspolicy("Default");
  spec->set_serviceaccountname("builder");
  spec->set_enableservicelinks(false);
  spec->mutable_containers(0)->set_imagepullpolicy("Never");
  check(defaulted(pod, "v1", "Pod"),
        {{"/spec/restartPolicy", "Never"},
         {"/spec/terminationGracePeriodSeconds", 0},
         {"/spec/dnsPolicy", "Default"},
         {"/spec/serviceAccountName", "builder"},
         {"/spec/serviceAccount", "builder"},
         {"/spec/enableServiceLinks", false},
         {"/spec/containers/0/imagePullPolicy", "Never"},
         {"/spec/containers/0/resources/requests", {{"cpu", "100m"}, {"memory", "64Mi"}}}});
}

TEST_CASE("defaults: imagePullPolicy follows the image tag", "[unit][defaults]") {
  struct row {
    const char* image;
    const char* policy;
  };
  for (const auto& r : std::vector<row>{
           {"nginx", "Always"},
           {"nginx:latest", "Always"},
           {"nginx:1.25", "IfNotPresent"},
           {"localhost:5000/nginx", "Always"},
           {"localhost:5000/team/nginx:1.0", "IfNotPresent"},
           {"localhost:5000/nginx:latest", "Always"},
           {"nginx@sha256:0123456789abcdef", "IfNotPresent"},
       }) {
    INFO(r.image);
    CHECK(troupe::config::default_image_pull_policy(r.image) == r.policy);
  }
}

TEST_CASE("defaults: default tolerations are not added twice", "[unit][defaults]") {
  struct row {
    const char* name;
    json tolerations;
    size_t expected_count;
  };
  for (const auto& r : std::vector<row>{
           {"none", json::array(), 2},
           {"not-ready already tolerated",
            json::parse(R"([{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}])"), 2},
           {"not-ready without effect tolerated",
            json::parse(R"([{"key": "node.kubernetes.io/not-ready", "operator": "Exists"}])"), 2},
           {"everything tolerated", json::parse(R"([{"operator": "Exists"}])"), 1},
           {"NoSchedule only", json::parse(R"([{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule"}])"), 3},
       }) {
    INFO(r.name);
    auto j = message_to_json(t::make_pod());
    j["spec"]["tolerations"] = r.tolerations;
    auto pod = t::from_json<troupe::core::v1::Pod>(j);
    auto out = defaulted(pod, "v1", "Pod");
    CHECK(out["spec"]["tolerations"].size() == r.expected_count);
  }
}

TEST_CASE("defaults: probes, handlers, env and volumes", "[unit][defaults]") {
  auto j = message_to_json(t::make_pod());
  j["spec"]["containers"][0]["livenessProbe"] = {{"httpGet", {{"port", 8080}}}};
  j["spec"]["containers"][0]["readinessProbe"] = {{"tcpSocket", {{"port", "http"}}}, {"periodSeconds", 5}};
  j["spec"]["containers"][0]["env"] = json::parse(R"([{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}])");
  j["spec"]["volumes"] = json::parse(R"([{"name": "scratch"}, {"name": "s", "secret": {"secretName": "s"}},
      {"name": "c", "configMap": {"name": "c", "defaultMode": 256}}, {"name": "h", "hostPath": {"path": "/tmp"}}])");
  auto pod = t::from_json<troupe::core::v1::Pod>(j);
  check(defaulted(pod, "v1", "Pod"),
        {{"/spec/containers/0/livenessProbe",
          json::parse(R"({"httpGet": {"path": "/", "port": 8080, "scheme": "HTTP"}, "timeoutSeconds": 1,
                          "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3})")},
         {"/spec/containers/0/readinessProbe/periodSeconds", 5},
         {"/spec/containers/0/readinessProbe/timeoutSeconds", 1},
         {"/spec/containers/0/env/0/valueFrom/fieldRef/apiVersion", "v1"},
         {"/spec/volumes/0/emptyDir", json::object()},
         {"/spec/volumes/1/secret/defaultMode", 420},
         {"/spec/volumes/2/configMap/defaultMode", 256},
         {"/spec/volumes/3/hostPath/type", ""}});
}

TEST_CASE("defaults: a pod template gets PodSpec defaults only", "[unit][defaults]") {
  auto d = t::make_deployment();
  d.mutable_spec()->mutable_template_()->mutable_spec()->mutable_containers(0)->mutable_resources()->clear_requests();
  auto out = defaulted(d, "apps/v1", "Deployment");
  const auto& spec = out["spec"]["template"]["spec"];
  CHECK(spec["restartPolicy"] == "Always");
  CHECK(spec["terminationGracePeriodSeconds"] == 30);
  CHECK_FALSE(spec.contains("enableServiceLinks"));
  CHECK_FALSE(spec.contains("serviceAccountName"));
  CHECK_FALSE(spec.contains("tolerations"));
  CHECK_FALSE(spec.contains("priority"));
  CHECK_FALSE(spec["containers"][0]["resources"].contains("requests"));
}

TEST_CASE("defaults: workloads", "[unit][defaults]") {
  SECTION("Deployment") {
    auto d = t::make_deployment();
    d.mutable_spec()->clear_replicas();
    check(defaulted(d, "apps/v1", "Deployment"),
          {{"/spec/replicas", 1},
           {"/spec/strategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxUnavailable", "25%"}, {"maxSurge", "25%"}}}}},
           {"/spec/revisionHistoryLimit", 10},
           {"/spec/progressDeadlineSeconds", 600}});
  }
  SECTION("Deployment with Recreate gets no rollingUpdate") {
    auto d = t::make_deployment();
    d.mutable_spec()->mutable_strategy()->set_type("Recreate");
    check(defaulted(d, "apps/v1", "Deployment"), {{"/spec/strategy", {{"type", "Recreate"}}}, {"/spec/replicas", 3}});
  }
  SECTION("ReplicaSet") {
    auto rs = t::make_replica_set();
    rs.mutable_spec()->clear_replicas();
    check(defaulted(rs, "apps/v1", "ReplicaSet"), {{"/spec/replicas", 1}, {"/spec/template/spec/dnsPolicy", "ClusterFirst"}});
  }
  SECTION("DaemonSet") {
    auto ds = t::make_daemon_set();
    check(defaulted(ds, "apps/v1", "DaemonSet"),
          {{"/spec/updateStrategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"maxUnavailable", 1}, {"maxSurge", 0}}}}},
           {"/spec/revisionHistoryLimit", 10}});
  }
  SECTION("StatefulSet") {
    auto j = message_to_json(t::make_stateful_set());
    j["spec"].erase("replicas");
    j["spec"]["volumeClaimTemplates"] = json::parse(R"([{"metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}])");
    auto sts = t::from_json<troupe::apps::v1::StatefulSet>(j);
    check(defaulted(sts, "apps/v1", "StatefulSet"),
          {{"/spec/replicas", 1},
           {"/spec/podManagementPolicy", "OrderedReady"},
           {"/spec/updateStrategy", {{"type", "RollingUpdate"}, {"rollingUpdate", {{"partition", 0}}}}},
           {"/spec/revisionHistoryLimit", 10},
           {"/spec/persistentVolumeClaimRetentionPolicy", {{"whenDeleted", "Retain"}, {"whenScaled", "Retain"}}},
           {"/spec/volumeClaimTemplates/0/spec/volumeMode", "Filesystem"}});
  }
  SECTION("Job") {
    auto job = t::make_job();
    check(defaulted(job, "batch/v1", "Job"),
          {{"/spec/completions", 1},
           {"/spec/parallelism", 1},
           {"/spec/backoffLimit", 6},
           {"/spec/completionMode", "NonIndexed"},
           {"/spec/suspend", false},
           {"/spec/podReplacementPolicy", "TerminatingOrFailed"},
           {"/metadata/labels", {{"app", "web"}}},
           {"/spec/template/spec/restartPolicy", "Never"}});
  }
  SECTION("CronJob") {
    auto cj = t::make_cron_job();
    auto out = defaulted(cj, "batch/v1", "CronJob");
    check(out, {{"/spec/concurrencyPolicy", "Allow"},
                {"/spec/suspend", false},
                {"/spec/successfulJobsHistoryLimit", 3},
                {"/spec/failedJobsHistoryLimit", 1},
                {"/spec/jobTemplate/spec/template/spec/dnsPolicy", "ClusterFirst"}});
    // The Job defaults apply to the Jobs the controller creates, not to the template.
    CHECK_FALSE(out["spec"]["jobTemplate"]["spec"].contains("backoffLimit"));
  }
}

TEST_CASE("defaults: Job completions and parallelism", "[unit][defaults]") {
  struct row {
    const char* name;
    json spec;  // merged into the factory's spec
    json completions;  // null: stays unset
    json parallelism;
  };
  for (const auto& r : std::vector<row>{
           {"both unset", json::object(), 1, 1},
           {"work queue: parallelism only", {{"parallelism", 4}}, nullptr, 4},
           {"completions only", {{"completions", 5}}, 5, 1},
           {"both set", {{"completions", 5}, {"parallelism", 2}}, 5, 2},
       }) {
    INFO(r.name);
    auto j = message_to_json(t::make_job());
    j["spec"].update(r.spec);
    auto job = t::from_json<troupe::batch::v1::Job>(j);
    auto out = defaulted(job, "batch/v1", "Job");
    CHECK(out["spec"].value("completions", json()) == r.completions);
    CHECK(out["spec"]["parallelism"] == r.parallelism);
  }
}

TEST_CASE("defaults: the Job selector the API server generates", "[unit][defaults]") {
  auto job = t::make_job();
  troupe::config::default_job_selector(job, "8d7c-uid");
  auto out = message_to_json(job);
  CHECK(out["spec"]["selector"] == json{{"matchLabels", {{"batch.kubernetes.io/controller-uid", "8d7c-uid"}}}});
  const auto& labels = out["spec"]["template"]["metadata"]["labels"];
  CHECK(labels["batch.kubernetes.io/controller-uid"] == "8d7c-uid");
  CHECK(labels["batch.kubernetes.io/job-name"] == "pi");
  CHECK(labels["app"] == "web");

  auto manual = t::make_job();
  manual.mutable_spec()->set_manualselector(true);
  troupe::config::default_job_selector(manual, "8d7c-uid");
  CHECK_FALSE(manual.spec().has_selector());
}

TEST_CASE("defaults: HorizontalPodAutoscaler", "[unit][defaults]") {
  SECTION("minReplicas and the CPU metric") {
    auto hpa = t::make_hpa();
    hpa.mutable_spec()->clear_minreplicas();
    hpa.mutable_spec()->clear_metrics();
    auto out = defaulted(hpa, "autoscaling/v2", "HorizontalPodAutoscaler");
    check(out, {{"/spec/minReplicas", 1},
                {"/spec/metrics", json::parse(R"([{"type": "Resource", "resource": {"name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": 80}}}])")}});
    CHECK_FALSE(out["spec"].contains("behavior"));
  }
  SECTION("a partial behavior is completed") {
    auto hpa = t::make_hpa();
    hpa.mutable_spec()->mutable_behavior()->mutable_scaledown()->set_stabilizationwindowseconds(60);
    check(defaulted(hpa, "autoscaling/v2", "HorizontalPodAutoscaler"),
          {{"/spec/behavior/scaleDown",
            json::parse(R"({"stabilizationWindowSeconds": 60, "selectPolicy": "Max",
                            "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]})")},
           {"/spec/behavior/scaleUp",
            json::parse(R"({"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                            "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15},
                                         {"type": "Percent", "value": 100, "periodSeconds": 15}]})")}});
  }
}

TEST_CASE("defaults: Service, Namespace, Node, Secret", "[unit][defaults]") {
  SECTION("Service") {
    auto j = message_to_json(t::make_service());
    j["spec"]["ports"].push_back({{"name", "metrics"}, {"port", 9090}});
    auto svc = t::from_json<troupe::core::v1::Service>(j);
    check(defaulted(svc, "v1", "Service"),
          {{"/spec/type", "ClusterIP"},
           {"/spec/sessionAffinity", "None"},
           {"/spec/ports/0/protocol", "TCP"},
           {"/spec/ports/0/targetPort", 8080},
           {"/spec/ports/1/targetPort", 9090},
           {"/spec/ipFamilyPolicy", "SingleStack"},
           {"/spec/ipFamilies", {"IPv4"}},
           {"/spec/internalTrafficPolicy", "Cluster"}});
  }
  SECTION("NodePort Service") {
    auto svc = t::make_service();
    svc.mutable_spec()->set_type("NodePort");
    check(defaulted(svc, "v1", "Service"), {{"/spec/externalTrafficPolicy", "Cluster"}});
  }
  SECTION("Namespace") {
    auto ns = t::make_namespace();
    check(defaulted(ns, "v1", "Namespace"),
          {{"/metadata/labels/kubernetes.io~1metadata.name", "team-a"},
           {"/spec/finalizers", {"kubernetes"}},
           {"/status/phase", "Active"}});
  }
  SECTION("Node") {
    auto node = t::make_node();
    check(defaulted(node, "v1", "Node"), {{"/status/allocatable", {{"cpu", "4"}, {"memory", "8Gi"}, {"pods", "110"}}}});
  }
  SECTION("Secret") {
    auto s = t::make_secret();
    check(defaulted(s, "v1", "Secret"), {{"/type", "Opaque"}});
  }
}

TEST_CASE("defaults: defaulting twice changes nothing", "[unit][defaults]") {
  struct row {
    const char* api_version;
    const char* kind;
    std::function<std::unique_ptr<google::protobuf::Message>()> make;
  };
  auto boxed = [](auto msg) {
    return [msg]() -> std::unique_ptr<google::protobuf::Message> { return std::make_unique<decltype(msg)>(msg); };
  };
  auto hpa_with_behavior = t::make_hpa();
  hpa_with_behavior.mutable_spec()->mutable_behavior();
  auto pod_with_only_limits = t::make_pod();
  pod_with_only_limits.mutable_spec()->mutable_containers(0)->mutable_resources()->clear_requests();
  for (const auto& r : std::vector<row>{
           {"v1", "Pod", boxed(t::make_pod())},
           {"v1", "Pod", boxed(pod_with_only_limits)},
           {"apps/v1", "Deployment", boxed(t::make_deployment())},
           {"apps/v1", "ReplicaSet", boxed(t::make_replica_set())},
           {"apps/v1", "DaemonSet", boxed(t::make_daemon_set())},
           {"apps/v1", "StatefulSet", boxed(t::make_stateful_set())},
           {"batch/v1", "Job", boxed(t::make_job())},
           {"batch/v1", "CronJob", boxed(t::make_cron_job())},
           {"autoscaling/v2", "HorizontalPodAutoscaler", boxed(hpa_with_behavior)},
           {"v1", "Service", boxed(t::make_service())},
           {"v1", "Namespace", boxed(t::make_namespace())},
           {"v1", "Node", boxed(t::make_node())},
           {"v1", "Secret", boxed(t::make_secret())},
       }) {
    INFO(r.kind);
    auto once = r.make();
    defaulted(*once, r.api_version, r.kind);
    auto twice = r.make();
    defaulted(*twice, r.api_version, r.kind);
    defaulted(*twice, r.api_version, r.kind);
    CHECK(google::protobuf::util::MessageDifferencer::Equals(*once, *twice));
    CHECK_FALSE(google::protobuf::util::MessageDifferencer::Equals(*once, *r.make()));
  }
}
