// `troupe apply -f`: kubectl's client-side apply. A missing object is created with the
// last-applied-configuration annotation; an existing one gets the three-way strategic merge patch
// (three_way_patch.hpp), or nothing when that patch is empty ("unchanged").
// --server-side sends the manifest as application/apply-patch+yaml instead.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/create_object.hpp"
#include "cli/manifest_loop.hpp"
#include "cli/object_target.hpp"
#include "cli/three_way_patch.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

int apply_one(session& s, api_client& api, const object_target& t, const manifest_object& m,
              const std::string& validation, const std::string& output, const std::string& dry_run) {
  const resource_info& r = *t.resource;
  std::string context = "error when applying patch to \"" + m.source + "\": ";
  json manifest = m.object;
  if (r.namespaced)
    manifest["metadata"]["namespace"] = t.ns; // kubectl's builder records the namespace it used
  if (s.flags.is_set("server-side")) {
    auto q = query_string({{"fieldManager", s.flags.get("field-manager", "kubectl")},
                           {"fieldValidation", validation},
                           {"force", s.flags.is_set("force-conflicts") ? "true" : "false"},
                           {"dryRun", dry_run == "server" ? "All" : ""}});
    auto resp = api.request("PATCH", resource_path(r, t.ns, t.name) + q, manifest.dump(),
                            "application/apply-patch+yaml");
    if (!resp.ok())
      return s.fail(resp, "error when applying \"" + m.source + "\": ");
    print_written(s, resp.body, "serverside-applied", output, dry_run);
    return 0;
  }
  json modified = with_last_applied(manifest);
  auto live = api.get(resource_path(r, t.ns, t.name));
  if (live.not_found()) {
    create_options o;
    o.field_manager = "kubectl-client-side-apply";
    o.field_validation = validation;
    o.output = output;
    o.dry_run = dry_run;
    o.source = m.source;
    return create_object(s, api, r, t.ns, modified, o);
  }
  if (!live.ok())
    return s.fail(live, "error when retrieving current configuration of:\nResource: \"" + r.qualified()
                          + "\", GroupVersionKind: \"" + r.api_version() + ", Kind=" + r.kind
                          + "\"\nName: \"" + t.name + "\", Namespace: \"" + t.ns + "\"\nfrom server for: \""
                          + m.source + "\": ");
  json current = live.body;
  json annotations = current.value("metadata", json::object()).value("annotations", json::object());
  json original;
  if (annotations.contains(last_applied_annotation)) {
    original = json::parse(annotations[last_applied_annotation].get<std::string>(), nullptr, false);
    if (original.is_discarded())
      original = nullptr;
  } else {
    s.io.err << "Warning: resource " << r.resource << "/" << t.name
             << " is missing the " << last_applied_annotation
             << " annotation which is required by troupe apply. troupe apply should only be used on "
                "resources created declaratively by either troupe create --save-config or troupe "
                "apply. The missing annotation will be patched automatically.\n";
  }
  json patch = three_way_patch(original, modified, current);
  if (patch.empty()) {
    print_written(s, current, "unchanged", output, dry_run);
    return 0;
  }
  if (dry_run == "client") {
    print_written(s, current, "configured", output, dry_run);
    return 0;
  }
  auto q = query_string({{"dryRun", dry_run == "server" ? "All" : ""},
                         {"fieldManager", "kubectl-client-side-apply"},
                         {"fieldValidation", validation}});
  auto resp = api.request("PATCH", resource_path(r, t.ns, t.name) + q, patch.dump(),
                          "application/strategic-merge-patch+json");
  if (!resp.ok())
    return s.fail(resp, context);
  print_written(s, resp.body, "configured", output, dry_run);
  return 0;
}

int run_apply(session& s) {
  if (!s.flags.has("filename"))
    return s.fail("must specify one of -f and -k");
  std::string validation = field_validation(s.flags.get("validate", "strict"));
  if (validation.empty())
    return s.fail("invalid - validate option \"" + s.flags.get("validate")
                  + "\"; must be one of: strict (or true), warn, ignore (or false)");
  std::string dry_run = parse_dry_run(s.flags);
  if (dry_run == "!")
    return s.fail("Invalid dry-run value (" + s.flags.get("dry-run") + "). Must be \"none\", \"server\", or \"client\".");
  return for_each_manifest(s, "apply", [&](api_client& api, const object_target& t, const manifest_object& m) {
    return apply_one(s, api, t, m, validation, s.flags.get("output"), dry_run);
  });
}

} // namespace

command_def apply_command_def() {
  return {"apply", "apply (-f FILENAME | -k DIRECTORY) [flags]",
          "Apply a configuration to a resource by file name or stdin",
          {{"filename", 'f'}, {"recursive", 'R', false}, {"output", 'o'},
           {"dry-run", 0, true, "none", "client"}, {"validate", 0, true, "strict", "strict"},
           {"server-side", 0, false}, {"force-conflicts", 0, false}, {"field-manager"}},
          run_apply};
}

} // namespace troupe::cli
