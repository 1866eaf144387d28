#pragma once
// Validation of PersistentVolumeClaims, standalone and as a StatefulSet's volumeClaimTemplates.

#include "config/field_error.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::config {

field_errors validate_pvc_spec(const troupe::core::v1::PersistentVolumeClaimSpec& spec, const field_path& path);
field_errors validate_pvc(const troupe::core::v1::PersistentVolumeClaim& pvc);
/// A claim template at `path` ("spec.volumeClaimTemplates[0]"): its name and spec.
field_errors validate_pvc_template(const troupe::core::v1::PersistentVolumeClaim& pvc, const field_path& path);

} // namespace troupe::config
