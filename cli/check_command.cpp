#include "cli/check_command.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "config/admission.hpp"
#include "config/object_codec.hpp"
#include "config/yaml_codec.hpp"

namespace troupe::cli {

namespace fs = std::filesystem;
using namespace troupe::config;

namespace {

struct options {
  std::vector<std::string> files;
  std::string output = "yaml";
  decode_mode mode = decode_mode::strict;
};

const char* help_text =
  "Check manifests offline: decode strictly, apply defaults, validate.\n\n"
  "Usage: troupe check -f FILE|DIR|- [-f ...] [-o yaml|json] [--validate=strict|warn|ignore]\n\n"
  "Prints every object with defaults filled in, or each error with its field path (exit 1).\n";

// Returns an error message, or "" when the arguments parse.
std::string parse_args(const std::vector<std::string>& args, options& o, bool& help) {
  for (size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    auto value = [&](const std::string& flag) -> std::optional<std::string> {
      if (a.rfind(flag + "=", 0) == 0)
        return a.substr(flag.size() + 1);
      if (a == flag && i + 1 < args.size())
        return args[++i];
      return std::nullopt;
    };
    if (a == "-h" || a == "--help") {
      help = true;
    } else if (a == "-f" || a == "--filename" || a.rfind("-f=", 0) == 0 || a.rfind("--filename=", 0) == 0) {
      auto v = a[1] == 'f' ? value("-f") : value("--filename");
      if (!v)
        return "flag needs an argument: " + a;
      o.files.push_back(*v);
    } else if (a == "-o" || a == "--output" || a.rfind("-o=", 0) == 0 || a.rfind("--output=", 0) == 0) {
      auto v = a[1] == 'o' ? value("-o") : value("--output");
      if (!v || (*v != "yaml" && *v != "json"))
        return "unable to match a printer suitable for the output format \"" + (v ? *v : "")
               + "\", allowed formats are: json,yaml";
      o.output = *v;
    } else if (a.rfind("--validate", 0) == 0) {
      auto v = a == "--validate" ? std::optional<std::string>("strict") : value("--validate");
      std::string s = v ? *v : "";
      if (s == "strict" || s == "true")
        o.mode = decode_mode::strict;
      else if (s == "warn")
        o.mode = decode_mode::warn;
      else if (s == "ignore" || s == "false")
        o.mode = decode_mode::ignore;
      else
        return "invalid - validate option \"" + s + "\"; must be one of: strict (or true), warn, ignore (or false)";
    } else {
      return "unknown flag: " + a;
    }
  }
  if (!help && o.files.empty())
    return "must specify one of -f and -k";
  return {};
}

// The files named by -f: a file, each .yaml/.yml/.json in a directory (sorted), or "-" for stdin.
std::string expand(const std::string& name, std::vector<std::string>& out) {
  if (name == "-") {
    out.push_back(name);
    return {};
  }
  std::error_code ec;
  if (fs::is_directory(name, ec)) {
    std::vector<std::string> found;
    for (const auto& e : fs::directory_iterator(name, ec)) {
      auto ext = e.path().extension().string();
      if (e.is_regular_file() && (ext == ".yaml" || ext == ".yml" || ext == ".json"))
        found.push_back(e.path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
    return {};
  }
  if (!fs::exists(name, ec))
    return "the path \"" + name + "\" does not exist";
  out.push_back(name);
  return {};
}

} // namespace

int check_command(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                  std::ostream& err) {
  options o;
  bool help = false;
  if (auto e = parse_args(args, o, help); !e.empty()) {
    err << "error: " << e << "\nSee 'troupe check --help' for usage.\n";
    return 1;
  }
  if (help) {
    out << help_text;
    return 0;
  }
  std::vector<std::string> files;
  for (const auto& f : o.files) {
    if (auto e = expand(f, files); !e.empty()) {
      err << "error: " << e << "\n";
      return 1;
    }
  }
  int failures = 0;
  bool first = true;
  nlohmann::json items = nlohmann::json::array();
  for (const auto& file : files) {
    std::stringstream buf;
    if (file == "-") {
      buf << in.rdbuf();
    } else {
      std::ifstream f(file, std::ios::binary);
      if (!f) {
        err << "error: cannot read \"" << file << "\"\n";
        ++failures;
        continue;
      }
      buf << f.rdbuf();
    }
    const std::string where = file == "-" ? "STDIN" : file;
    for (auto& d : decode_manifests(buf.str(), o.mode)) {
      for (const auto& w : d.warnings)
        err << "Warning: " << where << ": " << w.to_string() << "\n";
      if (!d.ok()) {
        err << "error: error validating \"" << where << "\": " << d.message() << "\n";
        ++failures;
        continue;
      }
      auto admitted = admit(*d.kind, *d.object);
      if (!admitted.errors.empty()) {
        err << "error: " << where << ": " << admitted.message(*d.kind, *d.object) << "\n";
        ++failures;
        continue;
      }
      auto j = encode_json(*d.kind, *d.object);
      if (o.output == "json") {
        items.push_back(std::move(j));
      } else {
        if (!first)
          out << "---\n";
        first = false;
        out << to_yaml(j);
      }
    }
  }
  if (o.output == "json") {
    if (items.size() == 1)
      out << items[0].dump(4) << "\n";
    else if (!items.empty())
      out << nlohmann::json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}}.dump(4) << "\n";
  }
  return failures == 0 ? 0 : 1;
}

} // namespace troupe::cli
