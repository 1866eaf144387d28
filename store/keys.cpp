#include "store/keys.hpp"

namespace troupe::store {

std::string group_segment(const config::kind_info& kind) {
  return kind.group.empty() ? std::string("core") : kind.group;
}

std::string prefix_for(const config::kind_info& kind, std::string_view ns) {
  std::string p = "/" + group_segment(kind) + "/" + kind.resource + "/";
  if (kind.namespaced && !ns.empty()) {
    p.append(ns);
    p += '/';
  }
  return p;
}

std::string key_for(const config::kind_info& kind, std::string_view ns, std::string_view name) {
  std::string k = prefix_for(kind, ns);
  k.append(name);
  return k;
}

std::string prefix_end(std::string_view prefix) {
  std::string end(prefix);
  // Increment the last byte that is not 0xff; keys are printable, so this is the last byte.
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xff) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(static_cast<unsigned char>(end.back()) + 1);
  return end;
}

const config::kind_info* kind_for_key(std::string_view key) {
  if (key.size() < 2 || key[0] != '/') return nullptr;
  size_t g_end = key.find('/', 1);
  if (g_end == std::string_view::npos) return nullptr;
  size_t r_end = key.find('/', g_end + 1);
  if (r_end == std::string_view::npos) return nullptr;
  std::string_view group = key.substr(1, g_end - 1);
  std::string_view resource = key.substr(g_end + 1, r_end - g_end - 1);
  if (group == "core") group = {};
  for (const auto& k : config::all_kinds()) {
    if (k.group == group && k.resource == resource && k.is_storage_version()) return &k;
  }
  return nullptr;
}

} // namespace troupe::store
