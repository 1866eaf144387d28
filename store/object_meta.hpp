#pragma once
// Reading and writing the metadata (troupe.meta.ObjectMeta, field 1 of every stored kind) of an
// object known only as a protobuf Message, plus the comparisons the store's write rules need.

#include <google/protobuf/message.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/kinds.hpp"
#include "proto/meta.pb.h"

namespace troupe::store {

/// The object's metadata; an empty default instance if the type has no metadata field.
const meta::ObjectMeta& object_meta(const google::protobuf::Message& object);
/// nullptr if the type has no metadata field.
meta::ObjectMeta* mutable_object_meta(google::protobuf::Message& object);

/// The revision in a resourceVersion string: "" -> 0; nullopt if not a non-negative decimal.
std::optional<int64_t> parse_revision(std::string_view resource_version);

/// True when anything outside metadata and status differs (what bumps metadata.generation).
bool spec_changed(const google::protobuf::Message& before, const google::protobuf::Message& after);

/// The same on two deterministic serializations of one kind (`descriptor`), without decoding or
/// copying: compares the top-level fields other than metadata (field 1) and status, as wire bytes.
/// nullopt when either does not parse as protobuf wire format.
std::optional<bool> spec_changed_bytes(const google::protobuf::Descriptor* descriptor,
                                       std::string_view before, std::string_view after);

/// "pods", "deployments.apps": how Kubernetes names a resource in error messages.
std::string qualified_resource(const config::kind_info& kind);

} // namespace troupe::store
