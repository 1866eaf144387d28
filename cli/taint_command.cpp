// `troupe taint nodes NAME|-l sel|--all KEY[=VALUE]:EFFECT ... KEY[:EFFECT]-` (taint_spec.hpp),
// sent as a merge patch of spec.taints (the list has no merge key, so it is replaced whole).
#include <ostream>

#include "cli/commands.hpp"
#include "cli/taint_spec.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

int run_taint(session& s) {
  auto& args = s.flags.positional;
  if (args.empty())
    return s.fail("at least one taint update is required");
  std::vector<std::string> resource_args, specs;
  for (const auto& a : args)
    (a.find(':') != std::string::npos || a.find('=') != std::string::npos || (a.size() > 1 && a.back() == '-')
       ? specs : resource_args).push_back(a);
  if (specs.empty())
    return s.fail("at least one taint update is required");
  auto parsed = parse_taints(specs);
  if (!parsed.error.empty())
    return s.fail(parsed.error);
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  if (resource_args.empty())
    return s.fail("at least one resource name must be specified since 'all' parameter is not set");
  std::vector<std::string> names;
  std::string type = resource_args[0];
  if (auto slash = type.find('/'); slash != std::string::npos) {
    for (const auto& a : resource_args)
      names.push_back(a.substr(a.find('/') + 1));
    type = type.substr(0, slash);
  } else {
    names.assign(resource_args.begin() + 1, resource_args.end());
  }
  auto r = api->resolve(type);
  if (!r.value)
    return s.fail(r.error);
  if (r.value->kind != "Node")
    return s.fail("invalid resource type " + type + ", only node types are supported");
  if (names.empty()) {
    if (!s.flags.is_set("all") && !s.flags.has("selector"))
      return s.fail("at least one resource name must be specified since 'all' parameter is not set");
    auto list = api->get(resource_path(*r.value, "") + query_string({{"labelSelector", s.flags.get("selector")}}));
    if (!list.ok())
      return s.fail(list);
    for (const auto& n : list.body.value("items", json::array()))
      names.push_back(n["metadata"].value("name", ""));
  }
  int rc = 0;
  for (const auto& name : names) {
    std::string path = resource_path(*r.value, "", name);
    auto live = api->get(path);
    if (!live.ok()) {
      rc = s.fail(live);
      continue;
    }
    auto plan = plan_taints(name, live.body.value("spec", json::object()).value("taints", json::array()),
                            parsed, s.flags.is_set("overwrite"));
    if (!plan.error.empty()) {
      rc = s.fail(plan.error);
      continue;
    }
    json patch = {{"spec", {{"taints", plan.taints.empty() ? json(nullptr) : plan.taints}}}};
    auto resp = api->request("PATCH", path + "?fieldManager=kubectl-taint", patch.dump(), "application/merge-patch+json");
    if (!resp.ok()) {
      rc = s.fail(resp);
      continue;
    }
    s.io.out << "node/" << name << " " << plan.operation << "\n";
  }
  return rc;
}

} // namespace

command_def taint_command_def() {
  return {"taint", "taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N",
          "Update the taints on one or more nodes",
          {{"overwrite", 0, false}, {"selector", 'l'}, {"all", 0, false}, {"output", 'o'}}, run_taint};
}

} // namespace troupe::cli
