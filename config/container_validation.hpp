#pragma once
// Validation of a pod's containers and init containers (ValidatePodSpec's container part): names,
// image, ports, env, resources, probes, lifecycle hooks and volume mounts, worded as Kubernetes.
//
// Left to upstream's warnings rather than errors: two ports with the same containerPort/protocol
// (Kubernetes accepts them and only warns).

#include <set>
#include <string>

#include "config/field_error.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::config {

/// Both lists of `spec` under `spec_path` ("spec.template.spec"); `volumes` are the names
/// volumeMounts may refer to.
field_errors validate_containers(const troupe::core::v1::PodSpec& spec, const field_path& spec_path,
                                 const std::set<std::string>& volumes);

/// limits/requests: standard or domain-qualified resource names, valid non-negative quantities,
/// requests not above limits.
field_errors validate_resource_requirements(const troupe::core::v1::ResourceRequirements& r,
                                            const field_path& path);

/// A quantity string that must parse and be >= 0 (`must be greater than or equal to 0`).
field_errors validate_nonnegative_quantity(const std::string& text, const field_path& path);

/// `must be greater than or equal to 0` when value < 0.
field_errors validate_nonnegative(int64_t value, const field_path& path);

/// An int port 1-65535 or an IANA port name.
field_errors validate_port_num_or_name(const troupe::meta::IntOrString& port, const field_path& path);

} // namespace troupe::config
