// `troupe edit (TYPE NAME | TYPE/NAME)`: the object as YAML (or JSON with -o json) in $KUBE_EDITOR /
// $EDITOR (default vi), under kubectl's header comment. Unchanged: "Edit cancelled, no changes
// made."; empty: "Edit cancelled, saved file was empty."; else the two-way strategic merge patch
// with fieldManager=kubectl-edit and strict validation, printing `<kind>/<name> edited`. A refused
// patch keeps the edited file and names it for `troupe replace -f`, as kubectl does.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <unistd.h>

#include "cli/commands.hpp"
#include "cli/get_request.hpp"
#include "cli/object_output.hpp"
#include "cli/three_way_patch.hpp"
#include "config/yaml_codec.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

const char* header =
  "# Please edit the object below. Lines beginning with a '#' will be ignored,\n"
  "# and an empty file will abort the edit. If an error occurs while saving this file will be\n"
  "# reopened with the relevant failures.\n"
  "#\n";

std::string strip_comments(const std::string& text) {
  std::istringstream in(text);
  std::string line, out;
  while (std::getline(in, line))
    if (line.rfind("#", 0) != 0)
      out += line + "\n";
  return out;
}

int edit_one(session& s, api_client& api, const resource_info& r, const std::string& name,
             const std::string& format) {
  std::string path = resource_path(r, s.namespace_(), name);
  auto live = api.get(path);
  if (!live.ok())
    return s.fail(live);
  json original = live.body;
  std::string file = (std::filesystem::temp_directory_path()
                      / ("troupe-edit-" + std::to_string(::getpid()) + "-" + name + (format == "json" ? ".json" : ".yaml")))
                       .string();
  std::ofstream(file) << header << render_object(original, format);
  auto editor = s.io.getenv("KUBE_EDITOR");
  if (!editor || editor->empty())
    editor = s.io.getenv("EDITOR");
  std::string cmd = (editor && !editor->empty() ? *editor : std::string("vi")) + " '" + file + "'";
  s.io.out.flush();
  int status = std::system(cmd.c_str());
  if (status != 0)
    return s.fail("there was a problem with the editor \"" + (editor ? *editor : std::string("vi")) + "\"");
  std::ifstream in(file);
  std::stringstream buf;
  buf << in.rdbuf();
  std::string edited_text = strip_comments(buf.str());
  if (edited_text.find_first_not_of(" \t\r\n") == std::string::npos) {
    std::filesystem::remove(file);
    s.io.err << "Edit cancelled, saved file was empty.\n";
    return 0;
  }
  auto docs = config::parse_yaml(edited_text);
  if (!docs.ok() || docs.documents.size() != 1) {
    s.io.err << "error: " << (docs.ok() ? "expected one object" : docs.error)
             << "\nA copy of your changes has been stored to \"" << file << "\"\n";
    return 1;
  }
  json edited = docs.documents[0];
  if (edited == original) {
    std::filesystem::remove(file);
    s.io.err << "Edit cancelled, no changes made.\n";
    return 0;
  }
  json patch = two_way_patch(original, edited);
  auto resp = api.request("PATCH", path + "?fieldManager=kubectl-edit&fieldValidation=Strict", patch.dump(),
                          "application/strategic-merge-patch+json");
  if (!resp.ok()) {
    // kubectl keeps the edited file and says how to retry it.
    std::string why = resp.body.is_object() && resp.body.contains("message") ? resp.body.value("message", "")
                                                                              : error_line(resp, api.conn().server);
    s.io.err << "error: " << r.qualified() << " \"" << name << "\" could not be patched: " << why
             << "\nYou can run `troupe replace -f " << file << "` to try this update again.\n";
    return 1;
  }
  std::filesystem::remove(file);
  s.io.out << r.kind_prefix() << "/" << name << " edited\n";
  return 0;
}

int run_edit(session& s) {
  std::string format = s.flags.get("output", "yaml");
  if (format != "yaml" && format != "json")
    return s.fail("the edit mode doesn't support output the format \"" + format + "\"");
  if (s.flags.positional.empty())
    return s.fail("one or more resources must be specified as <resource> <name> or <resource>/<name>");
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
    for (const auto& name : req.names)
      rc |= edit_one(s, *api, req.resource, name, format);
  }
  return rc;
}

} // namespace

command_def edit_command_def() {
  return {"edit", "edit (RESOURCE/NAME | -f FILENAME)", "Edit a resource on the server",
          {{"output", 'o'}, {"validate", 0, true, "strict", "strict"}, {"filename", 'f'}}, run_edit};
}

} // namespace troupe::cli
