#include "store/continue_token.hpp"

#include <nlohmann/json.hpp>

#include "config/base64.hpp"

namespace troupe::store {

std::string encode_continue(const continue_position& p) {
  nlohmann::json j = {{"v", "meta.k8s.io/v1"}, {"rv", p.revision}, {"start", p.start}};
  return config::base64_encode(j.dump());
}

result<continue_position> decode_continue(std::string_view token) {
  auto bad = [](const std::string& why) {
    return status::invalid("continue key is not valid: " + why);
  };
  auto text = config::base64_decode(token);
  if (!text) return bad("not base64");
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  if (j.value("v", "") != "meta.k8s.io/v1") return bad("unknown version");
  auto rv = j.find("rv");
  auto start = j.find("start");
  if (rv == j.end() || !rv->is_number_integer() || rv->get<int64_t>() <= 0) {
    return bad("incorrect encoded start resourceVersion");
  }
  if (start == j.end() || !start->is_string() || start->get<std::string>().empty()) {
    return bad("encoded start key empty");
  }
  return continue_position{rv->get<int64_t>(), start->get<std::string>()};
}

} // namespace troupe::store
