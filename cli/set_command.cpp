// `troupe set image (TYPE NAME | TYPE/NAME) CONTAINER=IMAGE ... ` ("*" = every container):
// GET, check the container names, then kubectl's strategic merge patch
//   {"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],
//                                "containers":[{"image":"busybox:1.37","name":"web"}]}}}}
#include <ostream>

#include "cli/commands.hpp"
#include "cli/get_request.hpp"
#include "cli/pod_template.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

// The patch for one container list ("containers" or "initContainers"); adds to `spec_patch`.
// Returns how many containers matched.
int patch_list(const json& pod_spec, const char* field, const std::map<std::string, std::string>& images,
               json& spec_patch) {
  if (!pod_spec.contains(field))
    return 0;
  int matched = 0;
  json order = json::array(), changed = json::array();
  for (const auto& c : pod_spec[field]) {
    std::string name = c.value("name", "");
    order.push_back({{"name", name}});
    auto it = images.find(name);
    if (it == images.end())
      it = images.find("*");
    if (it == images.end())
      continue;
    ++matched;
    if (c.value("image", "") != it->second)
      changed.push_back({{"image", it->second}, {"name", name}});
  }
  if (!changed.empty()) {
    spec_patch[std::string("$setElementOrder/") + field] = order;
    spec_patch[field] = changed;
  }
  return matched;
}

int run_set_image(session& s, std::vector<std::string> args) {
  std::map<std::string, std::string> images;
  std::vector<std::string> resource_args;
  for (const auto& a : args) {
    auto eq = a.find('=');
    if (eq == std::string::npos)
      resource_args.push_back(a);
    else
      images[a.substr(0, eq)] = a.substr(eq + 1);
  }
  if (images.empty())
    return s.fail("at least one image update is required");
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  auto parsed = parse_get_args(api->resources(), resource_args);
  if (!parsed.error.empty())
    return s.fail(parsed.error);
  int rc = 0;
  for (const auto& req : parsed.requests) {
    if (req.names.empty())
      return s.fail("resource(s) were provided, but no name was specified");
    for (const auto& name : req.names) {
      std::string path = resource_path(req.resource, s.namespace_(), name);
      auto live = api->get(path, "application/json, */*");
      if (!live.ok()) {
        rc = s.fail(live);
        continue;
      }
      json obj = live.body;
      obj["kind"] = req.resource.kind;
      json spec = pod_spec_of(obj);
      if (spec.is_null()) {
        rc = s.fail(req.resource.kind_prefix() + "/" + name + " has no pod template");
        continue;
      }
      json spec_patch = json::object();
      int matched = patch_list(spec, "initContainers", images, spec_patch)
                    + patch_list(spec, "containers", images, spec_patch);
      bool missing = false;
      for (const auto& [container, image] : images) {
        bool found = container == "*";
        for (const char* f : {"containers", "initContainers"})
          if (spec.contains(f))
            for (const auto& c : spec[f])
              found = found || c.value("name", "") == container;
        if (!found) {
          rc = s.fail("unable to find container named \"" + container + "\"");
          missing = true;
        }
      }
      if (missing || matched == 0)
        continue;
      if (!spec_patch.empty()) {
        json patch = wrap_pod_spec(req.resource.kind, spec_patch);
        auto resp = api->request("PATCH", path + "?fieldManager=kubectl-set", patch.dump(),
                                 "application/strategic-merge-patch+json");
        if (!resp.ok()) {
          rc = s.fail(resp);
          continue;
        }
      }
      if (s.flags.get("output") == "name")
        s.io.out << req.resource.kind_prefix() << "/" << name << "\n";
      else
        s.io.out << req.resource.kind_prefix() << "/" << name << " image updated\n";
    }
  }
  return rc;
}

int run_set(session& s) {
  auto& args = s.flags.positional;
  if (args.empty())
    return s.usage_error("a subcommand is required: image");
  if (args[0] == "image")
    return run_set_image(s, {args.begin() + 1, args.end()});
  return s.usage_error("unknown command \"" + args[0] + "\" for \"troupe set\"");
}

} // namespace

command_def set_command_def() {
  return {"set", "set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ...",
          "Set specific features on objects", {{"output", 'o'}, {"all", 0, false}, {"selector", 'l'}},
          run_set};
}

} // namespace troupe::cli
