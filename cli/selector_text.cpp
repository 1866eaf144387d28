#include "cli/selector_text.hpp"

namespace troupe::cli {

using nlohmann::json;

std::string map_selector_text(const json& labels) {
  std::string out;
  if (labels.is_object())
    for (auto it = labels.begin(); it != labels.end(); ++it)
      out += (out.empty() ? "" : ",") + it.key() + "=" + it->get<std::string>();
  return out;
}

std::string selector_text(const json& selector) {
  if (!selector.is_object())
    return {};
  std::string out = map_selector_text(selector.value("matchLabels", json::object()));
  for (const auto& e : selector.value("matchExpressions", json::array())) {
    std::string key = e.value("key", ""), op = e.value("operator", ""), values;
    for (const auto& v : e.value("values", json::array()))
      values += (values.empty() ? "" : ",") + v.get<std::string>();
    std::string term;
    if (op == "In")
      term = key + " in (" + values + ")";
    else if (op == "NotIn")
      term = key + " notin (" + values + ")";
    else if (op == "Exists")
      term = key;
    else if (op == "DoesNotExist")
      term = "!" + key;
    out += (out.empty() ? "" : ",") + term;
  }
  return out;
}

} // namespace troupe::cli
