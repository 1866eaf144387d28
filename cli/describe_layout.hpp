#pragma once
// The building blocks of describe_printer.hpp, shared by the per-kind layouts
// (describe_workloads.cpp: Pod, Deployment, ReplicaSet, Job, HorizontalPodAutoscaler;
// describe_cluster.cpp: Service, Namespace, Node, ConfigMap, Secret). Lines are "Key:\tvalue" at an
// indent level; describe_printer.cpp lays the whole text out with tabwriter.hpp.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <sstream>
#include <string>

#include "cli/describe_printer.hpp"

namespace troupe::cli::describe_layout {

using nlohmann::json;

// kubectl's PrefixWriter: a level is two spaces of indent.
struct prefix_writer {
  std::ostringstream out;
  void write(int level, const std::string& line) { out << std::string(level * 2, ' ') << line << "\n"; }
};

/// o[key] as text ("" or `fallback` when absent or null; non-strings as JSON).
std::string str(const json& o, const char* key, const std::string& fallback = "");
/// o[key] if it is an object / array, else an empty one.
json obj(const json& o, const char* key);
json arr(const json& o, const char* key);

/// "Labels:\tk=v" with further entries on their own lines; "<none>" when empty.
void write_map_multiline(prefix_writer& w, int level, const std::string& title, const json& m,
                         const std::string& sep, bool skip_last_applied = false);
/// An RFC 3339 time's age as kubectl prints it.
std::string age(const std::string& ts, int64_t now);
/// The Events table (Type Reason Age From Message), or "Events:\t<none>".
void write_events(prefix_writer& w, const json& events, int64_t now);
/// Name (and Namespace) lines.
void write_common_meta(prefix_writer& w, const json& o, bool with_ns = true);
/// "Kind/name" of the controller owner reference, or "".
std::string controlled_by(const json& metadata);
void write_containers(prefix_writer& w, int level, const char* title, const json& containers, const json& statuses);
void write_volumes(prefix_writer& w, int level, const json& volumes);
void write_tolerations(prefix_writer& w, int level, const std::string& title, const json& tolerations);
void write_node_selector(prefix_writer& w, int level, const std::string& title, const json& selector);
void write_pod_template(prefix_writer& w, const json& tmpl);

void describe_pod(prefix_writer& w, const json& o, const describe_context& ctx);
void describe_deployment(prefix_writer& w, const json& o, const describe_context& ctx);
void describe_replicaset(prefix_writer& w, const json& o, const describe_context& ctx);
void describe_job(prefix_writer& w, const json& o, const describe_context& ctx);
void describe_hpa(prefix_writer& w, const json& o, const describe_context& ctx);
void describe_service(prefix_writer& w, const json& o, const describe_context& ctx);
void describe_namespace(prefix_writer& w, const json& o, const describe_context& ctx);
void describe_node(prefix_writer& w, const json& o, const describe_context& ctx);
void describe_configmap(prefix_writer& w, const json& o, const describe_context& ctx);
void describe_secret(prefix_writer& w, const json& o, const describe_context& ctx);

} // namespace troupe::cli::describe_layout
