#include "cli/create_object.hpp"

#include <ostream>

#include "cli/object_output.hpp"

namespace troupe::cli {

using nlohmann::json;

std::string parse_dry_run(const parsed_flags& f) {
  if (!f.has("dry-run"))
    return "";
  std::string v = f.get("dry-run");
  if (v == "none" || v == "false")
    return "";
  if (v == "client" || v == "true")
    return "client";
  if (v == "server")
    return "server";
  return "!";
}

void print_written(session& s, const json& obj, const std::string& verb, const std::string& output,
                   const std::string& dry_run) {
  if (output == "yaml" || output == "json") {
    s.io.out << render_object(obj, output);
    return;
  }
  std::string name = object_name({}, obj);
  if (output == "name") {
    s.io.out << name << "\n";
    return;
  }
  s.io.out << name << " " << verb
           << (dry_run == "client" ? " (dry run)" : dry_run == "server" ? " (server dry run)" : "") << "\n";
}

int create_object(session& s, api_client& api, const resource_info& r, const std::string& ns,
                  const json& obj_in, const create_options& o) {
  json obj = obj_in;
  obj["apiVersion"] = r.api_version();
  obj["kind"] = r.kind;
  if (o.dry_run == "client") {
    print_written(s, obj, "created", o.output, o.dry_run);
    return 0;
  }
  std::vector<std::pair<std::string, std::string>> q;
  if (o.dry_run == "server")
    q.push_back({"dryRun", "All"});
  q.push_back({"fieldManager", o.field_manager});
  q.push_back({"fieldValidation", o.field_validation});
  auto resp = api.request("POST", resource_path(r, ns) + query_string(q), obj.dump(), "application/json");
  if (!resp.ok())
    return s.fail(resp, o.source.empty() ? "" : "error when creating \"" + o.source + "\": ");
  json created = resp.body.is_object() ? resp.body : obj;
  if (!created.contains("kind")) {
    created["apiVersion"] = r.api_version();
    created["kind"] = r.kind;
  }
  print_written(s, created, "created", o.output, o.dry_run);
  return 0;
}

} // namespace troupe::cli
