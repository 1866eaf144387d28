#include "config/json_patch.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

namespace troupe::config {
namespace {

using json = nlohmann::json;
using tokens = std::vector<std::string>;

// RFC 6901 reference tokens, or nullopt when the pointer is malformed.
std::optional<tokens> parse_pointer(const std::string& path) {
  tokens out;
  if (path.empty()) return out;
  if (path[0] != '/') return std::nullopt;
  std::string cur;
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      out.push_back(std::move(cur));
      cur.clear();
    } else if (path[i] == '~') {
      if (i + 1 >= path.size() || (path[i + 1] != '0' && path[i + 1] != '1')) return std::nullopt;
      cur += path[++i] == '0' ? '~' : '/';
    } else {
      cur += path[i];
    }
  }
  return out;
}

// An array index as RFC 6901 writes it: digits, no leading zero.
std::optional<size_t> array_index(const std::string& t) {
  if (t.empty() || t.size() > 18 || (t.size() > 1 && t[0] == '0')) return std::nullopt;
  for (char c : t)
    if (c < '0' || c > '9') return std::nullopt;
  return std::stoull(t);
}

const json* locate(const json& doc, const tokens& path, size_t depth) {
  const json* cur = &doc;
  for (size_t i = 0; i < depth; ++i) {
    if (cur->is_object()) {
      auto it = cur->find(path[i]);
      if (it == cur->end()) return nullptr;
      cur = &*it;
    } else if (cur->is_array()) {
      auto idx = array_index(path[i]);
      if (!idx || *idx >= cur->size()) return nullptr;
      cur = &(*cur)[*idx];
    } else {
      return nullptr;
    }
  }
  return cur;
}

const json* locate(const json& doc, const tokens& path) { return locate(doc, path, path.size()); }

struct op_context {
  size_t index;
  std::string op;
  std::string path;

  std::string where() const { return " (patch[" + std::to_string(index) + "])"; }
  patch_error malformed(const std::string& what) const {
    return patch_error::malformed("jsonpatch " + op + " operation: " + what + where());
  }
  patch_error does_not_apply(const std::string& what) const {
    return patch_error::does_not_apply("jsonpatch " + op + " operation does not apply: " + what + where());
  }
};

// The parent of an add/move/copy target must be an object, or an array with a valid insert
// position ("-" appends).
std::optional<patch_error> check_insert_target(const json& doc, const tokens& path, const op_context& ctx) {
  if (path.empty()) return std::nullopt;  // replaces the whole document
  const json* parent = locate(doc, path, path.size() - 1);
  if (!parent || !(parent->is_object() || parent->is_array()))
    return ctx.does_not_apply("doc is missing path: " + ctx.path);
  if (parent->is_array() && path.back() != "-") {
    auto idx = array_index(path.back());
    if (!idx || *idx > parent->size()) return ctx.does_not_apply("index out of range: " + ctx.path);
  }
  return std::nullopt;
}

std::optional<patch_error> check_member(const json& op, const char* name, bool string, const op_context& ctx) {
  auto it = op.find(name);
  if (it == op.end()) return ctx.malformed(std::string("missing \"") + name + "\"");
  if (string && !it->is_string()) return ctx.malformed(std::string("\"") + name + "\" must be a string");
  return std::nullopt;
}

// Checks one operation against the current document so that nlohmann's patch_inplace, which
// asserts on some of these cases instead of throwing, only ever sees operations that apply.
std::optional<patch_error> check_operation(const json& doc, const json& op, size_t index) {
  op_context ctx{index, "", ""};
  auto where = ctx.where();
  if (!op.is_object()) return patch_error::malformed("jsonpatch: an operation must be a JSON object" + where);
  auto op_it = op.find("op");
  if (op_it == op.end() || !op_it->is_string())
    return patch_error::malformed("jsonpatch: operation is missing a string \"op\"" + where);
  ctx.op = op_it->get<std::string>();
  static const char* known[] = {"add", "remove", "replace", "move", "copy", "test"};
  bool is_known = false;
  for (auto* k : known) is_known = is_known || ctx.op == k;
  if (!is_known) return patch_error::malformed("jsonpatch: unsupported operation \"" + ctx.op + "\"" + where);

  if (auto err = check_member(op, "path", true, ctx)) return err;
  ctx.path = op["path"].get<std::string>();
  auto path = parse_pointer(ctx.path);
  if (!path) return ctx.malformed("invalid path \"" + ctx.path + "\"");

  const std::string& o = ctx.op;
  if (o == "add" || o == "replace" || o == "test")
    if (auto err = check_member(op, "value", false, ctx)) return err;
  if (o == "add") return check_insert_target(doc, *path, ctx);
  if (o == "remove" || o == "replace" || o == "test") {
    if (o == "remove" && path->empty()) return ctx.does_not_apply("cannot remove the whole document");
    const json* target = locate(doc, *path);
    if (!target) return ctx.does_not_apply("doc is missing key: " + ctx.path);
    if (o == "test" && *target != op["value"])
      return ctx.does_not_apply("value at " + ctx.path + " differs from the expected value");
    return std::nullopt;
  }
  // move and copy
  if (auto err = check_member(op, "from", true, ctx)) return err;
  std::string from_text = op["from"].get<std::string>();
  auto from = parse_pointer(from_text);
  if (!from) return ctx.malformed("invalid from \"" + from_text + "\"");
  if (!locate(doc, *from)) return ctx.does_not_apply("doc is missing from path: " + from_text);
  if (o == "move") {
    if (from->empty() && !path->empty()) return ctx.does_not_apply("cannot move the whole document into itself");
    bool into_child = path->size() > from->size() && std::equal(from->begin(), from->end(), path->begin());
    if (into_child) return ctx.does_not_apply("cannot move " + from_text + " into its own child " + ctx.path);
    if (*path == *from) return std::nullopt;
    // The target is resolved after the source is removed.
    json after = doc;
    after.patch_inplace(json::array({{{"op", "remove"}, {"path", from_text}}}));
    return check_insert_target(after, *path, ctx);
  }
  return check_insert_target(doc, *path, ctx);
}

} // namespace

patch_result apply_json_patch(const json& doc, const json& patch) {
  if (!patch.is_array())
    return patch_error::malformed("jsonpatch: the patch must be a JSON array of operations, got " +
                                  std::string(patch.type_name()));
  json result = doc;
  for (size_t i = 0; i < patch.size(); ++i) {
    if (auto err = check_operation(result, patch[i], i)) return *err;
    try {
      result.patch_inplace(json::array({patch[i]}));
    } catch (const json::exception& e) {
      // Not expected after check_operation; kept so a gap there is an error, not a crash.
      return patch_error::does_not_apply("jsonpatch " + patch[i]["op"].get<std::string>() +
                                         " operation does not apply: " + e.what() + " (patch[" +
                                         std::to_string(i) + "])");
    }
  }
  return result;
}

} // namespace troupe::config
