#pragma once
// List continue tokens in Kubernetes' shape: base64 of
//   {"v":"meta.k8s.io/v1","rv":<revision>,"start":"<next key, relative to the list prefix>"}
// The revision makes every page reflect the first page's state.

#include <cstdint>
#include <string>
#include <string_view>

#include "store/status.hpp"

namespace troupe::store {

struct continue_position {
  int64_t revision = 0;
  std::string start;  // relative to the list's prefix
};

std::string encode_continue(const continue_position& p);
/// invalid ("continue key is not valid: ...") when malformed.
result<continue_position> decode_continue(std::string_view token);

} // namespace troupe::store
