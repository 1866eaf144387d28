#pragma once
// One change in the store's history, as kept in memory for watchers and continue tokens, and its
// on-disk record (RocksDB "history" column family, keyed by the revision in big-endian so that
// key order is revision order):
//   record := type (1 byte) | varint len | key | varint len | object | varint len | prev
// `object` is the new state (for a deletion: the last state, at the deletion's revision) and
// `prev` the state before (empty for a creation): a watcher needs both to tell whether an object
// entered or left its selector.
// The store writes `object` empty for a creation or an update (format troupe-store-2): the state
// it made is already on disk twice over, as the `prev` of the key's next record or, for the key's
// latest record, as the key's stored value; writing it a third time doubled what every create
// wrote. A reopened store resolves those records from the newest back (engine_store::start).
// Format-1 records always carry it, and still decode.

#include <google/protobuf/message.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "store/object_store.hpp"

namespace troupe::store {

struct history_event {
  int64_t revision = 0;
  watch_event_type type = watch_event_type::added;  // added, modified or deleted
  std::string key;
  std::shared_ptr<const google::protobuf::Message> object;
  std::shared_ptr<const google::protobuf::Message> prev;  // null for added
};

struct history_record {
  watch_event_type type = watch_event_type::added;
  std::string_view key;
  std::string_view object;
  std::string_view prev;
};

std::string encode_history_record(const history_record& r);
/// nullopt if truncated or the type byte is unknown.
std::optional<history_record> decode_history_record(std::string_view bytes);

/// 8 bytes, big-endian.
std::string encode_revision(int64_t revision);
/// nullopt unless exactly 8 bytes.
std::optional<int64_t> decode_revision(std::string_view bytes);

} // namespace troupe::store
