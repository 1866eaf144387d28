// `troupe expose (TYPE NAME | TYPE/NAME) --port=P [--target-port] [--type] [--name] [--protocol]
// [--selector]`: a Service selecting what the object selects (a Deployment/ReplicaSet's
// matchLabels, a Pod's labels, a Service's selector), labelled like the object, POSTed with
// fieldManager kubectl-expose.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/create_object.hpp"
#include "cli/get_request.hpp"
#include "cli/pod_template.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

// What the service should select, or an error.
std::string selector_of(const json& o, json& selector) {
  std::string kind = o.value("kind", "");
  json spec = o.value("spec", json::object());
  if (kind == "Pod") {
    selector = o.value("metadata", json::object()).value("labels", json::object());
  } else if (kind == "Service") {
    selector = spec.value("selector", json::object());
  } else if (kind == "Deployment" || kind == "ReplicaSet" || kind == "ReplicationController" || kind == "StatefulSet") {
    json sel = spec.value("selector", json::object());
    if (kind == "ReplicationController") {
      selector = sel;
    } else {
      if (sel.contains("matchExpressions") && !sel["matchExpressions"].empty())
        return "couldn't convert expressions - \"" + sel["matchExpressions"].dump()
               + "\" to map-based selector format";
      selector = sel.value("matchLabels", json::object());
    }
  } else {
    return "cannot expose a " + kind;
  }
  if (selector.empty())
    return "couldn't retrieve selectors via --selector flag or introspection: the " + kind
           + " has no labels to select";
  return {};
}

int run_expose(session& s) {
  if (s.flags.positional.empty())
    return s.fail("You must provide one or more resources by argument or filename.");
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  auto parsed = parse_get_args(api->resources(), s.flags.positional);
  if (!parsed.error.empty())
    return s.fail(parsed.error);
  auto svc_r = api->resolve("services");
  int rc = 0;
  for (const auto& req : parsed.requests) {
    for (const auto& name : req.names) {
      auto live = api->get(resource_path(req.resource, s.namespace_(), name));
      if (!live.ok()) {
        rc = s.fail(live);
        continue;
      }
      json o = live.body;
      o["kind"] = req.resource.kind;
      json selector;
      if (s.flags.has("selector")) {
        for (const auto& kv : split_list(s.flags.get("selector"))) {
          auto eq = kv.find('=');
          selector[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
        }
      } else if (auto err = selector_of(o, selector); !err.empty()) {
        rc = s.fail(err);
        continue;
      }
      json ports = json::array();
      std::string protocol = s.flags.get("protocol", "TCP");
      if (s.flags.has("port")) {
        int port = std::stoi(s.flags.get("port"));
        json target = s.flags.has("target-port") ? json(s.flags.get("target-port")) : json(port);
        if (target.is_string() && target.get<std::string>().find_first_not_of("0123456789") == std::string::npos)
          target = std::stoi(target.get<std::string>());
        ports.push_back({{"port", port}, {"protocol", protocol}, {"targetPort", target}});
      } else {
        json spec = o.value("kind", "") == "Service" ? json() : pod_spec_of(o);
        json container_ports = json::array();
        if (o.value("kind", "") == "Service")
          for (const auto& p : o["spec"].value("ports", json::array()))
            container_ports.push_back({{"containerPort", p.value("port", 0)}, {"protocol", p.value("protocol", "TCP")}});
        else if (spec.is_object())
          for (const auto& c : spec.value("containers", json::array()))
            for (const auto& p : c.value("ports", json::array()))
              container_ports.push_back(p);
        if (container_ports.empty()) {
          rc = s.fail("couldn't find port via --port flag or introspection");
          continue;
        }
        int i = 1;
        for (const auto& p : container_ports) {
          json port = {{"port", p.value("containerPort", 0)}, {"protocol", p.value("protocol", "TCP")},
                       {"targetPort", p.value("containerPort", 0)}};
          if (container_ports.size() > 1)
            port["name"] = "port-" + std::to_string(i++);
          ports.push_back(port);
        }
      }
      json labels = o.value("metadata", json::object()).value("labels", json::object());
      std::string svc_name = s.flags.get("name", name);
      json svc = {{"metadata", {{"name", svc_name}}}, {"spec", {{"ports", ports}, {"selector", selector}}}};
      if (!labels.empty())
        svc["metadata"]["labels"] = labels;
      if (s.flags.has("type"))
        svc["spec"]["type"] = s.flags.get("type");
      if (s.flags.has("cluster-ip"))
        svc["spec"]["clusterIP"] = s.flags.get("cluster-ip");
      create_options co;
      co.field_manager = "kubectl-expose";
      co.field_validation = "";
      co.output = s.flags.get("output");
      co.dry_run = parse_dry_run(s.flags);
      json created_obj = svc;
      if (co.output.empty() && co.dry_run.empty()) {
        // kubectl's verb here is "exposed".
        auto resp = api->request("POST", resource_path(*svc_r.value, s.namespace_()) + "?fieldManager=kubectl-expose",
                                 json(svc).dump(), "application/json");
        if (!resp.ok()) {
          rc = s.fail(resp);
          continue;
        }
        s.io.out << "service/" << svc_name << " exposed\n";
        continue;
      }
      rc |= create_object(s, *api, *svc_r.value, s.namespace_(), svc, co);
    }
  }
  return rc;
}

} // namespace

command_def expose_command_def() {
  return {"expose", "expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] "
                    "[--target-port=number-or-name] [--name=name] [--type=type]",
          "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
          {{"port"}, {"target-port"}, {"type"}, {"name"}, {"protocol"}, {"selector"}, {"cluster-ip"},
           {"output", 'o'}, {"dry-run", 0, true, "none", "client"}, {"labels", 'l'}},
          run_expose};
}

} // namespace troupe::cli
