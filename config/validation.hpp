#pragma once
// Kubernetes' validation for every kind Troupe serves (pkg/apis/*/validation), on a defaulted
// object. Every error names its field path with Kubernetes' wording.

#include <google/protobuf/message.h>

#include "config/field_error.hpp"
#include "config/kinds.hpp"

namespace troupe::config {

/// Validation of a new object of kind `k` (create). Empty when valid.
field_errors validate_object(const kind_info& k, const google::protobuf::Message& obj);

} // namespace troupe::config
