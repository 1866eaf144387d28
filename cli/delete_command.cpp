// `troupe delete`: by file (-f), by TYPE NAME / TYPE/NAME, or TYPE --all / -l. Each DELETE carries
// {"propagationPolicy":"Background"} (--cascade), then, like kubectl's default --wait=true, waits
// until every deleted object is gone (a namespace: Terminating until its contents are removed),
// printing progress on stderr while it waits.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/get_request.hpp"
#include "cli/manifest_source.hpp"
#include "cli/object_output.hpp"
#include "cli/object_target.hpp"
#include "cli/object_wait.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

struct victim {
  resource_info resource;
  std::string ns, name, source;
};

struct deleted {
  victim v;
  std::string uid;
};

std::string cascade_policy(const std::string& cascade) {
  if (cascade == "orphan")
    return "Orphan";
  if (cascade == "foreground")
    return "Foreground";
  if (cascade.empty() || cascade == "background" || cascade == "true")
    return "Background";
  return {};
}

std::string human_ms(std::chrono::milliseconds ms) {
  return std::to_string(ms.count() / 1000) + "s";
}

int wait_gone(session& s, api_client& api, const std::vector<deleted>& done_list,
              std::chrono::milliseconds timeout) {
  int rc = 0;
  for (const auto& d : done_list) {
    wait_options wo;
    wo.timeout = timeout;
    std::string what = d.v.resource.kind_prefix() + " \"" + d.v.name + "\"";
    wo.on_progress = [&](const json* obj, std::chrono::milliseconds waited) {
      std::string phase = obj ? obj->value("status", json::object()).value("phase", "") : "";
      s.io.err << "waiting for " << what << " to be deleted" << (phase.empty() ? "" : " (" + phase + ")")
               << ", " << human_ms(waited) << "\n";
      s.io.err.flush();
    };
    auto r = wait_for_object(api, d.v.resource, d.v.ns, d.v.name, [&](const json* obj) {
      return !obj || obj->value("metadata", json::object()).value("uid", "") != d.uid;
    }, wo);
    if (r.outcome == wait_outcome::failed)
      rc = s.fail(r.failure);
    else if (r.outcome == wait_outcome::timed_out)
      rc = s.fail("timed out waiting for the condition on " + d.v.resource.qualified() + "/" + d.v.name);
  }
  return rc;
}

// The objects named by TYPE NAME..., TYPE/NAME..., or TYPE with --all / -l.
std::string collect_by_args(session& s, api_client& api, std::vector<victim>& out) {
  auto parsed = parse_get_args(api.resources(), s.flags.positional);
  if (!parsed.error.empty())
    return parsed.error;
  bool all = s.flags.is_set("all");
  std::string selector = s.flags.get("selector");
  bool all_ns = s.flags.is_set("all-namespaces");
  for (const auto& req : parsed.requests) {
    if (!req.names.empty()) {
      if (all || !selector.empty())
        return "name cannot be provided when a selector is specified";
      for (const auto& n : req.names)
        out.push_back({req.resource, req.resource.namespaced ? s.namespace_() : "", n, ""});
      continue;
    }
    if (!all && selector.empty())
      return "resource(s) were provided, but no name was specified";
    std::string ns = all_ns ? "" : s.namespace_();
    auto list = api.get(resource_path(req.resource, ns) + query_string({{"labelSelector", selector}}));
    if (!list.ok())
      return error_line(list, api.conn().server);
    for (const auto& item : list.body.value("items", json::array())) {
      json meta = item.value("metadata", json::object());
      out.push_back({req.resource, meta.value("namespace", ""), meta.value("name", ""), ""});
    }
  }
  return {};
}

int run_delete(session& s) {
  std::string policy = cascade_policy(s.flags.get("cascade"));
  if (policy.empty())
    return s.fail("invalid cascade value (" + s.flags.get("cascade")
                  + "). Must be \"background\", \"foreground\", or \"orphan\".");
  auto timeout = parse_timeout(s.flags.get("timeout", "0s"));
  if (!timeout)
    return s.fail("invalid argument \"" + s.flags.get("timeout") + "\" for \"--timeout\" flag");
  if (timeout->count() == 0)
    *timeout = std::chrono::hours(24 * 7);
  std::vector<victim> victims;
  if (s.flags.has("filename")) {
    auto manifests = read_manifests(s.flags.all("filename"), s.io.in, s.flags.is_set("recursive"));
    if (!manifests.ok())
      return s.fail(manifests.error);
    api_client* api = s.discovered_api();
    if (!api)
      return 1;
    for (const auto& m : manifests.objects) {
      auto t = target_of(api->resources(), m.object, s.namespace_(), s.namespace_explicit(), m.source);
      if (!t.error.empty())
        return s.fail(t.error);
      victims.push_back({*t.resource, t.ns, t.name, m.source});
    }
  } else {
    if (s.flags.positional.empty())
      return s.fail("You must provide one or more resources by argument or filename.\nExample resource "
                    "specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   "
                    "'<resource> <name>'\n   '<resource>'");
    api_client* api = s.discovered_api();
    if (!api)
      return 1;
    if (auto err = collect_by_args(s, *api, victims); !err.empty())
      return err.rfind("Error from server", 0) == 0 || err.rfind("error:", 0) == 0
               ? (s.io.err << err << "\n", 1)
               : s.fail(err);
    if (victims.empty()) {
      s.io.err << "No resources found\n";
      return 0;
    }
  }
  api_client& api = *s.api();
  json body = {{"propagationPolicy", policy}};
  if (s.flags.is_set("now"))
    body["gracePeriodSeconds"] = 1;
  if (s.flags.has("grace-period") && std::stoi(s.flags.get("grace-period")) >= 0)
    body["gracePeriodSeconds"] = std::stoi(s.flags.get("grace-period"));
  if (s.flags.is_set("force") && !body.contains("gracePeriodSeconds"))
    body["gracePeriodSeconds"] = 0;
  bool ignore_missing = s.flags.is_set("ignore-not-found") || s.flags.is_set("all");
  std::string output = s.flags.get("output");
  int rc = 0;
  std::vector<deleted> gone;
  for (const auto& v : victims) {
    auto r = api.request("DELETE", resource_path(v.resource, v.ns, v.name), body.dump(), "application/json");
    if (r.not_found() && ignore_missing)
      continue;
    if (!r.ok()) {
      rc = s.fail(r, v.source.empty() ? "" : "error when deleting \"" + v.source + "\": ");
      continue;
    }
    std::string uid = r.body.value("metadata", json::object()).value("uid", "");
    if (uid.empty())
      uid = r.body.value("details", json::object()).value("uid", "");
    if (output == "name")
      s.io.out << v.resource.kind_prefix() << "/" << v.name << "\n";
    else
      s.io.out << v.resource.kind_prefix() << " \"" << v.name << "\" deleted\n";
    s.io.out.flush();
    gone.push_back({v, uid});
  }
  if (s.flags.is_set("wait", true))
    rc |= wait_gone(s, api, gone, *timeout);
  return rc;
}

} // namespace

command_def delete_command_def() {
  return {"delete", "delete ([-f FILENAME]) | TYPE [(NAME | -l label | --all)]",
          "Delete resources by file names, stdin, resources and names, or by resources and label selector",
          {{"filename", 'f'}, {"recursive", 'R', false}, {"selector", 'l'}, {"all", 0, false},
           {"all-namespaces", 'A', false}, {"cascade", 0, true, "background", "background"},
           {"grace-period"}, {"now", 0, false}, {"force", 0, false}, {"wait", 0, false},
           {"timeout"}, {"ignore-not-found", 0, false}, {"output", 'o'}},
          run_delete};
}

} // namespace troupe::cli
