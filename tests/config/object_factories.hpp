#pragma once
// Valid objects of every kind Troupe serves, for tests to mutate one field at a time. Built from
// JSON so a factory reads like the manifest a user would write. Each passes validation as is
// (after defaulting); see validation_test.cpp.

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "config/json_codec.hpp"
#include "proto/apps_v1.pb.h"
#include "proto/autoscaling_v2.pb.h"
#include "proto/batch_v1.pb.h"
#include "proto/core_v1.pb.h"

namespace troupe::testing {

template <class T>
T from_json(const nlohmann::json& j) {
  T msg;
  auto report = config::json_to_message(j, msg, config::decode_mode::strict);
  INFO(j.dump());
  REQUIRE(report.errors.empty());
  return msg;
}

inline nlohmann::json pod_spec_json() {
  return nlohmann::json::parse(R"({
    "containers": [{
      "name": "web", "image": "nginx:1.25",
      "ports": [{"containerPort": 80}],
      "resources": {"requests": {"cpu": "100m", "memory": "64Mi"},
                    "limits": {"cpu": "500m", "memory": "128Mi"}}
    }]
  })");
}

inline nlohmann::json template_json() {
  return {{"metadata", {{"labels", {{"app", "web"}}}}}, {"spec", pod_spec_json()}};
}

inline nlohmann::json selector_json() { return {{"matchLabels", {{"app", "web"}}}}; }

inline core::v1::Pod make_pod() {
  return from_json<core::v1::Pod>(
      {{"metadata", {{"name", "web-1"}, {"namespace", "default"}}}, {"spec", pod_spec_json()}});
}

inline apps::v1::Deployment make_deployment() {
  return from_json<apps::v1::Deployment>(
      {{"metadata", {{"name", "web"}, {"namespace", "default"}}},
       {"spec", {{"replicas", 3}, {"selector", selector_json()}, {"template", template_json()}}}});
}

inline apps::v1::ReplicaSet make_replica_set() {
  return from_json<apps::v1::ReplicaSet>(
      {{"metadata", {{"name", "web-5d4f"}, {"namespace", "default"}}},
       {"spec", {{"replicas", 2}, {"selector", selector_json()}, {"template", template_json()}}}});
}

inline apps::v1::DaemonSet make_daemon_set() {
  return from_json<apps::v1::DaemonSet>(
      {{"metadata", {{"name", "agent"}, {"namespace", "default"}}},
       {"spec", {{"selector", selector_json()}, {"template", template_json()}}}});
}

inline apps::v1::StatefulSet make_stateful_set() {
  return from_json<apps::v1::StatefulSet>(
      {{"metadata", {{"name", "db"}, {"namespace", "default"}}},
       {"spec",
        {{"replicas", 3}, {"serviceName", "db"}, {"selector", selector_json()},
         {"template", template_json()}}}});
}

inline nlohmann::json job_template_json() {
  auto t = template_json();
  t["spec"]["restartPolicy"] = "Never";
  return t;
}

inline batch::v1::Job make_job() {
  return from_json<batch::v1::Job>({{"metadata", {{"name", "pi"}, {"namespace", "default"}}},
                                     {"spec", {{"template", job_template_json()}}}});
}

inline batch::v1::CronJob make_cron_job() {
  return from_json<batch::v1::CronJob>(
      {{"metadata", {{"name", "report"}, {"namespace", "default"}}},
       {"spec",
        {{"schedule", "*/5 * * * *"},
         {"jobTemplate", {{"spec", {{"template", job_template_json()}}}}}}}});
}

inline autoscaling::v2::HorizontalPodAutoscaler make_hpa() {
  return from_json<autoscaling::v2::HorizontalPodAutoscaler>(nlohmann::json::parse(R"({
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {
      "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
      "minReplicas": 2, "maxReplicas": 10,
      "metrics": [{"type": "Resource",
                   "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}]
    }
  })"));
}

inline core::v1::Service make_service() {
  return from_json<core::v1::Service>(nlohmann::json::parse(R"({
    "metadata": {"name": "web", "namespace": "default"},
    "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}
  })"));
}

inline core::v1::Namespace make_namespace() {
  return from_json<core::v1::Namespace>({{"metadata", {{"name", "team-a"}}}});
}

inline core::v1::Node make_node() {
  return from_json<core::v1::Node>(nlohmann::json::parse(R"({
    "metadata": {"name": "node-1", "labels": {"kubernetes.io/hostname": "node-1"}},
    "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}}
  })"));
}

inline core::v1::ConfigMap make_config_map() {
  return from_json<core::v1::ConfigMap>(
      {{"metadata", {{"name", "settings"}, {"namespace", "default"}}},
       {"data", {{"app.properties", "a=1"}, {"LOG_LEVEL", "info"}}}});
}

inline core::v1::Secret make_secret() {
  return from_json<core::v1::Secret>(
      {{"metadata", {{"name", "creds"}, {"namespace", "default"}}},
       {"stringData", {{"password", "hunter2"}}}});
}

} // namespace troupe::testing
