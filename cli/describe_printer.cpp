// describe_printer.hpp: the generic describer and the dispatch by kind (per-kind layouts are in
// describe_workloads.cpp and describe_cluster.cpp, their building blocks in describe_layout.hpp).
#include "cli/describe_printer.hpp"

#include <ctime>

#include "cli/describe_layout.hpp"
#include "cli/tabwriter.hpp"
#include "config/time_format.hpp"

namespace troupe::cli {

using nlohmann::json;
using namespace describe_layout;

namespace {

void generic_value(prefix_writer& w, int level, const std::string& title, const json& v) {
  if (v.is_object()) {
    w.write(level, title + ":");
    for (auto it = v.begin(); it != v.end(); ++it)
      generic_value(w, level + 1, title_words(it.key()), it.value());
  } else if (v.is_array()) {
    w.write(level, title + ":");
    for (const auto& e : v) {
      if (e.is_object()) {
        bool first = true;
        for (auto it = e.begin(); it != e.end(); ++it) {
          // The first field of each element carries the list marker, as kubectl's generic describer.
          if (!it->is_structured())
            w.write(level + 1, (first ? "" : "  ") + title_words(it.key()) + ":\t" + (it->is_string() ? it->get<std::string>() : it->dump()));
          else
            generic_value(w, level + 1, title_words(it.key()), it.value());
          first = false;
        }
      } else {
        w.write(level + 1, e.is_string() ? e.get<std::string>() : e.dump());
      }
    }
  } else {
    w.write(level, title + ":\t" + (v.is_string() ? v.get<std::string>() : v.dump()));
  }
}

void describe_generic(prefix_writer& w, const json& o, const describe_context& ctx) {
  json m = obj(o, "metadata");
  w.write(0, "Name:\t" + str(m, "name"));
  if (!str(m, "namespace").empty())
    w.write(0, "Namespace:\t" + str(m, "namespace"));
  write_map_multiline(w, 0, "Labels", obj(m, "labels"), "=");
  write_map_multiline(w, 0, "Annotations", obj(m, "annotations"), ": ", true);
  w.write(0, "API Version:\t" + str(o, "apiVersion"));
  w.write(0, "Kind:\t" + str(o, "kind"));
  for (auto it = o.begin(); it != o.end(); ++it) {
    if (it.key() == "apiVersion" || it.key() == "kind")
      continue;
    json v = it.value();
    if (it.key() == "metadata") {
      for (const char* k : {"name", "namespace", "labels", "annotations", "managedFields"})
        v.erase(k);
    }
    generic_value(w, 0, title_words(it.key()), v);
  }
  write_events(w, ctx.events, ctx.now);
}

} // namespace

std::string title_words(const std::string& key) {
  std::string out;
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (i == 0) {
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      continue;
    }
    bool upper = std::isupper(static_cast<unsigned char>(c));
    bool prev_lower = std::islower(static_cast<unsigned char>(key[i - 1]));
    bool next_lower = i + 1 < key.size() && std::islower(static_cast<unsigned char>(key[i + 1]));
    if (upper && (prev_lower || (next_lower && std::isupper(static_cast<unsigned char>(key[i - 1])))))
      out += ' ';
    out += c;
  }
  return out;
}

std::string describe_time(const std::string& rfc3339) {
  auto t = config::parse_rfc3339(rfc3339);
  if (!t)
    return rfc3339.empty() ? "<unset>" : rfc3339;
  std::time_t secs = static_cast<std::time_t>(t->seconds);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string describe_pod_template(const json& tmpl) {
  prefix_writer w;
  write_pod_template(w, tmpl);
  return tabwriter_format(w.out.str(), 0, 2);
}

std::string describe_object(const json& o, const describe_context& ctx) {
  prefix_writer w;
  std::string kind = o.value("kind", "");
  if (kind == "Pod")
    describe_pod(w, o, ctx);
  else if (kind == "Deployment")
    describe_deployment(w, o, ctx);
  else if (kind == "ReplicaSet")
    describe_replicaset(w, o, ctx);
  else if (kind == "Job")
    describe_job(w, o, ctx);
  else if (kind == "Service")
    describe_service(w, o, ctx);
  else if (kind == "Namespace")
    describe_namespace(w, o, ctx);
  else if (kind == "Node")
    describe_node(w, o, ctx);
  else if (kind == "HorizontalPodAutoscaler")
    describe_hpa(w, o, ctx);
  else if (kind == "ConfigMap")
    describe_configmap(w, o, ctx);
  else if (kind == "Secret")
    describe_secret(w, o, ctx);
  else
    describe_generic(w, o, ctx);
  return tabwriter_format(w.out.str(), 0, 2);
}

} // namespace troupe::cli
