// `troupe logs [-f] [-c CONTAINER] [--tail=N] [--previous] [--timestamps] [--since=D] POD | TYPE/NAME`:
// GET .../pods/<pod>/log streamed to stdout. A Deployment/ReplicaSet/Job resolves to its first
// pod by selector, and a pod with several containers defaults to the first (or the
// kubectl.kubernetes.io/default-container annotation), saying so on stderr as kubectl does.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/get_request.hpp"
#include "cli/object_wait.hpp"
#include "cli/selector_text.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

int run_logs(session& s) {
  auto& args = s.flags.positional;
  if (args.empty())
    return s.fail("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required "
                  "argument for the logs command");
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  std::string ns = s.namespace_();
  auto pods_r = api->resolve("pods");
  std::string pod_name = args[0];
  std::string container = s.flags.get("container");
  if (args.size() > 1 && container.empty())
    container = args[1];
  if (pod_name.find('/') != std::string::npos) {
    auto parsed = parse_get_args(api->resources(), {pod_name});
    if (!parsed.error.empty())
      return s.fail(parsed.error);
    const auto& req = parsed.requests.front();
    pod_name = req.names.front();
    if (req.resource.kind != "Pod") {
      auto owner = api->get(resource_path(req.resource, ns, pod_name));
      if (!owner.ok())
        return s.fail(owner);
      std::string sel = selector_text(owner.body.value("spec", json::object()).value("selector", json::object()));
      auto pods = api->get(resource_path(*pods_r.value, ns) + query_string({{"labelSelector", sel}}));
      if (!pods.ok())
        return s.fail(pods);
      auto items = pods.body.value("items", json::array());
      if (items.empty())
        return s.fail("timed out waiting for the condition");
      pod_name = items[0]["metadata"].value("name", "");
    }
  }
  auto pod = api->get(resource_path(*pods_r.value, ns, pod_name));
  if (pod.not_found())
    return s.fail("error from server (NotFound): pods \"" + pod_name + "\" not found in namespace \"" + ns + "\"");
  if (!pod.ok())
    return s.fail(pod);
  if (container.empty()) {
    auto containers = pod.body.value("spec", json::object()).value("containers", json::array());
    std::string names;
    for (const auto& c : containers)
      names += (names.empty() ? "" : ", ") + c.value("name", "");
    std::string def = pod.body["metadata"].value("annotations", json::object()).value("kubectl.kubernetes.io/default-container", "");
    container = def.empty() && !containers.empty() ? containers[0].value("name", "") : def;
    if (containers.size() > 1 && def.empty())
      s.io.err << "Defaulted container \"" << container << "\" out of: " << names << "\n";
  }
  std::vector<std::pair<std::string, std::string>> q{{"container", container}};
  if (s.flags.is_set("follow"))
    q.push_back({"follow", "true"});
  if (s.flags.is_set("previous"))
    q.push_back({"previous", "true"});
  if (s.flags.is_set("timestamps"))
    q.push_back({"timestamps", "true"});
  if (s.flags.has("tail") && s.flags.get("tail") != "-1")
    q.push_back({"tailLines", s.flags.get("tail")});
  if (s.flags.has("since")) {
    auto since = parse_timeout(s.flags.get("since"));
    if (!since)
      return s.fail("invalid argument \"" + s.flags.get("since") + "\" for \"--since\" flag");
    q.push_back({"sinceSeconds", std::to_string(std::max<long long>(1, since->count() / 1000))});
  }
  if (s.flags.has("limit-bytes"))
    q.push_back({"limitBytes", s.flags.get("limit-bytes")});
  auto r = api->stream(resource_path(*pods_r.value, ns, pod_name, "log") + query_string(q), "*/*",
                             [&](std::string_view data) {
                               s.io.out << data;
                               s.io.out.flush();
                               return true;
                             });
  if (!r.transport_error.empty() || r.status >= 300)
    return s.fail(r);
  return 0;
}

} // namespace

command_def logs_command_def() {
  return {"logs", "logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]", "Print the logs for a container in a pod",
          {{"container", 'c'}, {"follow", 'f', false}, {"previous", 'p', false}, {"timestamps", 0, false},
           {"tail"}, {"since"}, {"limit-bytes"}, {"all-containers", 0, false}, {"selector", 'l'}},
          run_logs};
}

} // namespace troupe::cli
