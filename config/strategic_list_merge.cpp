// Lists in a strategic merge patch: merging by key, primitive unions and deletions, and the
// element order rules (the patch's order, $setElementOrder, and live positions).
#include "config/strategic_merge_detail.hpp"

#include <algorithm>
#include <climits>
#include <vector>

namespace troupe::config::smp {
namespace {

using list = std::vector<json>;

// The identity of an element: its merge key's value for objects, the value itself otherwise.
const json& identity(const json& v, const std::string& merge_key) {
  static const json absent;
  if (merge_key.empty() || !v.is_object()) return v;
  auto it = v.find(merge_key);
  return it == v.end() ? absent : *it;
}

int position(const json& order, const json& v, const std::string& merge_key) {
  const json& id = identity(v, merge_key);
  for (size_t i = 0; i < order.size(); ++i)
    if (identity(order[i], merge_key) == id) return static_cast<int>(i);
  return -1;
}

void sort_by(list& items, const json& order, const std::string& merge_key) {
  std::stable_sort(items.begin(), items.end(), [&](const json& a, const json& b) {
    int pa = position(order, a, merge_key), pb = position(order, b, merge_key);
    return (pa < 0 ? INT_MAX : pa) < (pb < 0 ? INT_MAX : pb);
  });
}

// Merges two lists, each already in its own order, keeping both relative orders. A server-only
// element goes before a patch element only when both are in `live` and it comes first there; so
// an element the live list does not have is never held back behind server-only elements.
// Example: live [a b c], patch [b' x] -> a (before b'), b', x (unknown to live), c.
json interleave(const list& server_only, const list& patched, const json& live, const std::string& merge_key) {
  json out = json::array();
  size_t i = 0, j = 0;
  while (i < server_only.size() || j < patched.size()) {
    bool take_server = j >= patched.size();
    if (!take_server && i < server_only.size()) {
      int li = position(live, server_only[i], merge_key), ri = position(live, patched[j], merge_key);
      take_server = li >= 0 && ri >= 0 && li < ri;
    }
    out.push_back(take_server ? server_only[i++] : patched[j++]);
  }
  return out;
}

// Orders `merged`: elements present in `order` take its order, the rest keep their places
// relative to `live`.
status enforce_order(json& merged, const json& order, const json& live, const std::string& merge_key) {
  list patched, server_only;
  for (const auto& v : merged) {
    if (!merge_key.empty() && v.is_object() && !v.contains(merge_key))
      return patch_error::does_not_apply("map: " + brief(v) + " does not contain declared merge key: " + merge_key);
    (position(order, v, merge_key) >= 0 ? patched : server_only).push_back(v);
  }
  sort_by(patched, order, merge_key);
  sort_by(server_only, live, merge_key);
  merged = interleave(server_only, patched, live, merge_key);
  return std::nullopt;
}

status check_element_types(const json& a, const json& b, std::string_view name) {
  const json* first = nullptr;
  for (const json* l : {&a, &b})
    for (const auto& v : *l) {
      if (v.is_array()) return patch_error::malformed("lists of lists are not supported");
      if (!first) first = &v;
      else if (!same_kind(*first, v))
        return patch_error::malformed("list element types are not identical in " + std::string(name));
    }
  return std::nullopt;
}

status merge_primitives(json& original, const json& patch, bool delete_list) {
  json merged = json::array();
  if (delete_list) {
    for (const auto& v : original)
      if (std::find(patch.begin(), patch.end(), v) == patch.end()) merged.push_back(v);
    original = std::move(merged);
    return std::nullopt;
  }
  for (const json* l : {static_cast<const json*>(&original), &patch})
    for (const auto& v : *l)
      if (std::find(merged.begin(), merged.end(), v) == merged.end()) merged.push_back(v);
  json live = original;
  original = std::move(merged);
  return enforce_order(original, patch, live, "");
}

// Elements carrying "$patch": delete removes by merge key, replace makes the other patch
// elements the whole list. Returns the patch without them.
status special_elements(json& original, json& patch, const std::string& merge_key, bool& replaced) {
  json rest = json::array();
  replaced = false;
  for (auto& v : patch) {
    auto d = v.find(patch_directive);
    if (d == v.end()) {
      rest.push_back(std::move(v));
    } else if (*d == "delete") {
      if (!v.contains(merge_key))
        return patch_error::malformed("map: " + brief(v) + " does not contain declared merge key: " + merge_key);
      json kept = json::array();
      for (auto& o : original)
        if (!(o.is_object() && identity(o, merge_key) == v[merge_key])) kept.push_back(std::move(o));
      original = std::move(kept);
    } else if (*d == "replace") {
      replaced = true;
    } else if (*d == "merge") {
      return patch_error::malformed("merging lists cannot yet be specified in the patch");
    } else {
      return patch_error::malformed("unknown patch type: " + brief(*d) + " in map: " + brief(v));
    }
  }
  patch = std::move(rest);
  return std::nullopt;
}

status merge_objects(json& original, json patch, const smp_field& field, std::string_view name, json* live_order) {
  const std::string& key = field.merge_key;
  if (key.empty()) return patch_error::malformed("cannot merge lists without merge key for " + std::string(name));
  const size_t live_size = original.size();
  bool replaced = false;
  if (auto err = special_elements(original, patch, key, replaced)) return err;
  if (replaced) {
    if (live_order) *live_order = original;
    original = without_directives(patch).value_or(json::array());
    return enforce_order(original, json::array(), original, key);
  }
  const json live = original;
  for (auto& v : patch) {
    if (!v.contains(key))
      return patch_error::malformed("map: " + brief(v) + " does not contain declared merge key: " + key);
    auto match = std::find_if(original.begin(), original.end(),
                              [&](const json& o) { return o.is_object() && identity(o, key) == v[key]; });
    if (match != original.end()) {
      if (auto err = merge_object(*match, v, field.object)) return err;
    } else {
      json fresh = json::object();
      if (auto err = merge_object(fresh, v, field.object)) return err;
      original.push_back(std::move(fresh));
    }
  }
  if (live_order) {
    // Upstream reads live positions through a Go slice that shares storage with the merged list:
    // the survivors of deletions, then added elements, cut at the live list's length. Mirrored
    // here because it decides where server-only elements land next to added ones.
    *live_order = json::array();
    for (size_t i = 0; i < original.size() && i < live_size; ++i) live_order->push_back(original[i]);
  }
  return enforce_order(original, patch, live, key);
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The relative order of the patch list's elements must agree with the $setElementOrder list.
status check_order_matches(const json& patch_list, const json& order, const std::string& key, std::string_view name) {
  size_t pi = 0, si = 0;
  list items;
  for (const auto& v : patch_list)
    if (!(v.is_object() && v.contains(patch_directive))) items.push_back(v);
  while (pi < items.size() && si < order.size()) {
    if (!key.empty() && (!items[pi].contains(key) || !order[si].is_object() || !order[si].contains(key)))
      return patch_error::malformed("$setElementOrder/" + std::string(name) + ": elements must contain the merge key " + key);
    if (identity(items[pi], key) == identity(order[si], key)) ++pi;
    ++si;
  }
  if (pi < items.size())
    return patch_error::malformed("invalid patch format of setElementOrder list: the order of " + std::string(name) +
                                  " in the patch does not match $setElementOrder/" + std::string(name));
  return std::nullopt;
}

} // namespace

status merge_list(json& original, json patch, const smp_field& field, std::string_view name, bool delete_list,
                  json* live_order) {
  if (live_order) *live_order = original;
  if (!delete_list && field.strategy != "merge") {
    original = field.kind == smp_field::shape::scalar ? std::move(patch)
                                                      : without_directives(patch).value_or(json::array());
    return std::nullopt;
  }
  if (original.empty() && patch.empty()) return std::nullopt;
  if (auto err = check_element_types(original, patch, name)) return err;
  const json& sample = original.empty() ? patch[0] : original[0];
  if (!sample.is_object()) return merge_primitives(original, patch, delete_list);
  if (delete_list) return std::nullopt;  // $deleteFromPrimitiveList only removes primitives
  return merge_objects(original, std::move(patch), field, name, live_order);
}

status apply_set_element_order(json& original, json& patch, const std::string& directive_key,
                               const smp_object_schema& schema) {
  if (!starts_with(directive_key, set_order_prefix) || directive_key.size() == set_order_prefix.size())
    return patch_error::malformed("invalid patch format of setElementOrder list: " + directive_key);
  json order = std::move(patch[directive_key]);
  patch.erase(directive_key);
  if (!order.is_array())
    return patch_error::malformed("invalid patch format of setElementOrder list: " + directive_key + " is not a list");
  const std::string name = directive_key.substr(set_order_prefix.size());
  const smp_field field = smp_lookup(schema, name);
  auto orig_it = original.find(name);
  auto patch_it = patch.find(name);
  bool in_original = orig_it != original.end(), in_patch = patch_it != patch.end();
  if ((in_original && !orig_it->is_array()) || (in_patch && !patch_it->is_array()))
    return patch_error::malformed("expected a list for " + name + " next to " + directive_key);
  if (!in_original && !in_patch) return std::nullopt;
  if (in_patch)
    if (auto err = check_order_matches(*patch_it, order, field.merge_key, name)) return err;

  json merged = in_original ? *orig_it : json::array();
  json live = json::array();
  if (in_patch) {
    json list_patch = std::move(*patch_it);
    patch.erase(patch_it);
    if (auto err = merge_list(merged, std::move(list_patch), field, name, false, &live)) return err;
  } else {
    live = merged;
  }
  if (auto err = enforce_order(merged, order, live, field.merge_key)) return err;
  original[name] = std::move(merged);
  return std::nullopt;
}

} // namespace troupe::config::smp
