#pragma once
// Where a workload keeps its pod spec, by kind: Pod -> spec; Deployment/ReplicaSet/DaemonSet/
// StatefulSet/Job/ReplicationController -> spec.template.spec; CronJob ->
// spec.jobTemplate.spec.template.spec. As a JSON pointer for patches and lookups.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace troupe::cli {

/// {"spec","template","spec"} for a Deployment; empty for kinds without pods.
std::vector<std::string> pod_spec_path(const std::string& kind);

/// The pod spec inside `obj` (null if absent).
nlohmann::json pod_spec_of(const nlohmann::json& obj);

/// Wraps `inner` at the pod spec path: {"spec":{"template":{"spec": inner}}}.
nlohmann::json wrap_pod_spec(const std::string& kind, const nlohmann::json& inner);

} // namespace troupe::cli
