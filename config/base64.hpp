#pragma once
// Standard base64 (RFC 4648 with padding), as Go's encoding/json writes []byte fields.

#include <optional>
#include <string>
#include <string_view>

namespace troupe::config {

std::string base64_encode(std::string_view in);
/// nullopt if `in` is not valid padded base64.
std::optional<std::string> base64_decode(std::string_view in);

} // namespace troupe::config
