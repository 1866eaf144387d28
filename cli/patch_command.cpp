// `troupe patch (TYPE NAME | TYPE/NAME) -p PATCH [--type=strategic|merge|json] [--subresource=status|scale]`:
// PATCH with the chosen content type, printing `<kind>/<name> patched` (or `patched (no change)`
// when the object's resourceVersion did not move).
#include <ostream>

#include "cli/commands.hpp"
#include "cli/create_object.hpp"
#include "cli/get_request.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

int run_patch(session& s) {
  std::string type = s.flags.get("type", "strategic");
  std::string content_type = type == "strategic" ? "application/strategic-merge-patch+json"
                             : type == "merge"   ? "application/merge-patch+json"
                             : type == "json"    ? "application/json-patch+json"
                                                 : "";
  if (content_type.empty())
    return s.fail("--type must be one of [json merge strategic], not \"" + type + "\"");
  if (!s.flags.has("patch") && !s.flags.has("patch-file"))
    return s.fail("must specify -p to patch");
  std::string body = s.flags.get("patch");
  if (s.flags.has("patch-file")) {
    auto text = read_text_file(s.flags.get("patch-file"));
    if (!text)
      return s.fail("the path \"" + s.flags.get("patch-file") + "\" does not exist");
    body = *text;
  }
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  auto parsed = parse_get_args(api->resources(), s.flags.positional);
  if (!parsed.error.empty())
    return s.fail(parsed.error);
  int rc = 0;
  for (const auto& req : parsed.requests) {
    if (req.names.empty())
      return s.fail("resource(s) were provided, but no name was specified");
    for (const auto& name : req.names) {
      std::string path = resource_path(req.resource, s.namespace_(), name, s.flags.get("subresource"));
      auto before = api->get(path);
      if (!before.ok()) {
        rc = s.fail(before);
        continue;
      }
      auto resp = api->request("PATCH", path + "?fieldManager=kubectl-patch", body, content_type);
      if (!resp.ok()) {
        rc = s.fail(resp);
        continue;
      }
      bool changed = before.body["metadata"].value("resourceVersion", "") != resp.body["metadata"].value("resourceVersion", "");
      std::string output = s.flags.get("output");
      if (!output.empty()) {
        json obj = resp.body;
        print_written(s, obj, "patched", output, "");
        continue;
      }
      s.io.out << req.resource.kind_prefix() << "/" << name << (changed ? " patched" : " patched (no change)") << "\n";
    }
  }
  return rc;
}

} // namespace

command_def patch_command_def() {
  return {"patch", "patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE]",
          "Update fields of a resource",
          {{"patch", 'p'}, {"patch-file"}, {"type"}, {"subresource"}, {"output", 'o'}}, run_patch};
}

} // namespace troupe::cli
