#pragma once
// What the store reports about its writes, for metrics. The store calls these from its sync
// thread (stage 2 of the commit pipeline, see store/engine_store.hpp) without holding its locks;
// implementations must be thread-safe, quick, and must not block or call back into the store.

#include <cstddef>
#include <string_view>

namespace troupe::store {

class store_observer {
public:
  virtual ~store_observer() = default;
  /// One create/update/remove write, from its call to its answer (durable or refused): `operation`
  /// is "create", "update" or "delete"; `ok` is false for refusals (conflict, not found, ...).
  virtual void write_done(std::string_view operation, double seconds, bool ok) = 0;
  /// One group commit: `writes` new revisions made durable together in `seconds` (the batch write
  /// with its WAL sync). `revision` is the latest revision after it.
  virtual void committed(size_t writes, double seconds, int64_t revision) = 0;
};

} // namespace troupe::store
