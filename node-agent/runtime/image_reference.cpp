#include "node-agent/runtime/image_reference.hpp"

#include <algorithm>
#include <cctype>

namespace troupe::node_agent::runtime {

namespace {

bool is_image_id(const std::string& ref) {
  if (ref.size() != 7 + 64 || ref.compare(0, 7, "sha256:") != 0) return false;
  return std::all_of(ref.begin() + 7, ref.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

bool looks_like_domain(const std::string& component) {
  return component == "localhost" || component.find('.') != std::string::npos ||
         component.find(':') != std::string::npos;
}

} // namespace

result<std::string> normalize_image_reference(const std::string& ref) {
  if (ref.empty()) return status::invalid_argument("invalid reference format");
  if (is_image_id(ref)) return ref;
  std::string name = ref;
  std::string digest;
  if (auto at = name.find('@'); at != std::string::npos) {
    digest = name.substr(at);
    name.erase(at);
  }
  // A tag is a ':' after the last '/', so "localhost:5999/x" has none.
  std::string tag;
  const auto slash = name.rfind('/');
  if (auto colon = name.rfind(':');
      colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    tag = name.substr(colon + 1);
    name.erase(colon);
    if (tag.empty()) return status::invalid_argument("invalid reference format");
  }
  std::string domain = "docker.io";
  std::string path = name;
  if (auto first = name.find('/'); first != std::string::npos &&
                                   looks_like_domain(name.substr(0, first))) {
    domain = name.substr(0, first);
    path = name.substr(first + 1);
  }
  if (path.empty()) return status::invalid_argument("invalid reference format");
  if (std::any_of(path.begin(), path.end(),
                  [](char c) { return std::isupper(static_cast<unsigned char>(c)) != 0; })) {
    return status::invalid_argument("invalid reference format: repository name must be lowercase");
  }
  if (domain == "docker.io" && path.find('/') == std::string::npos) path = "library/" + path;
  std::string out = domain + "/" + path;
  if (!tag.empty()) out += ":" + tag;
  else if (digest.empty()) out += ":latest";
  return out + digest;
}

std::string image_tag(const std::string& normalized_ref) {
  if (normalized_ref.find('@') != std::string::npos || is_image_id(normalized_ref)) return "";
  const auto slash = normalized_ref.rfind('/');
  const auto colon = normalized_ref.rfind(':');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) return "latest";
  return normalized_ref.substr(colon + 1);
}

} // namespace troupe::node_agent::runtime
