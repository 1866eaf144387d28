#pragma once
// Where a manifest object goes: its resource (from apiVersion/kind via discovery), namespace
// (metadata.namespace, else -n or the context's) and name, with kubectl's errors:
//   resource mapping not found for name: "x" namespace: "" from "f.yaml": no matches for kind
//   "Foo" in version "v1"\nensure CRDs are installed first
//   the namespace from the provided object "a" does not match the namespace "b". You must pass
//   '--namespace=a' to perform this operation.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "cli/resource_catalog.hpp"

namespace troupe::cli {

struct object_target {
  const resource_info* resource = nullptr;
  std::string ns;   // "" for cluster-scoped resources
  std::string name; // may be empty (generateName)
  std::string error;
};

object_target target_of(const std::vector<resource_info>& all, const nlohmann::json& obj,
                        const std::string& default_ns, bool ns_explicit, const std::string& source);

/// The validation mode flag (--validate=strict|warn|ignore|true|false) as fieldValidation's value;
/// "" for a bad value.
std::string field_validation(const std::string& validate_flag);

} // namespace troupe::cli
