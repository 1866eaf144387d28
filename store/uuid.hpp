#pragma once
// Random version 4 UUIDs for metadata.uid ("0b9f2c6e-5d1a-4c3e-9f7a-2e8b1d4c6a90").

#include <string>

namespace troupe::store {

/// From a per-thread generator seeded by std::random_device.
std::string random_uuid();

} // namespace troupe::store
