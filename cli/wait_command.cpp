// `troupe wait (TYPE NAME | TYPE/NAME | TYPE -l sel | TYPE --all) --for=<condition> [--timeout=30s]`
// (wait_condition.hpp): each object is watched (object_wait.hpp) until the condition holds,
// printing `<kind>/<name> condition met`, or `error: timed out waiting for the condition on <res>/<name>`.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/selected_names.hpp"
#include "cli/get_request.hpp"
#include "cli/object_wait.hpp"
#include "cli/wait_condition.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

int run_wait(session& s) {
  if (!s.flags.has("for"))
    return s.fail("--for must be specified");
  auto cond = parse_wait_for(s.flags.get("for"));
  if (!cond.value)
    return s.fail(cond.error);
  auto timeout = parse_timeout(s.flags.get("timeout", "30s"));
  if (!timeout)
    return s.fail("invalid argument \"" + s.flags.get("timeout") + "\" for \"--timeout\" flag");
  if (s.flags.positional.empty())
    return s.fail("resource(s) were provided, but no name was specified");
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  auto parsed = parse_get_args(api->resources(), s.flags.positional);
  if (!parsed.error.empty())
    return s.fail(parsed.error);
  int rc = 0;
  for (const auto& req : parsed.requests) {
    auto selected = select_names(s, *api, req);
    if (selected.failed)
      return *selected.failed;
    if (selected.names.empty())
      return s.fail("no matching resources found");
    for (const auto& name : selected.names) {
      if (cond.value->type == wait_condition::kind::deleted && !req.names.empty()) {
        // Already gone: kubectl says nothing and succeeds.
        auto live = api->get(resource_path(req.resource, s.namespace_(), name));
        if (live.not_found())
          continue;
      }
      if (cond.value->type != wait_condition::kind::deleted && cond.value->type != wait_condition::kind::created) {
        auto live = api->get(resource_path(req.resource, s.namespace_(), name));
        if (!live.ok()) {
          rc = s.fail(live);
          continue;
        }
      }
      wait_options wo;
      wo.timeout = *timeout;
      wo.on_progress = [&](const json*, std::chrono::milliseconds waited) {
        s.io.err << "waiting for " << req.resource.kind_prefix() << "/" << name << ", " << waited.count() / 1000 << "s\n";
      };
      auto r = wait_for_object(*api, req.resource, s.namespace_(), name,
                               [&](const json* o) { return condition_met(*cond.value, o); }, wo);
      if (r.outcome == wait_outcome::failed) {
        rc = s.fail(r.failure);
      } else if (r.outcome == wait_outcome::timed_out) {
        rc = s.fail("timed out waiting for the condition on " + req.resource.qualified() + "/" + name);
      } else {
        s.io.out << req.resource.kind_prefix() << "/" << name << " condition met\n";
        s.io.out.flush();
      }
    }
  }
  return rc;
}

} // namespace

command_def wait_command_def() {
  return {"wait", "wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) "
                  "[--for=create|--for=delete|--for condition=available|--for=jsonpath='{}'[=value]]",
          "Experimental: Wait for a specific condition on one or many resources",
          {{"for"}, {"timeout"}, {"selector", 'l'}, {"all", 0, false}, {"all-namespaces", 'A', false}}, run_wait};
}

} // namespace troupe::cli
