#include "config/patch.hpp"

#include "config/json_merge_patch.hpp"
#include "config/json_patch.hpp"
#include "config/strategic_merge_patch.hpp"

#include <cctype>
#include <string>

namespace troupe::config {

std::optional<patch_type> parse_patch_type(std::string_view content_type) {
  std::string media(content_type.substr(0, content_type.find(';')));
  while (!media.empty() && std::isspace(static_cast<unsigned char>(media.back()))) media.pop_back();
  size_t start = 0;
  while (start < media.size() && std::isspace(static_cast<unsigned char>(media[start]))) ++start;
  media = media.substr(start);
  for (auto& c : media) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto t : {patch_type::json_patch, patch_type::merge_patch, patch_type::strategic_merge, patch_type::apply})
    if (media == to_string(t)) return t;
  return std::nullopt;
}

std::string_view to_string(patch_type t) {
  switch (t) {
  case patch_type::json_patch: return "application/json-patch+json";
  case patch_type::merge_patch: return "application/merge-patch+json";
  case patch_type::strategic_merge: return "application/strategic-merge-patch+json";
  case patch_type::apply: return "application/apply-patch+yaml";
  }
  return "";
}

patch_result apply_patch(patch_type type, const nlohmann::json& doc, const nlohmann::json& patch,
                         const google::protobuf::Descriptor* schema) {
  switch (type) {
  case patch_type::json_patch: return apply_json_patch(doc, patch);
  case patch_type::merge_patch: return apply_merge_patch(doc, patch);
  case patch_type::strategic_merge:
  case patch_type::apply: return apply_strategic_merge_patch(doc, patch, schema);
  }
  return patch_error::malformed("unknown patch type");
}

} // namespace troupe::config
