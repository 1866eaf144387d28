#pragma once
// The objects named by -f, as kubectl's resource builder reads them: a file, a directory (its
// .json/.yaml/.yml files in name order; subdirectories with -R), or "-" for stdin (named "STDIN"
// in messages); YAML or JSON, several documents, `kind: List` and `*List` documents expanded.
// Errors are kubectl's: the path "x.yaml" does not exist / error parsing x.yaml: ... /
// no objects passed to <verb>.

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace troupe::cli {

struct manifest_object {
  nlohmann::json object;
  std::string source; // the file as named on the command line, or "STDIN"
};

struct manifest_result {
  std::vector<manifest_object> objects;
  std::string error;
  bool ok() const { return error.empty(); }
};

manifest_result read_manifests(const std::vector<std::string>& paths, std::istream& in, bool recursive);

/// Splits one document's JSON into objects (expanding lists).
void expand_document(const nlohmann::json& doc, const std::string& source, std::vector<manifest_object>& out);

} // namespace troupe::cli
