#pragma once
// Kubernetes' defaults for every kind Troupe serves (pkg/apis/*/v1/defaults.go), applied in place.
// Idempotent: defaulting a defaulted object changes nothing.

#include <google/protobuf/message.h>

#include "config/kinds.hpp"

namespace troupe::config {

/// Fills in every default of `obj`, a message of kind `k`. Kinds without defaults are left alone.
void apply_defaults(const kind_info& k, google::protobuf::Message& obj);

} // namespace troupe::config
