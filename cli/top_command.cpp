// `troupe top nodes|pods`: metrics.k8s.io/v1beta1 NodeMetrics/PodMetrics, as kubectl prints them
// (CPU in millicores "174m", memory in mebibytes "1519Mi", node percentages of allocatable).
// Without metrics.k8s.io in discovery: `error: Metrics API not available`; with no samples yet:
// `error: metrics not available yet`.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/table_printer.hpp"
#include "config/quantity.hpp"
#include "config/time_format.hpp"

#include <chrono>

namespace troupe::cli {

using nlohmann::json;

namespace {

int64_t milli(const json& usage, const char* key) {
  auto q = config::parse_quantity(usage.value(key, "0"));
  return q ? q->milli_value() : 0;
}

int64_t bytes(const json& usage, const char* key) {
  auto q = config::parse_quantity(usage.value(key, "0"));
  return q ? q->value() : 0;
}

const resource_info* metrics_resource(api_client& api, const std::string& resource) {
  for (const auto& r : api.resources())
    if (r.group == "metrics.k8s.io" && r.version == "v1beta1" && r.resource == resource)
      return &r;
  return nullptr;
}

int top_nodes(session& s, api_client& api, const std::vector<std::string>& names) {
  const resource_info* m = metrics_resource(api, "nodes");
  if (!m)
    return s.fail("Metrics API not available");
  std::string sel = query_string({{"labelSelector", s.flags.get("selector")}});
  auto metrics = api.get(resource_path(*m, "", names.empty() ? "" : names[0]) + (names.empty() ? sel : ""));
  if (!metrics.ok())
    return s.fail(metrics);
  json items = names.empty() ? metrics.body.value("items", json::array()) : json::array({metrics.body});
  if (items.empty())
    return s.fail("metrics not available yet");
  auto nodes = api.get("/api/v1/nodes" + sel);
  if (!nodes.ok())
    return s.fail(nodes);
  std::map<std::string, json> allocatable;
  for (const auto& n : nodes.body.value("items", json::array()))
    allocatable[n["metadata"].value("name", "")] = n.value("status", json::object()).value("allocatable", json::object());
  tab_writer w;
  if (!s.flags.is_set("no-headers"))
    w.add({"NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"});
  for (const auto& item : items) {
    std::string name = item["metadata"].value("name", "");
    json usage = item.value("usage", json::object());
    int64_t cpu = milli(usage, "cpu"), mem = bytes(usage, "memory");
    std::string cpu_pct = "<unknown>", mem_pct = "<unknown>";
    if (allocatable.count(name)) {
      int64_t cpu_alloc = milli(allocatable[name], "cpu"), mem_alloc = bytes(allocatable[name], "memory");
      if (cpu_alloc > 0)
        cpu_pct = std::to_string(cpu * 100 / cpu_alloc) + "%";
      if (mem_alloc > 0)
        mem_pct = std::to_string(mem * 100 / mem_alloc) + "%";
    }
    w.add({name, std::to_string(cpu) + "m", cpu_pct, std::to_string(mem / (1024 * 1024)) + "Mi", mem_pct});
  }
  s.io.out << w.flush();
  return 0;
}

// kubectl's verifyEmptyMetrics: an existing pod without metrics is an error naming it and its age.
int no_pod_metrics(session& s, api_client& api, const std::string& ns, bool all_ns) {
  auto pods = api.get(resource_path(*api.resolve("pods").value, ns)
                      + query_string({{"labelSelector", s.flags.get("selector")}}));
  if (!pods.ok())
    return s.fail(pods);
  auto items = pods.body.value("items", json::array());
  if (items.empty()) {
    s.io.err << (all_ns ? std::string("No resources found\n") : "No resources found in " + ns + " namespace.\n");
    return 0;
  }
  json meta = items[0].value("metadata", json::object());
  auto created = config::parse_rfc3339(meta.value("creationTimestamp", ""));
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch()).count();
  std::string age = created ? config::format_go_duration(now - created->seconds * 1000000000LL) : "<unknown>";
  return s.fail("Metrics not available for pod " + meta.value("namespace", "") + "/" + meta.value("name", "")
                + ", age: " + age);
}

int top_pods(session& s, api_client& api, const std::vector<std::string>& names) {
  const resource_info* m = metrics_resource(api, "pods");
  if (!m)
    return s.fail("Metrics API not available");
  bool all_ns = s.flags.is_set("all-namespaces");
  std::string ns = all_ns ? "" : s.namespace_();
  std::string sel = query_string({{"labelSelector", s.flags.get("selector")}});
  auto metrics = api.get(resource_path(*m, ns, names.empty() ? "" : names[0]) + (names.empty() ? sel : ""));
  if (metrics.not_found() && !names.empty())
    return s.fail("Metrics not available for pod " + ns + "/" + names[0] + ", age: <unknown>");
  if (!metrics.ok())
    return s.fail(metrics);
  json items = names.empty() ? metrics.body.value("items", json::array()) : json::array({metrics.body});
  if (items.empty())
    return no_pod_metrics(s, api, ns, all_ns);
  bool containers = s.flags.is_set("containers");
  tab_writer w;
  if (!s.flags.is_set("no-headers")) {
    table_row h;
    if (all_ns)
      h.push_back("NAMESPACE");
    if (containers) {
      h.push_back("POD");
      h.push_back("NAME");
    } else {
      h.push_back("NAME");
    }
    h.push_back("CPU(cores)");
    h.push_back("MEMORY(bytes)");
    w.add(h);
  }
  for (const auto& item : items) {
    json meta = item.value("metadata", json::object());
    int64_t cpu = 0, mem = 0;
    for (const auto& c : item.value("containers", json::array())) {
      json usage = c.value("usage", json::object());
      if (containers) {
        table_row r;
        if (all_ns)
          r.push_back(meta.value("namespace", ""));
        r.push_back(meta.value("name", ""));
        r.push_back(c.value("name", ""));
        r.push_back(std::to_string(milli(usage, "cpu")) + "m");
        r.push_back(std::to_string(bytes(usage, "memory") / (1024 * 1024)) + "Mi");
        w.add(r);
      }
      cpu += milli(usage, "cpu");
      mem += bytes(usage, "memory");
    }
    if (containers)
      continue;
    table_row r;
    if (all_ns)
      r.push_back(meta.value("namespace", ""));
    r.push_back(meta.value("name", ""));
    r.push_back(std::to_string(cpu) + "m");
    r.push_back(std::to_string(mem / (1024 * 1024)) + "Mi");
    w.add(r);
  }
  s.io.out << w.flush();
  return 0;
}

int run_top(session& s) {
  auto args = s.flags.positional;
  if (args.empty())
    return s.usage_error("a subcommand is required: node, pod");
  std::string what = args[0];
  args.erase(args.begin());
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  if (what == "nodes" || what == "node" || what == "no")
    return top_nodes(s, *api, args);
  if (what == "pods" || what == "pod" || what == "po")
    return top_pods(s, *api, args);
  return s.usage_error("unknown command \"" + what + "\" for \"troupe top\"");
}

} // namespace

command_def top_command_def() {
  return {"top", "top (node|pod) [NAME | -l label]", "Display resource (CPU/memory) usage",
          {{"selector", 'l'}, {"all-namespaces", 'A', false}, {"containers", 0, false}, {"no-headers", 0, false},
           {"sort-by"}, {"use-protocol-buffers", 0, false}, {"show-capacity", 0, false}},
          run_top};
}

} // namespace troupe::cli
