// `troupe rollout status|history|undo|restart|pause|resume (TYPE NAME | TYPE/NAME)` for
// Deployments, client-side as kubectl does it (rollout_history.hpp): status watches the
// Deployment and prints each new state; history lists controlled ReplicaSets by revision; undo
// sends a JSON patch with the chosen revision's template.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/describe_printer.hpp"
#include "cli/get_request.hpp"
#include "cli/object_wait.hpp"
#include "cli/rollout_history.hpp"
#include "cli/selector_text.hpp"
#include "config/time_format.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

struct target {
  resource_info r;
  std::string name;
};

int history_of(session& s, api_client& api, const target& t, std::map<int64_t, json>& history, json& d) {
  auto live = api.get(resource_path(t.r, s.namespace_(), t.name));
  if (!live.ok())
    return s.fail(live);
  d = live.body;
  d["kind"] = t.r.kind;
  std::string selector = selector_text(d.value("spec", json::object()).value("selector", json::object()));
  auto rs_r = api.resolve("replicasets.apps");
  auto list = api.get(resource_path(*rs_r.value, s.namespace_()) + query_string({{"labelSelector", selector}}));
  if (!list.ok())
    return s.fail(list);
  history = deployment_history(d, list.body.value("items", json::array()));
  return 0;
}

int rollout_history_cmd(session& s, api_client& api, const target& t) {
  std::map<int64_t, json> history;
  json d;
  if (int rc = history_of(s, api, t, history, d))
    return rc;
  int64_t revision = std::stoll(s.flags.get("revision", "0"));
  if (revision > 0 && history.empty()) {
    s.io.out << t.r.kind_prefix() << "/" << t.name << " with revision #" << revision << "\n"
             << format_history(history) << "\n";
    return 0;
  }
  if (revision > 0) {
    auto it = history.find(revision);
    if (it == history.end())
      return s.fail("unable to find the specified revision");
    s.io.out << t.r.kind_prefix() << "/" << t.name << " with revision #" << revision << "\n";
    json tmpl = it->second.value("spec", json::object()).value("template", json::object());
    s.io.out << describe_pod_template(tmpl) << "\n";
    return 0;
  }
  s.io.out << t.r.kind_prefix() << "/" << t.name << " \n" << format_history(history) << "\n";
  return 0;
}

int rollout_undo_cmd(session& s, api_client& api, const target& t) {
  std::map<int64_t, json> history;
  json d;
  if (int rc = history_of(s, api, t, history, d))
    return rc;
  auto plan = plan_undo(d, history, std::stoll(s.flags.get("to-revision", "0")));
  if (!plan.error.empty())
    return s.fail(plan.error);
  if (!plan.skipped.empty()) {
    s.io.out << t.r.kind_prefix() << "/" << t.name << " " << plan.skipped << "\n";
    return 0;
  }
  auto resp = api.request("PATCH", resource_path(t.r, s.namespace_(), t.name), plan.patch.dump(),
                          "application/json-patch+json");
  if (!resp.ok())
    return s.fail(resp);
  s.io.out << t.r.kind_prefix() << "/" << t.name << " rolled back\n";
  return 0;
}

int rollout_status_cmd(session& s, api_client& api, const target& t) {
  auto timeout = parse_timeout(s.flags.get("timeout", "0s"));
  if (!timeout)
    return s.fail("invalid argument \"" + s.flags.get("timeout") + "\" for \"--timeout\" flag");
  if (timeout->count() == 0)
    *timeout = std::chrono::hours(24 * 7);
  bool watch = s.flags.is_set("watch", true);
  std::string last, error;
  bool done = false;
  auto check = [&](const json* obj) {
    if (!obj) {
      error = t.r.qualified() + " \"" + t.name + "\" not found";
      return true;
    }
    auto st = deployment_rollout_state(*obj);
    if (!st.error.empty()) {
      error = st.error;
      return true;
    }
    if (st.message != last) {
      s.io.out << st.message;
      s.io.out.flush();
      last = st.message;
    }
    done = st.done;
    return st.done || !watch;
  };
  auto live = api.get(resource_path(t.r, s.namespace_(), t.name));
  if (!live.ok())
    return s.fail(live);
  wait_options wo;
  wo.timeout = *timeout;
  wo.on_progress = [&](const json*, std::chrono::milliseconds waited) {
    s.io.err << "still waiting for " << t.r.kind_prefix() << "/" << t.name << " after "
             << waited.count() / 1000 << "s\n";
  };
  auto r = wait_for_object(api, t.r, s.namespace_(), t.name, check, wo);
  if (r.outcome == wait_outcome::failed)
    return s.fail(r.failure);
  if (!error.empty())
    return s.fail(error);
  if (r.outcome == wait_outcome::timed_out)
    return s.fail("timed out waiting for the condition");
  return done || !watch ? 0 : 1;
}

int rollout_patch_cmd(session& s, api_client& api, const target& t, const std::string& verb) {
  json patch;
  std::string type = "application/merge-patch+json";
  if (verb == "restart") {
    patch = {{"spec", {{"template", {{"metadata", {{"annotations", {{"kubectl.kubernetes.io/restartedAt",
             config::format_rfc3339(std::time(nullptr))}}}}}}}}}};
    type = "application/strategic-merge-patch+json";
  } else {
    patch = {{"spec", {{"paused", verb == "pause"}}}};
    auto live = api.get(resource_path(t.r, s.namespace_(), t.name));
    if (!live.ok())
      return s.fail(live);
    if (live.body.value("spec", json::object()).value("paused", false) == (verb == "pause"))
      return s.fail(t.r.kind_prefix() + "/" + t.name + " is already " + (verb == "pause" ? "paused" : "resumed"));
  }
  auto resp = api.request("PATCH", resource_path(t.r, s.namespace_(), t.name) + "?fieldManager=kubectl-rollout",
                          patch.dump(), type);
  if (!resp.ok())
    return s.fail(resp);
  s.io.out << t.r.kind_prefix() << "/" << t.name << " "
           << (verb == "restart" ? "restarted" : verb == "pause" ? "paused" : "resumed") << "\n";
  return 0;
}

int run_rollout(session& s) {
  auto args = s.flags.positional;
  if (args.empty())
    return s.usage_error("a subcommand is required: history, pause, restart, resume, status, undo");
  std::string verb = args[0];
  args.erase(args.begin());
  if (verb != "status" && verb != "history" && verb != "undo" && verb != "restart" && verb != "pause"
      && verb != "resume")
    return s.usage_error("unknown command \"" + verb + "\" for \"troupe rollout\"");
  if (args.empty())
    return s.fail("required resource not specified");
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  auto parsed = parse_get_args(api->resources(), args);
  if (!parsed.error.empty())
    return s.fail(parsed.error);
  int rc = 0;
  for (const auto& req : parsed.requests) {
    if (req.names.empty())
      return s.fail("resource(s) were provided, but no name was specified");
    if (req.resource.kind != "Deployment")
      return s.fail("no " + std::string(verb == "status" ? "status viewer" : verb == "undo" ? "rollbacker" : "history viewer")
                    + " has been implemented for " + req.resource.kind_prefix());
    for (const auto& name : req.names) {
      target t{req.resource, name};
      if (verb == "history")
        rc |= rollout_history_cmd(s, *api, t);
      else if (verb == "undo")
        rc |= rollout_undo_cmd(s, *api, t);
      else if (verb == "status")
        rc |= rollout_status_cmd(s, *api, t);
      else
        rc |= rollout_patch_cmd(s, *api, t, verb);
    }
  }
  return rc;
}

} // namespace

command_def rollout_command_def() {
  return {"rollout", "rollout SUBCOMMAND (status|history|undo|restart|pause|resume) (TYPE NAME | TYPE/NAME)",
          "Manage the rollout of a resource",
          {{"revision"}, {"to-revision"}, {"watch", 'w', false}, {"timeout"}, {"output", 'o'}},
          run_rollout};
}

} // namespace troupe::cli
