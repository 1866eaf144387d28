#include "actors/api/request_path.hpp"

#include "actors/http/target.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "actors/api/resource_verbs.hpp"

namespace troupe::api {

namespace {

using config::kind_info;

// Percent-decodes one segment; a malformed escape leaves the segment as written (Go's router would
// 400, but such a name can never exist, so not found is as good an answer).
std::string decode_segment(std::string_view s) {
  return http::percent_decode(s, false).value_or(std::string(s));
}

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/')
      ++i;
    if (i >= path.size())
      break;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos)
      j = path.size();
    parts.push_back(decode_segment(path.substr(i, j - i)));
    i = j;
  }
  return parts;
}

bool group_version_exists(std::string_view group, std::string_view version) {
  for (const auto& k : config::all_kinds())
    if (is_rest_resource(k) && k.group == group && k.version == version)
      return true;
  return false;
}

bool group_exists(std::string_view group) {
  for (const auto& k : config::all_kinds())
    if (is_rest_resource(k) && !k.group.empty() && k.group == group)
      return true;
  return false;
}

request_target not_found(std::string reason) {
  request_target t;
  t.reason = std::move(reason);
  return t;
}

bool has_subresource(const kind_info& k, std::string_view sub) {
  return std::find(k.subresources.begin(), k.subresources.end(), sub) != k.subresources.end();
}

// Resolves the segments after /api/v1 or /apis/<g>/<v>.
request_target resolve_resource(std::string group, std::string version,
                                std::vector<std::string> rest) {
  request_target t;
  t.group = std::move(group);
  t.version = std::move(version);
  if (!rest.empty() && rest[0] == "watch") {
    t.legacy_watch = true;
    rest.erase(rest.begin());
  }
  // namespaces/<ns>/<resource>...; but namespaces, namespaces/<n> and namespaces/<n>/<sub> are
  // the Namespace kind itself (only in the core group, where the kind lives).
  bool in_namespace = rest.size() >= 3 && rest[0] == "namespaces";
  if (in_namespace && t.group.empty() && rest.size() == 3) {
    const auto* nsk = config::find_resource("", t.version, "namespaces");
    if (nsk && has_subresource(*nsk, rest[2]))
      in_namespace = false;  // /api/v1/namespaces/<n>/status
  }
  if (in_namespace) {
    t.ns = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  } else if (rest.size() >= 2 && rest[0] == "namespaces" && !t.group.empty()) {
    return not_found("namespace path without a resource");
  }
  if (rest.empty() || rest.size() > 3)
    return not_found("no resource in the path");
  const auto* k = config::find_resource(t.group, t.version, rest[0]);
  if (!k)
    return not_found("unknown resource " + rest[0]);
  t.kind = k;
  if (rest.size() >= 2)
    t.name = rest[1];
  if (rest.size() == 3) {
    if (!has_subresource(*k, rest[2]))
      return not_found("unknown subresource " + rest[0] + "/" + rest[2]);
    t.subresource = rest[2];
  }
  if (!k->namespaced && !t.ns.empty())
    return not_found(rest[0] + " is cluster-scoped");
  if (k->namespaced && t.ns.empty() && !t.name.empty())
    return not_found(rest[0] + " is namespaced: a name needs a namespace");
  t.type = target_type::resource;
  return t;
}

request_target simple(target_type type) {
  request_target t;
  t.type = type;
  return t;
}

} // namespace

request_target parse_request_path(std::string_view path) {
  auto parts = split_path(path);
  if (parts.empty())
    return not_found("root path");
  const std::string& head = parts[0];
  if (head == "version" && parts.size() == 1)
    return simple(target_type::version);
  if (head == "healthz" || head == "livez" || head == "readyz")
    return simple(target_type::health);
  if (head == "metrics" && parts.size() == 1)
    return simple(target_type::metrics);
  if (head == "openapi") {
    if (parts.size() == 2 && parts[1] == "v2")
      return simple(target_type::openapi_v2);
    if (parts.size() == 2 && parts[1] == "v3")
      return simple(target_type::openapi_v3_index);
    if (parts.size() >= 4 && parts[1] == "v3") {
      request_target t;
      if (parts[2] == "api" && parts.size() == 4) {
        t.version = parts[3];
      } else if (parts[2] == "apis" && parts.size() == 5) {
        t.group = parts[3];
        t.version = parts[4];
      } else {
        return not_found("unknown OpenAPI v3 path");
      }
      if (!group_version_exists(t.group, t.version))
        return not_found("unknown group version in OpenAPI path");
      t.type = target_type::openapi_v3_doc;
      t.openapi_path = t.group.empty() ? "api/" + t.version : "apis/" + t.group + "/" + t.version;
      return t;
    }
    return not_found("unknown OpenAPI path");
  }
  if (head == "api") {
    if (parts.size() == 1)
      return simple(target_type::core_root);
    if (!group_version_exists("", parts[1]))
      return not_found("unknown version " + parts[1]);
    if (parts.size() == 2) {
      request_target t = simple(target_type::core_version);
      t.version = parts[1];
      return t;
    }
    return resolve_resource("", parts[1], {parts.begin() + 2, parts.end()});
  }
  if (head == "apis") {
    if (parts.size() == 1)
      return simple(target_type::groups_root);
    if (!group_exists(parts[1]))
      return not_found("unknown group " + parts[1]);
    if (parts.size() == 2) {
      request_target t = simple(target_type::group);
      t.group = parts[1];
      return t;
    }
    if (!group_version_exists(parts[1], parts[2]))
      return not_found("unknown version " + parts[1] + "/" + parts[2]);
    if (parts.size() == 3) {
      request_target t = simple(target_type::group_version);
      t.group = parts[1];
      t.version = parts[2];
      return t;
    }
    return resolve_resource(parts[1], parts[2], {parts.begin() + 3, parts.end()});
  }
  return not_found("unknown path");
}

const char* to_string(verb v) {
  switch (v) {
    case verb::get: return "get";
    case verb::list: return "list";
    case verb::watch: return "watch";
    case verb::create: return "create";
    case verb::update: return "update";
    case verb::patch: return "patch";
    case verb::delete_: return "delete";
    case verb::deletecollection: return "deletecollection";
  }
  return "";
}

std::optional<verb> request_verb(std::string_view method, const request_target& t, bool watch) {
  if (!t.is_resource())
    return std::nullopt;
  watch = watch || t.legacy_watch;
  bool collection = t.name.empty();
  if (method == "GET" || method == "HEAD") {
    if (watch)
      return verb::watch;
    return collection ? verb::list : verb::get;
  }
  // Subresources that create (binding, eviction, exec) take POST on the object.
  if (method == "POST")
    return collection || !t.subresource.empty() ? std::optional<verb>(verb::create) : std::nullopt;
  if (collection)
    return method == "DELETE" ? std::optional<verb>(verb::deletecollection) : std::nullopt;
  if (method == "PUT")
    return verb::update;
  if (method == "PATCH")
    return verb::patch;
  if (method == "DELETE")
    return verb::delete_;
  return std::nullopt;
}

bool verb_allowed(const request_target& t, verb v) {
  if (!t.is_resource())
    return false;
  const auto& verbs = t.subresource.empty() ? resource_verbs(*t.kind) : subresource_verbs(t.subresource);
  std::string name = to_string(v);
  bool listed = std::find(verbs.begin(), verbs.end(), name) != verbs.end();
  if (!t.subresource.empty())
    return listed;
  // A watch of one object (GET <object>?watch=true) is a watch in discovery's terms.
  if (!listed)
    return false;
  if (t.all_namespaces())
    return v == verb::list || v == verb::watch;
  if (t.name.empty())
    return v == verb::list || v == verb::watch || v == verb::create || v == verb::deletecollection;
  return v == verb::get || v == verb::watch || v == verb::update || v == verb::patch ||
         v == verb::delete_;
}

} // namespace troupe::api
