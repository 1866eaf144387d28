#include "cli/manifest_source.hpp"

#include <algorithm>
#include <filesystem>
#include <istream>
#include <sstream>

#include "cli/kubeconfig.hpp"
#include "config/yaml_codec.hpp"

namespace troupe::cli {

namespace fs = std::filesystem;
using nlohmann::json;

void expand_document(const json& doc, const std::string& source, std::vector<manifest_object>& out) {
  if (!doc.is_object())
    return;
  std::string kind = doc.value("kind", "");
  if (doc.contains("items") && doc["items"].is_array() && kind.size() >= 4
      && kind.compare(kind.size() - 4, 4, "List") == 0) {
    for (const auto& item : doc["items"])
      expand_document(item, source, out);
    return;
  }
  out.push_back({doc, source});
}

namespace {

bool manifest_extension(const fs::path& p) {
  auto e = p.extension().string();
  return e == ".json" || e == ".yaml" || e == ".yml";
}

std::string parse_into(const std::string& text, const std::string& source, std::vector<manifest_object>& out) {
  auto docs = config::parse_yaml(text);
  if (!docs.ok())
    return "error parsing " + source + ": error converting YAML to JSON: " + docs.error;
  for (const auto& d : docs.documents)
    expand_document(d, source, out);
  return {};
}

std::string read_dir(const fs::path& dir, bool recursive, std::vector<manifest_object>& out) {
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir))
    entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const auto& p : entries) {
    if (fs::is_directory(p)) {
      if (recursive)
        if (auto err = read_dir(p, recursive, out); !err.empty())
          return err;
      continue;
    }
    if (!manifest_extension(p))
      continue;
    auto text = read_text_file(p.string());
    if (!text)
      return "open " + p.string() + ": permission denied";
    if (auto err = parse_into(*text, p.string(), out); !err.empty())
      return err;
  }
  return {};
}

} // namespace

manifest_result read_manifests(const std::vector<std::string>& paths, std::istream& in, bool recursive) {
  manifest_result r;
  for (const auto& path : paths) {
    if (path == "-") {
      std::ostringstream s;
      s << in.rdbuf();
      r.error = parse_into(s.str(), "STDIN", r.objects);
    } else if (!fs::exists(path)) {
      r.error = "the path \"" + path + "\" does not exist";
    } else if (fs::is_directory(path)) {
      r.error = read_dir(path, recursive, r.objects);
    } else {
      auto text = read_text_file(path);
      r.error = text ? parse_into(*text, path, r.objects) : "open " + path + ": permission denied";
    }
    if (!r.error.empty())
      return r;
  }
  return r;
}

} // namespace troupe::cli
