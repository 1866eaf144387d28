#pragma once
// The narrow interface between the store's logic (store/engine_store.hpp) and where bytes live:
// RocksDB (store/rocksdb_engine.hpp) or memory (store/memory_engine.hpp). An engine knows keys,
// bytes, revisions and atomic durable batches; nothing about objects, selectors or watchers.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/status.hpp"

namespace troupe::store {

/// Everything one group commit writes, applied atomically.
struct kv_batch {
  std::vector<std::pair<std::string, std::optional<std::string>>> objects;  // put, or delete
  std::vector<std::pair<int64_t, std::string>> history;  // new history records, by revision
  int64_t revision = 0;  // the latest revision once applied
  // History records in (compact_from, compact_to] are dropped; compact_to becomes the persisted
  // compacted revision. Equal: nothing to drop.
  int64_t compact_from = 0;
  int64_t compact_to = 0;
};

/// A consistent view: every read sees the same revision.
class kv_reader {
public:
  virtual ~kv_reader() = default;
  virtual int64_t revision() const = 0;
  virtual result<std::optional<std::string>> get(const std::string& key) = 0;
  /// fn(key, value) for the keys in [begin, end), in order, until fn returns false.
  virtual status scan(const std::string& begin, const std::string& end,
                      const std::function<bool(std::string_view, std::string_view)>& fn) = 0;
};

/// What an engine found at open.
struct kv_recovered {
  int64_t revision = 0;
  int64_t compacted = 0;
  std::vector<std::pair<int64_t, std::string>> history;  // ascending revisions
};

class kv_engine {
public:
  virtual ~kv_engine() = default;
  virtual std::unique_ptr<kv_reader> snapshot() = 0;
  /// The latest value (the commit loop's read before it plans a write).
  virtual result<std::optional<std::string>> get(const std::string& key) = 0;
  /// Applies the batch atomically; with `sync`, returns once it is durable.
  virtual status commit(const kv_batch& batch, bool sync) = 0;
  virtual const kv_recovered& recovered() const = 0;
  /// Whether commit() stores kv_batch::history (else the store need not encode it).
  virtual bool keeps_history() const = 0;
  /// Names the engine in messages: the database path, or "memory".
  virtual const std::string& name() const = 0;
};

} // namespace troupe::store
