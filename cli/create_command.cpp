// `troupe create`: create -f FILE|DIR|- (POST each object, strict server-side validation), and the
// generators `create namespace NAME` and `create deployment NAME --image=I [--replicas=N]`.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/create_object.hpp"
#include "cli/manifest_loop.hpp"
#include "cli/object_target.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

// "registry:5000/team/nginx:1.17@sha256:..." -> "nginx", as kubectl names the container.
std::string container_name(const std::string& image) {
  std::string n = image;
  if (auto at = n.find('@'); at != std::string::npos)
    n = n.substr(0, at);
  if (auto slash = n.rfind('/'); slash != std::string::npos)
    n = n.substr(slash + 1);
  if (auto colon = n.find(':'); colon != std::string::npos)
    n = n.substr(0, colon);
  return n;
}

int create_generated(session& s, api_client& api, const std::string& what, const create_options& o) {
  const auto& args = s.flags.positional;
  if (args.size() < 2)
    return s.fail("exactly one NAME is required, got 0");
  if (args.size() > 2)
    return s.fail("exactly one NAME is required, got " + std::to_string(args.size() - 1));
  const std::string& name = args[1];
  create_options go = o;
  if (what == "namespace" || what == "ns") {
    auto r = api.resolve("namespaces");
    go.field_manager = "kubectl-create";
    return create_object(s, api, *r.value, "", {{"metadata", {{"name", name}}}, {"spec", json::object()}}, go);
  }
  if (what == "deployment" || what == "deploy") {
    auto images = s.flags.all("image");
    if (images.empty())
      return s.fail("required flag(s) \"image\" not set");
    json containers = json::array();
    for (const auto& image : images)
      containers.push_back({{"name", container_name(image)}, {"image", image}, {"resources", json::object()}});
    int replicas = std::stoi(s.flags.get("replicas", "1"));
    json labels = {{"app", name}};
    json d = {{"metadata", {{"name", name}, {"labels", labels}}},
              {"spec",
               {{"replicas", replicas},
                {"selector", {{"matchLabels", labels}}},
                {"template", {{"metadata", {{"labels", labels}}}, {"spec", {{"containers", containers}}}}},
                {"strategy", json::object()}}}};
    auto r = api.resolve("deployments.apps");
    if (go.dry_run.empty()) {
      // kubectl's typed generator words its failure differently from create -f.
      auto resp = api.request("POST", resource_path(*r.value, s.namespace_()) + "?fieldManager=kubectl-create&fieldValidation=Strict",
                              d.dump(), "application/json");
      if (!resp.ok())
        return resp.body.is_object() && resp.body.contains("message")
                 ? s.fail("failed to create deployment: " + resp.body.value("message", ""))
                 : s.fail(resp);
      print_written(s, resp.body, "created", go.output, "");
      return 0;
    }
    return create_object(s, api, *r.value, s.namespace_(), d, go);
  }
  return s.usage_error("unknown command \"" + what + "\" for \"troupe create\"");
}

int run_create(session& s) {
  create_options o;
  o.output = s.flags.get("output");
  o.dry_run = parse_dry_run(s.flags);
  if (o.dry_run == "!")
    return s.fail("Invalid dry-run value (" + s.flags.get("dry-run") + "). Must be \"none\", \"server\", or \"client\".");
  o.field_validation = field_validation(s.flags.get("validate", "strict"));
  if (o.field_validation.empty())
    return s.fail("invalid - validate option \"" + s.flags.get("validate")
                  + "\"; must be one of: strict (or true), warn, ignore (or false)");
  if (!s.flags.has("filename")) {
    if (s.flags.positional.empty())
      return s.fail("must specify one of -f and -k");
    api_client* api = s.discovered_api();
    return api ? create_generated(s, *api, s.flags.positional[0], o) : 1;
  }
  return for_each_manifest(s, "create", [&](api_client& api, const object_target& t, const manifest_object& m) {
    o.source = m.source;
    return create_object(s, api, *t.resource, t.ns, m.object, o);
  });
}

} // namespace

command_def create_command_def() {
  return {"create",
          "create -f FILENAME | create namespace NAME | create deployment NAME --image=IMAGE [flags]",
          "Create a resource from a file or from stdin",
          {{"filename", 'f'}, {"recursive", 'R', false}, {"output", 'o'}, {"dry-run", 0, true, "none", "client"}, {"validate", 0, true, "strict", "strict"},
           {"image"}, {"replicas", 'r'}, {"save-config", 0, false}, {"edit", 0, false}, {"record", 0, false}},
          run_create};
}

} // namespace troupe::cli
