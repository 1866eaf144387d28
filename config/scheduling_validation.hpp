#pragma once
// Validation of a pod's scheduling constraints: tolerations, node/pod (anti-)affinity, topology
// spread constraints and nodeSelector, worded as Kubernetes. Operators and effects outside their
// closed sets are reported by schema_validation (one_of), not here.

#include "config/field_error.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::config {

field_errors validate_tolerations(
    const google::protobuf::RepeatedPtrField<troupe::core::v1::Toleration>& tolerations,
    const field_path& path);

field_errors validate_affinity(const troupe::core::v1::Affinity& affinity, const field_path& path);

field_errors validate_topology_spread_constraints(
    const google::protobuf::RepeatedPtrField<troupe::core::v1::TopologySpreadConstraint>& constraints,
    const field_path& path);

/// One NodeSelectorRequirement: the key, and the values its operator needs.
field_errors validate_node_selector_requirement(const troupe::core::v1::NodeSelectorRequirement& r,
                                                const field_path& path);

} // namespace troupe::config
