#pragma once
// kubectl describe's text for one object (pure: everything it shows is passed in, time is an
// argument). Pod, Deployment, ReplicaSet, Node, Namespace, Service, Job and HorizontalPodAutoscaler
// get kubectl's layout
// for their main fields; any other kind gets the generic describer (every field, camelCase keys as
// "Title Case"). Events come last (Type Reason Age From Message), "<none>" without any.
// Lines are "Key:\tvalue" laid out by tabwriter.hpp as kubectl does (minwidth 0, padding 2).

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace troupe::cli {

struct describe_context {
  nlohmann::json events = nlohmann::json::array();      // EventList items about the object
  nlohmann::json pods = nlohmann::json::array();        // pods selected by an RS/Job, or on a Node
  nlohmann::json replicasets = nlohmann::json::array(); // RSs of a Deployment's namespace
  nlohmann::json lease;                                  // a Node's coordination.k8s.io Lease
  std::string lease_error;                               // why it could not be read
  nlohmann::json endpoints;                              // a Service's Endpoints object (null: none)
  bool has_resource_quotas = false, has_limit_ranges = false; // served by the server (Namespace)
  int64_t now = 0;                                      // Unix seconds
};

std::string describe_object(const nlohmann::json& obj, const describe_context& ctx);

/// "Pod Template:" block (also used by `rollout history --revision`); no trailing tabwriter pass.
std::string describe_pod_template(const nlohmann::json& tmpl);

/// "Mon, 01 Jan 2024 10:00:00 +0000" for an RFC 3339 time ("" stays "<unset>"").
std::string describe_time(const std::string& rfc3339);

/// "CamelCase" / "camelCase" -> "Camel Case".
std::string title_words(const std::string& key);

} // namespace troupe::cli
