#include "config/event_name.hpp"

#include <cstdio>

namespace troupe::config {

std::string event_namer::next(const std::string& object, int64_t now_ns) {
  const int64_t ns = now_ns > last_ns_ ? now_ns : last_ns_ + 1;
  last_ns_ = ns;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(ns));
  return object + "." + hex;
}

} // namespace troupe::config
