#include "actors/api/media_types.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include "actors/api/discovery.hpp"
#include "config/patch.hpp"

namespace troupe::api {

namespace {

struct media_range {
  std::string type;  // "application/json", lower case
  std::map<std::string, std::string> params;
};

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])))
    ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])))
    --e;
  return std::string(s.substr(b, e - b));
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos)
      break;
    start = pos + 1;
  }
  return out;
}

media_range parse_range(std::string_view text) {
  auto parts = split(text, ';');
  media_range r;
  r.type = lower(trim(parts[0]));
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string p = trim(parts[i]);
    auto eq = p.find('=');
    if (eq == std::string::npos)
      continue;
    std::string value = trim(std::string_view(p).substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    r.params[lower(trim(std::string_view(p).substr(0, eq)))] = value;
  }
  return r;
}

std::string param(const media_range& r, const char* key) {
  auto it = r.params.find(key);
  return it == r.params.end() ? std::string() : it->second;
}

bool is_json_like(const std::string& type) {
  return type == "application/json" || type == "*/*" || type == "application/*";
}

// The form one media range asks for, if we can give it.
std::optional<negotiated_response> form_of(const media_range& r, bool discovery) {
  if (param(r, "q") == "0")
    return std::nullopt;
  const std::string as = param(r, "as");
  const std::string g = param(r, "g");
  const std::string v = param(r, "v");
  bool protobuf = r.type == "application/vnd.kubernetes.protobuf";
  if (!as.empty()) {
    if (r.type != "application/json" && !protobuf)
      return std::nullopt;
    if (discovery && as == "APIGroupDiscoveryList" && g == "apidiscovery.k8s.io") {
      if (v == "v2")
        return negotiated_response{response_form::discovery_v2, protobuf};
      if (v == "v2beta1")
        return negotiated_response{response_form::discovery_v2beta1, protobuf};
    }
    if (!discovery && g == "meta.k8s.io" && (v == "v1" || v == "v1beta1")) {
      bool v1 = v == "v1";
      if (as == "Table")
        return negotiated_response{v1 ? response_form::table_v1 : response_form::table_v1beta1, protobuf};
      if (as == "PartialObjectMetadata" || as == "PartialObjectMetadataList")
        return negotiated_response{v1 ? response_form::partial_metadata_v1 : response_form::partial_metadata_v1beta1,
                                   protobuf};
    }
    return std::nullopt;
  }
  if (is_json_like(r.type))
    return negotiated_response{response_form::json, false};
  if (protobuf)
    return negotiated_response{response_form::json, true};
  if (r.type == "application/yaml")
    return negotiated_response{response_form::yaml, false};
  return std::nullopt;
}

} // namespace

negotiated_response negotiate_response(std::string_view accept, bool discovery) {
  if (trim(accept).empty())
    return {};
  for (auto range : split(accept, ',')) {
    if (trim(range).empty())
      continue;
    if (auto f = form_of(parse_range(range), discovery))
      return *f;
  }
  return {response_form::not_acceptable, false};
}

std::string response_content_type(response_form form) {
  switch (form) {
    case response_form::discovery_v2:
      return aggregated_content_type(discovery_version::v2);
    case response_form::discovery_v2beta1:
      return aggregated_content_type(discovery_version::v2beta1);
    case response_form::yaml:
      return "application/yaml";
    default:
      return "application/json";
  }
}

std::string meta_api_version(response_form form) {
  return form == response_form::table_v1beta1 || form == response_form::partial_metadata_v1beta1
             ? "meta.k8s.io/v1beta1"
             : "meta.k8s.io/v1";
}

body_format parse_content_type(std::string_view content_type) {
  std::string type = parse_range(content_type).type;
  if (type.empty() || type == "application/json")
    return body_format::json;
  if (type == "application/yaml")
    return body_format::yaml;
  if (type == "application/vnd.kubernetes.protobuf")
    return body_format::protobuf;
  if (auto p = config::parse_patch_type(type)) {
    switch (*p) {
      case config::patch_type::json_patch: return body_format::json_patch;
      case config::patch_type::merge_patch: return body_format::merge_patch;
      case config::patch_type::strategic_merge: return body_format::strategic_merge_patch;
      case config::patch_type::apply: return body_format::apply_patch;
    }
  }
  return body_format::unsupported;
}

std::optional<api_status> check_body_format(verb v, body_format format) {
  bool patch_body = format == body_format::json_patch || format == body_format::merge_patch ||
                    format == body_format::strategic_merge_patch || format == body_format::apply_patch;
  if (v == verb::patch) {
    if (patch_body)
      return std::nullopt;
    return unsupported_media_type("application/json-patch+json, application/merge-patch+json, "
                                  "application/apply-patch+yaml, application/strategic-merge-patch+json");
  }
  if (format == body_format::json || format == body_format::yaml || format == body_format::protobuf)
    return std::nullopt;
  return unsupported_media_type("application/json, application/yaml, application/vnd.kubernetes.protobuf");
}

} // namespace troupe::api
