#include "config/strategic_merge_patch.hpp"

#include "config/strategic_merge_detail.hpp"

#include <set>
#include <vector>

namespace troupe::config {
namespace smp {
namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool is_directive_key(std::string_view k) {
  return k == patch_directive || k == retain_keys_directive || starts_with(k, set_order_prefix) ||
         starts_with(k, delete_primitive_prefix);
}

// {"$patch": ...} on an object: true when the caller should stop (the object was replaced).
status object_directive(json& original, json& patch, bool& done) {
  auto it = patch.find(patch_directive);
  done = false;
  if (it == patch.end()) return std::nullopt;
  if (*it == "replace") {
    patch.erase(it);
    original = without_directives(patch).value_or(json::object());
    done = true;
  } else if (*it == "delete") {
    original = json::object();
    done = true;
  } else if (*it == "merge") {
    patch.erase(it);
  } else {
    return patch_error::malformed("unknown patch type: " + brief(*it) + " in map: " + brief(patch));
  }
  return std::nullopt;
}

// "$retainKeys": keys of the original not listed are cleared; every key the patch sets must be
// listed.
status retain_keys(json& original, json& patch) {
  auto it = patch.find(retain_keys_directive);
  if (it == patch.end()) return std::nullopt;
  if (!it->is_array()) return patch_error::malformed("invalid patch format of retainKeys: expected a list");
  std::set<std::string> keep;
  for (const auto& k : *it) {
    if (!k.is_string()) return patch_error::malformed("invalid patch format of retainKeys: " + brief(*it));
    keep.insert(k.get<std::string>());
  }
  patch.erase(it);
  for (const auto& [k, v] : patch.items()) {
    if (v.is_null() || starts_with(k, set_order_prefix) || starts_with(k, delete_primitive_prefix)) continue;
    if (!keep.count(k))
      return patch_error::malformed("invalid patch format of retainKeys: \"" + k + "\" is not in $retainKeys");
  }
  for (auto o = original.begin(); o != original.end();) o = keep.count(o.key()) ? std::next(o) : original.erase(o);
  return std::nullopt;
}

// A patch value for a key the original lacks (or holds with another JSON type): the patch value
// merged into nothing, so its directives are processed rather than copied.
status place_new(json& original, const std::string& key, json v, const smp_field& field) {
  original.erase(key);
  if (field.kind == smp_field::shape::scalar) {  // Quantity, IntOrString, RawExtension...: opaque
    original[key] = std::move(v);
    return std::nullopt;
  }
  if (v.is_object()) {
    if (field.strategy == "replace") {
      if (auto clean = without_directives(v)) original[key] = std::move(*clean);
      return std::nullopt;
    }
    auto d = v.find(patch_directive);
    if (d != v.end() && *d == "delete") return std::nullopt;
    json fresh = json::object();
    if (auto err = merge_object(fresh, std::move(v), field.object)) return err;
    original[key] = std::move(fresh);
  } else if (v.is_array()) {
    json fresh = json::array();
    if (auto err = merge_list(fresh, std::move(v), field, key, false, nullptr)) return err;
    original[key] = std::move(fresh);
  } else {
    original[key] = std::move(v);
  }
  return std::nullopt;
}

status merge_key(json& original, std::string key, json v, const smp_object_schema& schema) {
  bool delete_list = false;
  if (starts_with(key, delete_primitive_prefix)) {
    key = key.substr(delete_primitive_prefix.size());
    delete_list = true;
  }
  auto it = original.find(key);
  if (v.is_null()) {
    // As upstream: null removes the key, also under $deleteFromPrimitiveList/.
    if (it != original.end()) original.erase(it);
    return std::nullopt;
  }
  smp_field field = smp_lookup(schema, key);
  if (it == original.end() || !same_kind(*it, v)) {
    if (delete_list) return std::nullopt;  // nothing to delete from
    return place_new(original, key, std::move(v), field);
  }
  if (v.is_array()) return merge_list(*it, std::move(v), field, key, delete_list, nullptr);
  if (delete_list) return std::nullopt;
  if (!v.is_object() || field.kind == smp_field::shape::scalar) {
    *it = std::move(v);
    return std::nullopt;
  }
  if (field.strategy == "replace") {
    *it = without_directives(v).value_or(json::object());
    return std::nullopt;
  }
  return merge_object(*it, std::move(v), field.object);
}

} // namespace

status merge_object(json& original, json patch, const smp_object_schema& schema) {
  if (!patch.is_object()) return patch_error::malformed("expected a map in the patch, got " + brief(patch));
  bool done = false;
  if (auto err = object_directive(original, patch, done)) return err;
  if (done) return std::nullopt;
  if (!original.is_object()) original = json::object();
  if (auto err = retain_keys(original, patch)) return err;

  std::vector<std::string> order_keys;
  for (const auto& [k, v] : patch.items())
    if (starts_with(k, "$setElementOrder")) order_keys.push_back(k);
  for (const auto& k : order_keys)
    if (auto err = apply_set_element_order(original, patch, k, schema)) return err;

  for (auto& [k, v] : patch.items()) {
    if (starts_with(k, "$deleteFromPrimitiveList") && !starts_with(k, delete_primitive_prefix))
      return patch_error::malformed("invalid patch format of primitive list: " + k);
    if (auto err = merge_key(original, k, std::move(v), schema)) return err;
  }
  return std::nullopt;
}

std::optional<json> without_directives(const json& v) {
  if (v.is_object()) {
    if (v.contains(patch_directive)) return std::nullopt;
    json out = json::object();
    for (const auto& [k, e] : v.items()) {
      if (e.is_null() || is_directive_key(k)) continue;
      if (auto clean = without_directives(e)) out[k] = std::move(*clean);
    }
    return out;
  }
  if (v.is_array()) {
    json out = json::array();
    for (const auto& e : v)
      if (auto clean = without_directives(e)) out.push_back(std::move(*clean));
    return out;
  }
  return v;
}

bool same_kind(const json& a, const json& b) { return a.type() == b.type() || (a.is_number() && b.is_number()); }

std::string brief(const json& v) {
  std::string s = v.dump();
  return s.size() > 200 ? s.substr(0, 200) + "..." : s;
}

} // namespace smp

patch_result apply_strategic_merge_patch(const nlohmann::json& doc, const nlohmann::json& patch,
                                         const google::protobuf::Descriptor* schema) {
  if (!patch.is_object())
    return patch_error::malformed("strategic merge patch must be a JSON object, got " + std::string(patch.type_name()));
  nlohmann::json result = doc.is_object() ? doc : nlohmann::json::object();
  if (auto err = smp::merge_object(result, patch, smp_root(schema))) return *err;
  return result;
}

} // namespace troupe::config
