// `troupe replace -f`: PUT each object as written (--force: delete, wait, create).
#include <ostream>

#include "cli/commands.hpp"
#include "cli/create_object.hpp"
#include "cli/manifest_loop.hpp"
#include "cli/object_target.hpp"
#include "cli/object_wait.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

int run_replace(session& s) {
  if (!s.flags.has("filename"))
    return s.fail("must specify --filename to replace");
  std::string validation = field_validation(s.flags.get("validate", "strict"));
  if (validation.empty())
    return s.fail("invalid - validate option \"" + s.flags.get("validate")
                  + "\"; must be one of: strict (or true), warn, ignore (or false)");
  std::string output = s.flags.get("output");
  return for_each_manifest(s, "replace", [&](api_client& api, const object_target& t, const manifest_object& m) {
    const resource_info& r = *t.resource;
    json obj = m.object;
    if (s.flags.is_set("force")) {
      auto del = api.request("DELETE", resource_path(r, t.ns, t.name), R"({"propagationPolicy":"Background"})");
      if (!del.ok() && !del.not_found())
        return s.fail(del, "error when deleting \"" + m.source + "\": ");
      if (del.ok())
        s.io.out << r.kind_prefix() << " \"" << t.name << "\" deleted\n";
      wait_for_object(api, r, t.ns, t.name, [](const json* o) { return o == nullptr; });
      create_options o;
      o.field_manager = "kubectl-replace";
      o.field_validation = validation;
      o.output = output;
      o.source = m.source;
      obj["metadata"].erase("resourceVersion");
      return create_object(s, api, r, t.ns, obj, o);
    }
    obj["metadata"]["namespace"] = t.ns;
    if (t.ns.empty())
      obj["metadata"].erase("namespace");
    auto q = query_string({{"fieldManager", "kubectl-replace"}, {"fieldValidation", validation}});
    auto resp = api.request("PUT", resource_path(r, t.ns, t.name) + q, obj.dump(), "application/json");
    if (!resp.ok())
      return s.fail(resp, "error when replacing \"" + m.source + "\": ");
    print_written(s, resp.body, "replaced", output, "");
    return 0;
  });
}

} // namespace

command_def replace_command_def() {
  return {"replace", "replace -f FILENAME [flags]", "Replace a resource by file name or stdin",
          {{"filename", 'f'}, {"recursive", 'R', false}, {"output", 'o'}, {"force", 0, false},
           {"validate", 0, true, "strict", "strict"}, {"save-config", 0, false}},
          run_replace};
}

} // namespace troupe::cli
