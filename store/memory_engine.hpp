#pragma once
// The engine behind make_memory_store(): a sorted map under a reader/writer lock. A snapshot holds
// the read lock for its life (one list or one watch start), which is what makes it consistent.
// History lives only in the store's event log; nothing survives the process.

#include <memory>

#include "store/kv_engine.hpp"

namespace troupe::store {

std::unique_ptr<kv_engine> make_memory_engine();

} // namespace troupe::store
