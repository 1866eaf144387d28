#pragma once
// What a strategic merge patch needs to know about a JSON key, read from the proto schema:
// proto field names are the JSON names, and the patch_strategy / merge_key / form / inline
// options of config/proto/options.proto carry the Go struct tags that drive the merge.

#include <google/protobuf/descriptor.h>

#include <string>
#include <string_view>

namespace troupe::config {

/// How the keys of one JSON object are interpreted. Neither member set: the object is not in the
/// schema and merges as plain JSON (lists replaced).
struct smp_object_schema {
  const google::protobuf::Descriptor* message = nullptr;         // keys are this message's fields
  const google::protobuf::FieldDescriptor* map_value = nullptr;  // or: every key holds a map value
};

/// What the schema says about the value under one key.
struct smp_field {
  enum class shape {
    unknown,  // not in the schema
    scalar,   // strings, numbers, bools, enums and messages with a non-object JSON form
    object,   // a message or a map<string, ...>
    list,     // a repeated field
  };
  shape kind = shape::unknown;
  smp_object_schema object;  // object: its keys; list: its elements' keys when they are objects
  std::string strategy;      // "merge", "replace" or "" ("retainKeys" is dropped: it only matters
                             // when computing patches; $retainKeys is honoured wherever it appears)
  std::string merge_key;     // lists: the key that identifies an element
};

/// The schema of a top-level object of the given message type (nullptr: no schema).
smp_object_schema smp_root(const google::protobuf::Descriptor* message);

/// Looks `key` up in `parent`: the message's own fields first, then the fields of its inline
/// (Go embedded) members. Unknown keys give shape::unknown.
smp_field smp_lookup(const smp_object_schema& parent, std::string_view key);

} // namespace troupe::config
