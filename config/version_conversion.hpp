#pragma once
// Conversion between the versions of a kind that Troupe serves and the one version it stores
// (kind_info::storage_version): autoscaling/v1 HorizontalPodAutoscaler <-> autoscaling/v2, and
// batch/v1beta1 CronJob <-> batch/v1 (same schema: a copy). The API server converts a request to
// the storage form before the store and a stored object to the version the client asked for.

#include <google/protobuf/message.h>

#include <memory>

#include "config/field_error.hpp"
#include "config/kinds.hpp"

namespace troupe::config {

struct conversion_result {
  std::unique_ptr<google::protobuf::Message> object;
  field_errors errors; // object is null when not empty
  bool ok() const { return object != nullptr && errors.empty(); }
};

/// `obj` is a message of kind `from`; the result is a message of storage_kind(from).
conversion_result to_storage_version(const kind_info& from, const google::protobuf::Message& obj);

/// `stored` is a message of storage_kind(to); the result is a message of kind `to`.
conversion_result from_storage_version(const kind_info& to, const google::protobuf::Message& stored);

} // namespace troupe::config
