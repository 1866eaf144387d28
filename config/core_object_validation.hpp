#pragma once
// Validation of the core/v1 kinds other than pods and claims: Service, Namespace, Node, Event,
// ConfigMap, Secret, Endpoints, PodTemplate, Binding, worded as Kubernetes.
//
// Service nodePorts are checked against the default range 30000-32767 only for types that
// allocate them (NodePort, LoadBalancer); allocating them is the API server's job.

#include "config/field_error.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::config {

field_errors validate_service(const troupe::core::v1::Service& svc);
field_errors validate_namespace(const troupe::core::v1::Namespace& ns);
field_errors validate_node(const troupe::core::v1::Node& node);
field_errors validate_event(const troupe::core::v1::Event& event);
field_errors validate_config_map(const troupe::core::v1::ConfigMap& cm);
field_errors validate_secret(const troupe::core::v1::Secret& secret);
field_errors validate_endpoints(const troupe::core::v1::Endpoints& ep);
field_errors validate_pod_template(const troupe::core::v1::PodTemplate& t);
field_errors validate_binding(const troupe::core::v1::Binding& b);

/// A ConfigMap/Secret key: [-._a-zA-Z0-9]+, at most 253 characters, not "." or "..", not
/// starting with "..". Empty when valid.
std::vector<std::string> config_key_problems(std::string_view key);

} // namespace troupe::config
