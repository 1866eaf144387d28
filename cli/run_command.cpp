// `troupe run NAME --image=IMAGE [--labels] [--env] [--port] [--restart] [--command] [-- ARGS]`:
// the Pod kubectl 1.32 POSTs (label run=NAME, restartPolicy Always, dnsPolicy ClusterFirst,
// fieldManager kubectl-run, no fieldValidation); --overrides is strategic-merged onto it.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/create_object.hpp"
#include "config/kinds.hpp"
#include "config/strategic_merge_patch.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

int run_run(session& s) {
  if (s.flags.positional.empty())
    return s.fail("NAME is required for run");
  std::string name = s.flags.positional[0];
  if (!s.flags.has("image"))
    return s.fail("--image is required");
  std::string restart = s.flags.get("restart", "Always");
  if (restart != "Always" && restart != "OnFailure" && restart != "Never")
    return s.fail("invalid restart policy: " + restart);
  std::string dry_run = parse_dry_run(s.flags);
  if (dry_run == "!")
    return s.fail("Invalid dry-run value (" + s.flags.get("dry-run") + "). Must be \"none\", \"server\", or \"client\".");
  json labels = json::object();
  if (s.flags.has("labels")) {
    for (const auto& kv : split_list(s.flags.get("labels"))) {
      auto eq = kv.find('=');
      if (eq == std::string::npos)
        return s.fail("invalid label spec: " + kv);
      labels[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
  } else {
    labels["run"] = name;
  }
  json container = {{"name", name}, {"image", s.flags.get("image")}, {"resources", json::object()}};
  std::vector<std::string> rest(s.flags.positional.begin() + 1, s.flags.positional.end());
  rest.insert(rest.end(), s.flags.after_dash.begin(), s.flags.after_dash.end());
  if (!rest.empty())
    container[s.flags.is_set("command") ? "command" : "args"] = rest;
  for (const auto& e : s.flags.all("env")) {
    auto eq = e.find('=');
    container["env"].push_back({{"name", e.substr(0, eq)}, {"value", eq == std::string::npos ? "" : e.substr(eq + 1)}});
  }
  if (s.flags.has("port"))
    container["ports"] = json::array({{{"containerPort", std::stoi(s.flags.get("port"))}}});
  if (s.flags.has("image-pull-policy"))
    container["imagePullPolicy"] = s.flags.get("image-pull-policy");
  json pod = {{"metadata", {{"name", name}, {"labels", labels}}},
              {"spec", {{"containers", json::array({container})}, {"restartPolicy", restart}, {"dnsPolicy", "ClusterFirst"}}}};
  if (s.flags.has("annotations"))
    for (const auto& kv : s.flags.all("annotations")) {
      auto eq = kv.find('=');
      pod["metadata"]["annotations"][kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
    }
  if (s.flags.has("overrides")) {
    json overrides = json::parse(s.flags.get("overrides"), nullptr, false);
    if (overrides.is_discarded() || !overrides.is_object())
      return s.fail("invalid character in --overrides: not a JSON object");
    const auto* k = config::find_kind("v1", "Pod");
    auto merged = config::apply_strategic_merge_patch(pod, overrides, k ? k->descriptor : nullptr);
    if (!merged.ok())
      return s.fail(merged.error().message);
    pod = merged.value();
  }
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  auto r = api->resolve("pods");
  create_options o;
  o.field_manager = "kubectl-run";
  o.field_validation = "";
  o.output = s.flags.get("output");
  o.dry_run = dry_run;
  return create_object(s, *api, *r.value, s.namespace_(), pod, o);
}

} // namespace

command_def run_command_def() {
  return {"run", "run NAME --image=image [--env=\"key=value\"] [--port=port] [--dry-run=server|client] "
                 "[--overrides=inline-json] [--command] -- [COMMAND] [args...]",
          "Run a particular image on the cluster",
          {{"image"}, {"labels", 'l'}, {"env"}, {"port"}, {"restart"}, {"command", 0, false},
           {"overrides"}, {"dry-run", 0, true, "none", "client"}, {"output", 'o'}, {"image-pull-policy"},
           {"annotations"}, {"rm", 0, false}, {"stdin", 'i', false}, {"tty", 't', false}, {"attach", 0, false}},
          run_run};
}

} // namespace troupe::cli
