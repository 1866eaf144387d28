// `troupe describe (TYPE [NAME...] | TYPE/NAME) [-l sel] [-A]`: full objects, their events
// (fieldSelector involvedObject.name/namespace/uid) and what the layout needs (a ReplicaSet's or
// Job's pods, a Deployment's ReplicaSets, a Node's pods), printed by describe_printer.hpp.
#include <algorithm>
#include <ctime>
#include <ostream>

#include "cli/commands.hpp"
#include "cli/describe_printer.hpp"
#include "cli/get_request.hpp"
#include "cli/selector_text.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

json list_items(api_client& api, const std::string& resource, const std::string& ns, const std::string& params) {
  auto r = api.resolve(resource);
  if (!r.value)
    return json::array();
  auto resp = api.get(resource_path(*r.value, ns) + params);
  return resp.ok() ? resp.body.value("items", json::array()) : json::array();
}

json controlled_by(const json& items, const std::string& uid) {
  json out = json::array();
  for (const auto& i : items)
    for (const auto& ref : i.value("metadata", json::object()).value("ownerReferences", json::array()))
      if (ref.value("controller", false) && ref.value("uid", "") == uid)
        out.push_back(i);
  return out;
}

describe_context context_for(api_client& api, const json& o) {
  describe_context ctx;
  ctx.now = std::time(nullptr);
  json m = o.value("metadata", json::object());
  std::string ns = m.value("namespace", ""), name = m.value("name", ""), uid = m.value("uid", "");
  std::string kind = o.value("kind", "");
  std::string fs = "involvedObject.name=" + name + (ns.empty() ? "" : ",involvedObject.namespace=" + ns)
                   + ",involvedObject.uid=" + uid;
  ctx.events = list_items(api, "events", ns, query_string({{"fieldSelector", fs}}));
  std::stable_sort(ctx.events.begin(), ctx.events.end(), [](const json& a, const json& b) {
    return a.value("lastTimestamp", a.value("eventTime", "")) < b.value("lastTimestamp", b.value("eventTime", ""));
  });
  std::string selector = selector_text(o.value("spec", json::object()).value("selector", json::object()));
  if (kind == "ReplicaSet" || kind == "Job")
    ctx.pods = controlled_by(list_items(api, "pods", ns, query_string({{"labelSelector", selector}})), uid);
  else if (kind == "Deployment")
    ctx.replicasets = list_items(api, "replicasets.apps", ns, query_string({{"labelSelector", selector}}));
  else if (kind == "Service") {
    auto ep = api.resolve("endpoints");
    if (ep.value) {
      auto r = api.get(resource_path(*ep.value, ns, name));
      if (r.ok())
        ctx.endpoints = r.body;
    }
  } else if (kind == "Namespace") {
    ctx.has_resource_quotas = api.resolve("resourcequotas").value != nullptr;
    ctx.has_limit_ranges = api.resolve("limitranges").value != nullptr;
  } else if (kind == "Node") {
    // The node's heartbeat Lease, as kubectl shows it (or why it could not be read).
    auto lease = api.get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + name);
    if (lease.ok())
      ctx.lease = lease.body;
    else
      ctx.lease_error = lease.body.is_object() && lease.body.contains("message")
                          ? lease.body.value("message", "")
                          : "the server could not find the requested resource";
    ctx.pods = list_items(api, "pods", "",
                          query_string({{"fieldSelector", "spec.nodeName=" + name
                                                            + ",status.phase!=Succeeded,status.phase!=Failed"}}));
  }
  return ctx;
}

int run_describe(session& s) {
  if (s.flags.positional.empty())
    return s.fail("You must specify the type of resource to describe. Use \"troupe api-resources\" for a "
                  "complete list of supported resources.");
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  auto parsed = parse_get_args(api->resources(), s.flags.positional);
  if (!parsed.error.empty())
    return s.fail(parsed.error);
  bool all_ns = s.flags.is_set("all-namespaces");
  int rc = 0;
  bool first = true;
  auto print = [&](json o, const resource_info& r) {
    o["apiVersion"] = r.api_version();
    o["kind"] = r.kind;
    std::string text = describe_object(o, context_for(*api, o));
    s.io.out << (first ? "" : "\n\n") << text;
    first = false;
  };
  for (const auto& req : parsed.requests) {
    if (req.names.empty()) {
      std::string ns = all_ns ? "" : s.namespace_();
      auto list = api->get(resource_path(req.resource, ns) + query_string({{"labelSelector", s.flags.get("selector")}}));
      if (!list.ok()) {
        rc = s.fail(list);
        continue;
      }
      auto items = list.body.value("items", json::array());
      if (items.empty() && parsed.requests.size() == 1)
        s.io.err << (all_ns ? std::string("No resources found\n")
                                                          : "No resources found in " + ns + " namespace.\n");
      for (const auto& item : items)
        print(item, req.resource);
      continue;
    }
    for (const auto& name : req.names) {
      auto r = api->get(resource_path(req.resource, s.namespace_(), name));
      if (!r.ok()) {
        rc = s.fail(r);
        continue;
      }
      print(r.body, req.resource);
    }
  }
  return rc;
}

} // namespace

command_def describe_command_def() {
  return {"describe", "describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)",
          "Show details of a specific resource or group of resources",
          {{"selector", 'l'}, {"all-namespaces", 'A', false}, {"show-events", 0, false}}, run_describe};
}

} // namespace troupe::cli
