#include "actors/supervision/child_spec.hpp"

#include <set>

namespace troupe::supervision {

std::string validate(const std::vector<child_entry>& children) {
  std::set<std::string> seen;
  for (size_t i = 0; i < children.size(); ++i) {
    const auto& id = children[i].id;
    if (id.empty())
      return "child " + std::to_string(i) + ": id must not be empty";
    if (!seen.insert(id).second)
      return "child " + std::to_string(i) + ": duplicate id \"" + id + "\"";
  }
  return {};
}

const char* to_string(restart_type x) {
  switch (x) {
    case restart_type::permanent: return "permanent";
    case restart_type::transient: return "transient";
    case restart_type::temporary: return "temporary";
  }
  return "?";
}

const char* to_string(strategy x) {
  switch (x) {
    case strategy::one_for_one: return "one_for_one";
    case strategy::one_for_all: return "one_for_all";
    case strategy::rest_for_one: return "rest_for_one";
  }
  return "?";
}

const char* to_string(exit_kind x) {
  switch (x) {
    case exit_kind::normal: return "normal";
    case exit_kind::shutdown: return "shutdown";
    case exit_kind::abnormal: return "abnormal";
  }
  return "?";
}

} // namespace troupe::supervision
