#pragma once
// Validation of pods and pod templates (ValidatePodSpec, ValidatePodTemplateSpec,
// ValidatePodCreate) on defaulted objects, worded as Kubernetes. The containers are checked in
// container_validation.hpp, the scheduling constraints in scheduling_validation.hpp.

#include "config/field_error.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::config {

field_errors validate_pod_spec(const troupe::core::v1::PodSpec& spec, const field_path& path);

/// A workload's template at `path` ("spec.template"): its labels and annotations (at
/// `<path>.labels`, as upstream reports them) and its spec.
field_errors validate_pod_template_spec(const troupe::core::v1::PodTemplateSpec& t,
                                        const field_path& path);

/// A Pod object: metadata and spec.
field_errors validate_pod(const troupe::core::v1::Pod& pod);

/// spec.volumes: unique DNS-1123 label names, exactly one source each, the source's own rules.
field_errors validate_volumes(const google::protobuf::RepeatedPtrField<troupe::core::v1::Volume>& volumes,
                              const field_path& path);

} // namespace troupe::config
