// `troupe get`: kubectl get. Human output renders the server's Tables (table_printer.hpp);
// -o yaml|json print the objects (a List for more than one), -o name prints kind/name; -w streams
// the watch, one Table row per event.
#include <ostream>

#include "cli/commands.hpp"
#include "cli/get_request.hpp"
#include "cli/jsonpath_template.hpp"
#include "cli/object_output.hpp"
#include "cli/table_printer.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

struct get_options {
  std::string output; // "", "wide", "yaml", "json", "name"
  bool all_namespaces = false;
  std::string ns;
  std::string label_selector, field_selector;
  bool watch = false, watch_only = false, watch_events = false;
  bool ignore_not_found = false;
};

std::string list_query(const get_options& o, const std::string& extra = {}) {
  std::vector<std::pair<std::string, std::string>> q{{"labelSelector", o.label_selector},
                                                     {"fieldSelector", o.field_selector}};
  std::string s = query_string(q);
  if (!extra.empty())
    s += (s.empty() ? "?" : "&") + extra;
  return s;
}

std::string no_resources(const get_options& o, bool namespaced) {
  if (o.all_namespaces || !namespaced)
    return "No resources found\n";
  return "No resources found in " + o.ns + " namespace.\n";
}

// Human-readable output: one table per resource type, a blank line between them.
int print_tables(session& s, api_client& api, const std::vector<get_request>& requests,
                 const get_options& o, const table_options& base) {
  int rc = 0;
  std::vector<api_response> failures; // kubectl prints what it found first, then the errors
  auto report = [&] {
    for (const auto& f : failures)
      s.fail(f);
    failures.clear();
  };
  bool printed = false, any_namespaced = false;
  tab_writer w;
  std::string last_rv;
  json last_columns;
  if (base.watch_events)
    w.set_min_width(0, std::string("MODIFIED").size() + 3);
  bool namespace_column = false;
  for (const auto& req : requests) {
    any_namespaced = any_namespaced || req.resource.namespaced;
    // kubectl keeps the NAMESPACE column for a cluster-scoped kind printed after a namespaced one.
    namespace_column = namespace_column || (o.all_namespaces && req.resource.namespaced);
    std::string ns = o.all_namespaces ? "" : o.ns;
    std::vector<json> tables;
    if (req.names.empty()) {
      auto r = api.get(resource_path(req.resource, ns) + list_query(o, "limit=500"), table_accept);
      if (!r.ok()) {
        failures.push_back(r);
        rc = 1;
        continue;
      }
      tables.push_back(r.body);
    } else {
      for (const auto& name : req.names) {
        auto r = api.get(resource_path(req.resource, o.ns, name), table_accept);
        if (r.not_found() && o.ignore_not_found)
          continue;
        if (!r.ok()) {
          failures.push_back(r);
          rc = 1;
          continue;
        }
        tables.push_back(r.body);
      }
    }
    table_options to = base;
    to.with_namespace = namespace_column;
    if (base.kind_prefix == "*")
      to.kind_prefix = req.resource.kind_prefix();
    json columns;
    std::vector<table_row> rows;
    for (const auto& t : tables) {
      if (columns.is_null() && t.contains("columnDefinitions"))
        columns = t["columnDefinitions"];
      for (auto& r : table_rows(t, columns, to, to.watch_events ? "ADDED" : ""))
        rows.push_back(std::move(r));
      last_rv = t.value("metadata", json::object()).value("resourceVersion", "");
    }
    last_columns = columns;
    if (rows.empty())
      continue;
    if (printed) {
      s.io.out << "\n";
      w.reset();
    }
    printed = true;
    if (o.watch_only) // the watch's events are all that is printed
      continue;
    if (!to.no_headers)
      w.add(table_header(columns, to));
    for (auto& r : rows)
      w.add(std::move(r));
    s.io.out << w.flush();
  }
  s.io.out.flush();
  report();
  if (!printed && rc == 0 && !o.watch && requests.size() > 0 && requests[0].names.empty())
    s.io.err << no_resources(o, any_namespaced);
  if (!o.watch || rc != 0)
    return rc;

  // Watch the one resource type from the list's resourceVersion on.
  const auto& req = requests.front();
  table_options to = base;
  to.with_namespace = o.all_namespaces && req.resource.namespaced;
  if (base.kind_prefix == "*")
    to.kind_prefix = req.resource.kind_prefix();
  get_options wo = o;
  if (req.names.size() == 1)
    wo.field_selector = "metadata.name=" + req.names[0];
  std::string path = resource_path(req.resource, o.all_namespaces ? "" : o.ns)
                     + list_query(wo, "watch=true" + (last_rv.empty() ? "" : "&resourceVersion=" + last_rv));
  bool header_printed = printed && !o.watch_only;
  s.io.out.flush();
  auto r = api.stream_lines(path, table_accept, [&](std::string_view line) {
    json ev = json::parse(line, nullptr, false);
    if (!ev.is_object() || !ev.contains("object"))
      return true;
    const json& obj = ev["object"];
    if (last_columns.is_null() && obj.contains("columnDefinitions"))
      last_columns = obj["columnDefinitions"];
    if (!header_printed && !to.no_headers) {
      w.add(table_header(last_columns, to));
      header_printed = true;
    }
    for (auto& row : table_rows(obj, last_columns, to, ev.value("type", "")))
      w.add(std::move(row));
    s.io.out << w.flush();
    s.io.out.flush();
    return true;
  });
  if (!r.transport_error.empty() || (r.status != 0 && (r.status < 200 || r.status >= 300)))
    return s.fail(r);
  return 0;
}

// Prints the deferred request failures after the output.
int finish(session& s, const std::vector<api_response>& failures, int rc) {
  s.io.out.flush();
  for (const auto& f : failures)
    s.fail(f);
  return rc;
}

int print_objects(session& s, api_client& api, const std::vector<get_request>& requests,
                  const get_options& o) {
  int rc = 0;
  std::vector<json> items;
  std::vector<api_response> failures; // printed after the objects, as kubectl does
  bool single = requests.size() == 1 && requests[0].names.size() == 1;
  for (const auto& req : requests) {
    std::string ns = o.all_namespaces ? "" : o.ns;
    if (req.names.empty()) {
      auto r = api.get(resource_path(req.resource, ns) + list_query(o, "limit=500"));
      if (!r.ok()) {
        failures.push_back(r);
        rc = 1;
        continue;
      }
      for (auto item : r.body.value("items", json::array())) {
        item["apiVersion"] = req.resource.api_version();
        item["kind"] = req.resource.kind;
        items.push_back(std::move(item));
      }
      continue;
    }
    for (const auto& name : req.names) {
      auto r = api.get(resource_path(req.resource, o.ns, name));
      if (r.not_found() && o.ignore_not_found)
        continue;
      if (!r.ok()) {
        failures.push_back(r);
        rc = 1;
        continue;
      }
      items.push_back(r.body);
    }
  }
  if (o.output.rfind("jsonpath=", 0) == 0) {
    json target = single && items.size() == 1 ? items[0] : as_list(items);
    auto r = render_jsonpath(o.output.substr(9), target);
    if (!r.error.empty())
      return s.fail(r.error);
    s.io.out << r.text;
    return finish(s, failures, rc);
  }
  if (o.output == "name") {
    for (const auto& item : items) // nothing at all when there are none, as kubectl
      s.io.out << object_name(api.resources(), item) << "\n";
    return finish(s, failures, rc);
  }
  if (single && items.size() == 1)
    s.io.out << render_object(items[0], o.output);
  else if (!(single && items.empty()))
    s.io.out << render_object(as_list(items), o.output);
  return finish(s, failures, rc);
}

int run_get(session& s) {
  get_options o;
  o.output = s.flags.get("output");
  bool jsonpath = o.output.rfind("jsonpath=", 0) == 0;
  if (!o.output.empty() && o.output != "wide" && o.output != "yaml" && o.output != "json" && o.output != "name"
      && !jsonpath)
    return s.fail("unable to match a printer suitable for the output format \"" + o.output
                  + "\", allowed formats are: json,jsonpath,name,wide,yaml");
  o.all_namespaces = s.flags.is_set("all-namespaces");
  o.label_selector = s.flags.get("selector");
  o.field_selector = s.flags.get("field-selector");
  o.watch = s.flags.is_set("watch") || s.flags.is_set("watch-only");
  o.watch_only = s.flags.is_set("watch-only");
  o.watch_events = s.flags.is_set("output-watch-events");
  o.ignore_not_found = s.flags.is_set("ignore-not-found");
  if (s.flags.positional.empty())
    return s.fail("Required resource not specified.\nUse \"troupe api-resources\" for a complete list of "
                  "supported resources.");
  api_client* api = s.discovered_api();
  if (!api)
    return 1;
  o.ns = s.namespace_();
  auto parsed = parse_get_args(api->resources(), s.flags.positional);
  if (!parsed.error.empty())
    return s.fail(parsed.error);
  if (o.all_namespaces)
    for (const auto& req : parsed.requests)
      if (!req.names.empty())
        return s.fail("a resource cannot be retrieved by name across all namespaces");
  if (o.watch && parsed.requests.size() != 1)
    return s.fail("you may only specify a single resource type");
  if (o.output == "yaml" || o.output == "json" || o.output == "name" || jsonpath)
    return print_objects(s, *api, parsed.requests, o);
  table_options to;
  to.wide = o.output == "wide";
  to.show_labels = s.flags.is_set("show-labels");
  to.no_headers = s.flags.is_set("no-headers");
  to.watch_events = o.watch_events;
  if (parsed.several_types)
    to.kind_prefix = "*";
  return print_tables(s, *api, parsed.requests, o, to);
}

} // namespace

command_def get_command_def() {
  return {"get",
          "get [(-o|--output=)json|yaml|name|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | "
          "TYPE[.VERSION][.GROUP]/NAME ...) [flags]",
          "Display one or many resources",
          {{"output", 'o'}, {"all-namespaces", 'A', false}, {"selector", 'l'}, {"field-selector"},
           {"watch", 'w', false}, {"watch-only", 0, false}, {"output-watch-events", 0, false},
           {"show-labels", 0, false}, {"no-headers", 0, false}, {"ignore-not-found", 0, false},
           {"chunk-size"}, {"show-kind", 0, false}},
          run_get};
}

} // namespace troupe::cli
