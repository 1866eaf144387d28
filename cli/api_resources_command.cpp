// `troupe api-resources`: the server's resource types from discovery, preferred version of each
// group, in kubectl's columns (NAME SHORTNAMES APIVERSION NAMESPACED KIND; -o wide adds VERBS and
// CATEGORIES; -o name prints "deployments.apps").
#include <algorithm>
#include <ostream>

#include "cli/commands.hpp"
#include "cli/table_printer.hpp"

namespace troupe::cli {

namespace {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v)
    out += (out.empty() ? "" : sep) + s;
  return out;
}

int run_api_resources(session& s) {
  std::string output = s.flags.get("output");
  if (!output.empty() && output != "wide" && output != "name")
    return s.fail("--output " + output + " is not available");
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  std::vector<resource_info> shown;
  std::vector<std::string> group_versions; // the preferred (first) version per group
  for (const auto& r : api->resources()) {
    std::string gv_key = r.group + "|";
    auto it = std::find_if(group_versions.begin(), group_versions.end(),
                           [&](const std::string& g) { return g.rfind(gv_key, 0) == 0; });
    if (it == group_versions.end())
      group_versions.push_back(gv_key + r.version);
    else if (*it != gv_key + r.version)
      continue;
    if (s.flags.has("api-group") && s.flags.get("api-group") != r.group)
      continue;
    if (s.flags.has("namespaced") && s.flags.is_set("namespaced") != r.namespaced)
      continue;
    shown.push_back(r);
  }
  // kubectl sorts by group, then by name.
  std::stable_sort(shown.begin(), shown.end(), [](const resource_info& a, const resource_info& b) {
    return a.group != b.group ? a.group < b.group : a.resource < b.resource;
  });
  if (output == "name") {
    for (const auto& r : shown)
      s.io.out << r.qualified() << "\n";
    return 0;
  }
  tab_writer w;
  if (!s.flags.is_set("no-headers")) {
    table_row h{"NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"};
    if (output == "wide") {
      h.push_back("VERBS");
      h.push_back("CATEGORIES");
    }
    w.add(h);
  }
  for (const auto& r : shown) {
    table_row row{r.resource, join(r.short_names, ","), r.api_version(), r.namespaced ? "true" : "false", r.kind};
    if (output == "wide") {
      row.push_back(join(r.verbs, ","));
      row.push_back(join(r.categories, ","));
    }
    w.add(row);
  }
  s.io.out << w.flush();
  return 0;
}

} // namespace

command_def api_resources_command_def() {
  return {"api-resources", "api-resources [flags]", "Print the supported API resources on the server",
          {{"output", 'o'}, {"api-group"}, {"namespaced", 0, false}, {"no-headers", 0, false},
           {"verbs"}, {"sort-by"}, {"cached", 0, false}},
          run_api_resources};
}

} // namespace troupe::cli
