#pragma once
// YAML manifests <-> JSON trees, the way kubectl and the API server read and write them:
// - reading follows sigs.k8s.io/yaml (YAML 1.1 scalars as go-yaml resolves them: `yes`/`on` are
//   booleans, `1_000` and `0x1F` integers, `~` null; quoted scalars always stay strings), several
//   documents separated by `---`, empty documents skipped;
// - writing is kubectl's `-o yaml`: keys sorted, two-space indent, list items at their key's indent,
//   strings quoted only where they would otherwise read back as something else.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace troupe::config {

struct yaml_documents {
  std::vector<nlohmann::json> documents;
  std::string error; // "yaml: line 3: mapping values are not allowed in this context"
  bool ok() const { return error.empty(); }
};

/// Every non-empty document of a YAML (or JSON: JSON is YAML) stream.
yaml_documents parse_yaml(std::string_view text);

/// One JSON value as a YAML document (no leading `---`), ending in a newline.
std::string to_yaml(const nlohmann::json& j);

} // namespace troupe::config
