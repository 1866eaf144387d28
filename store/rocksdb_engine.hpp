#pragma once
// The engine behind open_rocksdb_store(): three column families in one database, written together
// in one WriteBatch per group commit, so an object, its history record and the revision are
// durable together or not at all:
//   default  key -> object bytes
//   history  revision (8 bytes big-endian) -> history record (store/history.hpp)
//   meta     "format" -> "troupe-store-1", "revision", "compacted" -> 8 bytes big-endian
// Open fails, closing everything again, when the path is not a usable directory, another process
// holds the database's LOCK, the files are corrupt, or the meta and history disagree.

#include <memory>
#include <string>

#include "store/kv_engine.hpp"

namespace troupe::store {

result<std::unique_ptr<kv_engine>> open_rocksdb_engine(const std::string& path);

} // namespace troupe::store
