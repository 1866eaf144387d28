#pragma once
// A per-message-type index of the schema annotations in config/proto/options.proto, built once per
// protobuf Descriptor and cached for the life of the process. The codecs, patches and generic
// validation read the schema through this, never through descriptor options directly, so that the
// lookups on the hot path are a hash-map probe.

#include <google/protobuf/descriptor.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "proto/options.pb.h"

namespace troupe::config {

struct field_info {
  const google::protobuf::FieldDescriptor* field = nullptr;
  // Go embedded structs between the message and this field: the JSON key lives in the parent object,
  // but the field lives in these sub-messages (outermost first). Usually empty.
  std::vector<const google::protobuf::FieldDescriptor*> via;
  bool ptr = false;     // presence is meaningful; zero values are written
  bool always = false;  // written even when zero or absent
  bool inline_ = false; // this field is itself an embedded struct (its keys live in the parent)
  troupe::schema::json_form form = troupe::schema::OBJECT; // of the field's message type, if any
  std::string patch_strategy;
  std::string merge_key;
  std::vector<std::string> one_of; // closed set of string values, empty if open
};

struct message_info {
  const google::protobuf::Descriptor* descriptor = nullptr;
  troupe::schema::json_form form = troupe::schema::OBJECT;
  // Every field in declaration order, inline fields included (their own keys are in `by_key`).
  std::vector<field_info> fields;
  // JSON key -> field, resolving embedded structs (a key found through `via`).
  std::unordered_map<std::string, field_info> by_key;
  // Objects that carry Kubernetes' TypeMeta (apiVersion, kind) in JSON.
  bool has_type_meta = false;

  const field_info* find(std::string_view key) const;
};

/// The index for a message type (thread-safe, cached).
const message_info& schema_of(const google::protobuf::Descriptor* d);

/// The JSON form of a message type (OBJECT, TIME, QUANTITY, ...).
troupe::schema::json_form form_of(const google::protobuf::Descriptor* d);

} // namespace troupe::config
