#pragma once
// Admission of an object on create or update: Kubernetes' defaults, then validation. Both are
// pure functions of the object (and, on update, the old object); the API server and
// `troupe check` call this one entry point.

#include <google/protobuf/message.h>

#include <string>

#include "config/field_error.hpp"
#include "config/kinds.hpp"

namespace troupe::config {

struct admission_result {
  field_errors errors;
  bool ok() const { return errors.empty(); }
  /// Kubernetes' Invalid message: `Deployment.apps "web" is invalid: <error>` or, with several,
  /// `Pod "x" is invalid: [<error>, <error>]`.
  std::string message(const kind_info& k, const google::protobuf::Message& obj) const;
};

/// Sets defaults on `obj` (a message of `k`'s type) and validates it.
admission_result admit(const kind_info& k, google::protobuf::Message& obj);

} // namespace troupe::config
