#pragma once
// Admission of an object on create or update: Kubernetes' defaults, then validation. Both are
// pure functions of the object (and, on update, the old object); the API server and
// `troupe check` call this one entry point.

#include <google/protobuf/message.h>

#include <string>

#include "config/field_error.hpp"
#include "config/kinds.hpp"
#include "config/pod_defaults.hpp"

namespace troupe::config {

struct admission_result {
  field_errors errors;
  bool ok() const { return errors.empty(); }
  /// Kubernetes' Invalid message: `Deployment.apps "web" is invalid: <error>` or, with several,
  /// `Pod "x" is invalid: [<error>, <error>]`.
  std::string message(const kind_info& k, const google::protobuf::Message& obj) const;
};

/// What the API server's admission is configured with (kube-apiserver flags).
struct admission_options {
  toleration_defaults default_tolerations;  // DefaultTolerationSeconds (300 s each)
};

/// Sets defaults on `obj` (a message of `k`'s type) and validates it.
admission_result admit(const kind_info& k, google::protobuf::Message& obj,
                       const admission_options& options = {});

} // namespace troupe::config
