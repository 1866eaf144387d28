#include "store/object_store.hpp"

#include "store/engine_store.hpp"
#include "store/memory_engine.hpp"
#include "store/rocksdb_engine.hpp"

namespace troupe::store {

const char* to_string(watch_event_type t) {
  switch (t) {
    case watch_event_type::added: return "ADDED";
    case watch_event_type::modified: return "MODIFIED";
    case watch_event_type::deleted: return "DELETED";
    case watch_event_type::bookmark: return "BOOKMARK";
    case watch_event_type::error: return "ERROR";
  }
  return "ERROR";
}

result<std::unique_ptr<object_store>> open_rocksdb_store(const std::string& path,
                                                         const store_options& options) {
  auto engine = open_rocksdb_engine(path);
  if (!engine.ok()) return engine.status();
  auto store = std::make_unique<engine_store>(std::move(*engine), options);
  if (auto s = store->start(); !s) return s;
  return std::unique_ptr<object_store>(std::move(store));
}

std::unique_ptr<object_store> make_memory_store(const store_options& options) {
  auto store = std::make_unique<engine_store>(make_memory_engine(), options);
  store->start();  // nothing to recover
  return store;
}

} // namespace troupe::store
