#pragma once
// POSTs one object and prints what kubectl prints: `pod/x created` (or `(dry run)`,
// `(server dry run)`), the object with -o yaml|json, `pod/x` with -o name; on failure
// `Error from server (AlreadyExists): error when creating "f.yaml": pods "x" already exists`
// (the "error when creating" part only for objects read from a file).

#include <nlohmann/json.hpp>

#include <string>

#include "cli/session.hpp"

namespace troupe::cli {

struct create_options {
  std::string field_manager = "kubectl-create";
  std::string field_validation = "Strict"; // "" leaves the parameter out (run, expose)
  std::string output;                      // "", "name", "yaml", "json"
  std::string dry_run;                     // "", "client", "server"
  std::string source;                      // file name, for the error context
};

/// Returns 0 or 1 (the error printed).
int create_object(session& s, api_client& api, const resource_info& r, const std::string& ns,
                  const nlohmann::json& obj, const create_options& o);

/// Prints the result of a write: -o name|yaml|json or `<kind>/<name> <verb>` (+ dry-run suffix).
void print_written(session& s, const nlohmann::json& obj, const std::string& verb,
                   const std::string& output, const std::string& dry_run);

/// --dry-run's value: none|client|server ("" for none); nullopt-like "!" for a bad value.
std::string parse_dry_run(const parsed_flags& f);

} // namespace troupe::cli
