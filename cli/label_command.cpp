// `troupe label` and `troupe annotate`: TYPE NAME|TYPE/NAME|-l sel|--all  key=value key-.
// Like kubectl: GET the object, refuse to change an existing value without --overwrite, then a
// JSON merge patch of exactly what changed ({} when nothing did: "not labeled").
#include <ostream>

#include "cli/commands.hpp"
#include "cli/selected_names.hpp"
#include "cli/get_request.hpp"
#include "cli/label_changes.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

struct meta_verb {
  const char* field;      // "labels"
  const char* done;       // "labeled"
  const char* not_done;   // "not labeled"
  const char* manager;    // "kubectl-label"
};

// kubectl's word: "not labeled" when nothing changed, "unlabeled" when labels were only removed.
std::string outcome(const meta_verb& verb, const label_plan& plan, const std::vector<label_change>& changes) {
  if (verb.field[0] != 'l')
    return verb.done;
  if (plan.patch.empty())
    return verb.not_done;
  for (const auto& c : changes)
    if (c.value)
      return verb.done;
  return "unlabeled";
}

int run_meta(session& s, const meta_verb& verb) {
  auto& args = s.flags.positional;
  if (args.empty())
    return s.fail("one or more resources must be specified as <resource> <name> or <resource>/<name>");
  // Split arguments into resources and key=value / key- changes (the changes come last).
  std::vector<std::string> resource_args, change_args;
  for (const auto& a : args)
    (looks_like_change(a) ? change_args : resource_args).push_back(a);
  if (change_args.empty() && !s.flags.is_set("list"))
    return s.fail(std::string("at least one ") + (verb.field[0] == 'l' ? "label" : "annotation")
                  + " update is required");
  auto changes = parse_changes(change_args);
  if (!changes.error.empty())
    return s.fail(changes.error);
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  auto parsed = parse_get_args(api->resources(), resource_args);
  if (!parsed.error.empty())
    return s.fail(parsed.error);
  bool overwrite = s.flags.is_set("overwrite");
  int rc = 0;
  for (const auto& req : parsed.requests) {
    auto selected = select_names(s, *api, req);
    if (selected.failed)
      return *selected.failed;
    for (const auto& name : selected.names) {
      std::string path = resource_path(req.resource, s.namespace_(), name);
      auto live = api->get(path);
      if (!live.ok()) {
        rc = s.fail(live);
        continue;
      }
      json current = live.body.value("metadata", json::object()).value(verb.field, json::object());
      auto plan = plan_changes(current, changes.value, overwrite);
      if (!plan.error.empty()) {
        rc = s.fail(plan.error);
        continue;
      }
      json patch = plan.patch.empty() ? json::object() : json{{"metadata", {{verb.field, plan.patch}}}};
      auto resp = api->request("PATCH", path + "?fieldManager=" + verb.manager, patch.dump(),
                               "application/merge-patch+json");
      if (!resp.ok()) {
        rc = s.fail(resp);
        continue;
      }
      if (s.flags.get("output") == "name")
        s.io.out << req.resource.kind_prefix() << "/" << name << "\n";
      else
        s.io.out << req.resource.kind_prefix() << "/" << name << " " << outcome(verb, plan, changes.value) << "\n";
    }
  }
  return rc;
}

int run_label(session& s) { return run_meta(s, {"labels", "labeled", "not labeled", "kubectl-label"}); }
int run_annotate(session& s) {
  return run_meta(s, {"annotations", "annotated", "not annotated", "kubectl-annotate"});
}

std::vector<flag_spec> meta_flags() {
  return {{"overwrite", 0, false}, {"selector", 'l'}, {"all", 0, false}, {"output", 'o'},
          {"list", 0, false}, {"resource-version"}};
}

} // namespace

command_def label_command_def() {
  return {"label", "label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N",
          "Update the labels on a resource", meta_flags(), run_label};
}

command_def annotate_command_def() {
  return {"annotate", "annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N",
          "Update the annotations on a resource", meta_flags(), run_annotate};
}

} // namespace troupe::cli
