#include "cli/wait_condition.hpp"

#include <algorithm>
#include <cctype>

namespace troupe::cli {

using nlohmann::json;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

} // namespace

wait_condition_result parse_wait_for(const std::string& spec) {
  wait_condition c;
  if (lower(spec) == "delete") {
    c.type = wait_condition::kind::deleted;
    return {c, {}};
  }
  if (lower(spec) == "create") {
    c.type = wait_condition::kind::created;
    return {c, {}};
  }
  if (spec.rfind("condition=", 0) == 0) {
    std::string rest = spec.substr(10);
    auto eq = rest.find('=');
    c.type = wait_condition::kind::condition;
    c.name = rest.substr(0, eq);
    c.value = eq == std::string::npos ? "True" : rest.substr(eq + 1);
    if (c.name.empty())
      return {std::nullopt, "condition name cannot be empty"};
    return {c, {}};
  }
  if (spec.rfind("jsonpath=", 0) == 0) {
    std::string rest = spec.substr(9);
    // The path ends at "}=" (braced) or at the first '=' (bare).
    size_t split = rest.find("}=");
    split = split == std::string::npos ? rest.find('=') : split + 1;
    c.type = wait_condition::kind::jsonpath;
    c.name = rest.substr(0, split);
    if (split == std::string::npos)
      return {std::nullopt, "jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3"};
    c.value = rest.substr(split + 1);
    return {c, {}};
  }
  return {std::nullopt, "unrecognized condition: \"" + spec + "\""};
}

json json_path_value(const json& obj, const std::string& path_in) {
  std::string path = path_in;
  if (!path.empty() && path.front() == '{' && path.back() == '}')
    path = path.substr(1, path.size() - 2);
  const json* cur = &obj;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      size_t end = path.find_first_of(".[", i);
      std::string key = path.substr(i, end == std::string::npos ? std::string::npos : end - i);
      if (key.empty())
        continue;
      if (!cur->is_object() || !cur->contains(key))
        return nullptr;
      cur = &(*cur)[key];
      i = end == std::string::npos ? path.size() : end;
    } else if (path[i] == '[') {
      size_t end = path.find(']', i);
      if (end == std::string::npos)
        return nullptr;
      size_t idx = std::stoul(path.substr(i + 1, end - i - 1));
      if (!cur->is_array() || idx >= cur->size())
        return nullptr;
      cur = &(*cur)[idx];
      i = end + 1;
    } else {
      return nullptr;
    }
  }
  return *cur;
}

bool condition_met(const wait_condition& c, const json* obj) {
  switch (c.type) {
    case wait_condition::kind::deleted: return obj == nullptr;
    case wait_condition::kind::created: return obj != nullptr;
    case wait_condition::kind::condition:
      if (!obj)
        return false;
      for (const auto& cond : obj->value("status", json::object()).value("conditions", json::array()))
        if (lower(cond.value("type", "")) == lower(c.name))
          return lower(cond.value("status", "")) == lower(c.value);
      return false;
    case wait_condition::kind::jsonpath: {
      if (!obj)
        return false;
      json v = json_path_value(*obj, c.name);
      if (v.is_null())
        return false;
      return (v.is_string() ? v.get<std::string>() : v.dump()) == c.value;
    }
  }
  return false;
}

} // namespace troupe::cli
