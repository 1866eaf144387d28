#include "cli/label_changes.hpp"

namespace troupe::cli {

using nlohmann::json;

bool looks_like_change(const std::string& a) {
  return a.find('=') != std::string::npos || (a.size() > 1 && a.back() == '-');
}

label_changes parse_changes(const std::vector<std::string>& args) {
  label_changes out;
  for (const auto& a : args) {
    auto eq = a.find('=');
    if (eq == std::string::npos) {
      out.value.push_back({a.substr(0, a.size() - 1), std::nullopt});
      continue;
    }
    std::string key = a.substr(0, eq);
    if (key.empty()) {
      out.error = "invalid label spec: " + a;
      return out;
    }
    out.value.push_back({key, a.substr(eq + 1)});
  }
  return out;
}

label_plan plan_changes(const json& current, const std::vector<label_change>& changes, bool overwrite) {
  label_plan p;
  for (const auto& c : changes) {
    bool has = current.is_object() && current.contains(c.key);
    std::string old = has && current[c.key].is_string() ? current[c.key].get<std::string>() : "";
    if (!c.value) {
      if (has)
        p.patch[c.key] = nullptr;
      continue;
    }
    if (has && old == *c.value)
      continue;
    if (has && !overwrite) {
      p.error = "'" + c.key + "' already has a value (" + old + "), and --overwrite is false";
      return p;
    }
    p.patch[c.key] = *c.value;
  }
  return p;
}

} // namespace troupe::cli
