#include "cli/three_way_patch.hpp"

#include <string>

namespace troupe::cli {

using nlohmann::json;

namespace {

// The merge key of a list field, by its name and (for "ports") its elements.
std::string merge_key(const std::string& field, const json& sample) {
  static const char* by_name[] = {"containers", "initContainers", "ephemeralContainers", "env",
                                  "volumes", "imagePullSecrets", "envFrom_none"};
  for (const char* f : by_name)
    if (field == f)
      return "name";
  if (field == "volumeMounts")
    return "mountPath";
  if (field == "volumeDevices")
    return "devicePath";
  if (field == "conditions")
    return "type";
  if (field == "ownerReferences")
    return "uid";
  if (field == "ports") {
    if (sample.is_object() && sample.contains("containerPort"))
      return "containerPort";
    if (sample.is_object() && sample.contains("port"))
      return "port";
  }
  return {};
}

const json* find_by_key(const json& list, const std::string& key, const json& value) {
  if (!list.is_array())
    return nullptr;
  for (const auto& e : list)
    if (e.is_object() && e.contains(key) && e[key] == value)
      return &e;
  return nullptr;
}

json diff_maps(const json& original, const json& modified, const json& current);

// A keyed list's patch: changed or new elements, and deletions of elements the user dropped.
// null when nothing changes.
json diff_keyed_list(const std::string& key, const json& original, const json& modified, const json& current) {
  json out = json::array();
  for (const auto& m : modified) {
    if (!m.is_object() || !m.contains(key))
      return modified; // not really keyed: replace
    const json* c = find_by_key(current, key, m[key]);
    if (!c) {
      out.push_back(m);
      continue;
    }
    const json* o = find_by_key(original, key, m[key]);
    json sub = diff_maps(o ? *o : json(), m, *c);
    if (!sub.empty()) {
      sub[key] = m[key];
      out.push_back(sub);
    }
  }
  if (original.is_array())
    for (const auto& o : original)
      if (o.is_object() && o.contains(key) && !find_by_key(modified, key, o[key])
          && find_by_key(current, key, o[key]))
        out.push_back({{key, o[key]}, {"$patch", "delete"}});
  return out.empty() ? json() : out;
}

json diff_maps(const json& original, const json& modified, const json& current) {
  json patch = json::object();
  if (!modified.is_object())
    return patch;
  for (auto it = modified.begin(); it != modified.end(); ++it) {
    const std::string& k = it.key();
    const json& m = it.value();
    const json orig = original.is_object() && original.contains(k) ? original[k] : json();
    if (!current.is_object() || !current.contains(k)) {
      if (!m.is_null())
        patch[k] = m;
      continue;
    }
    const json& c = current[k];
    if (m.is_object() && c.is_object()) {
      json sub = diff_maps(orig, m, c);
      if (!sub.empty())
        patch[k] = sub;
    } else if (m.is_array() && c.is_array() && !m.empty()
               && !merge_key(k, m.front()).empty()) {
      json sub = diff_keyed_list(merge_key(k, m.front()), orig, m, c);
      if (!sub.is_null())
        patch[k] = sub;
    } else if (m != c) {
      patch[k] = m;
    }
  }
  if (original.is_object())
    for (auto it = original.begin(); it != original.end(); ++it)
      if (!modified.contains(it.key()) && current.is_object() && current.contains(it.key()))
        patch[it.key()] = nullptr;
  return patch;
}

} // namespace

json three_way_patch(const json& original, const json& modified, const json& current) {
  return diff_maps(original, modified, current);
}

json with_last_applied(const json& manifest) {
  // As kubectl's GetModifiedConfiguration: the annotations map stays, empty, in the recorded text.
  json m = manifest;
  m["metadata"]["annotations"] = manifest.value("metadata", json::object()).value("annotations", json::object());
  m["metadata"]["annotations"].erase(last_applied_annotation);
  json out = manifest;
  out["metadata"]["annotations"][last_applied_annotation] = m.dump() + "\n";
  return out;
}

} // namespace troupe::cli
