// `troupe scale TYPE NAME|TYPE/NAME --replicas=N [--current-replicas=M]`: GET the object (for the
// --current-replicas precondition), then a merge patch {"spec":{"replicas":N}} on /scale.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/get_request.hpp"
#include "cli/manifest_source.hpp"
#include "cli/object_target.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

int run_scale(session& s) {
  if (!s.flags.has("replicas"))
    return s.fail("required flag(s) \"replicas\" not set");
  int replicas = -1;
  try {
    replicas = std::stoi(s.flags.get("replicas"));
  } catch (...) {
    return s.usage_error("invalid argument \"" + s.flags.get("replicas")
                         + "\" for \"--replicas\" flag: strconv.ParseInt: parsing \""
                         + s.flags.get("replicas") + "\": invalid syntax");
  }
  if (replicas < 0)
    return s.fail("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0");
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  struct target {
    resource_info r;
    std::string ns, name;
  };
  std::vector<target> targets;
  if (s.flags.has("filename")) {
    auto manifests = read_manifests(s.flags.all("filename"), s.io.in, false);
    if (!manifests.ok())
      return s.fail(manifests.error);
    for (const auto& m : manifests.objects) {
      auto t = target_of(api->resources(), m.object, s.namespace_(), s.namespace_explicit(), m.source);
      if (!t.error.empty())
        return s.fail(t.error);
      targets.push_back({*t.resource, t.ns, t.name});
    }
  } else {
    auto parsed = parse_get_args(api->resources(), s.flags.positional);
    if (!parsed.error.empty())
      return s.fail(parsed.error);
    for (const auto& q : parsed.requests) {
      if (q.names.empty())
        return s.fail("resource(s) were provided, but no name was specified");
      for (const auto& n : q.names)
        targets.push_back({q.resource, s.namespace_(), n});
    }
  }
  int rc = 0;
  for (const auto& t : targets) {
    if (!t.r.has_subresource("scale")) {
      rc = s.fail("cannot scale " + t.r.kind_prefix() + "/" + t.name + ": no scale subresource");
      continue;
    }
    auto live = api->get(resource_path(t.r, t.ns, t.name));
    if (!live.ok()) {
      rc = s.fail(live);
      continue;
    }
    if (s.flags.has("current-replicas")) {
      int want = std::stoi(s.flags.get("current-replicas"));
      int have = live.body.value("spec", json::object()).value("replicas", 1);
      if (want != -1 && want != have) {
        rc = s.fail("Expected replicas to be " + std::to_string(want) + ", was " + std::to_string(have));
        continue;
      }
    }
    json patch = {{"spec", {{"replicas", replicas}}}};
    auto resp = api->request("PATCH", resource_path(t.r, t.ns, t.name, "scale"), patch.dump(),
                             "application/merge-patch+json");
    if (!resp.ok()) {
      rc = s.fail(resp);
      continue;
    }
    if (s.flags.get("output") == "name")
      s.io.out << t.r.kind_prefix() << "/" << t.name << "\n";
    else
      s.io.out << t.r.kind_prefix() << "/" << t.name << " scaled\n";
  }
  return rc;
}

} // namespace

command_def scale_command_def() {
  return {"scale", "scale [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME)",
          "Set a new size for a deployment, replica set, or stateful set",
          {{"replicas"}, {"current-replicas"}, {"filename", 'f'}, {"output", 'o'}, {"timeout"},
           {"selector", 'l'}, {"all", 0, false}},
          run_scale};
}

} // namespace troupe::cli
