#include "cli/kubeconfig.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/base64.hpp"
#include "config/yaml_codec.hpp"

namespace troupe::cli {

using nlohmann::json;

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> kubeconfig_paths(
  const std::string& explicit_path,
  const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  if (!explicit_path.empty())
    return {explicit_path};
  if (auto env = getenv("KUBECONFIG"); env && !env->empty()) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : *env + ":") {
      if (c == ':') {
        if (!cur.empty())
          out.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    return out;
  }
  auto home = getenv("HOME");
  return {(home ? *home : std::string{}) + "/.kube/config"};
}

namespace {

// Adds the named entries of docs[i][section] whose name is not taken yet.
void merge_named(json& out, const json& doc, const char* section) {
  if (!doc.contains(section) || !doc[section].is_array())
    return;
  auto& dst = out[section];
  for (const auto& e : doc[section]) {
    std::string name = e.value("name", "");
    bool taken = false;
    for (const auto& have : dst)
      taken = taken || have.value("name", "") == name;
    if (!taken)
      dst.push_back(e);
  }
}

const json* find_named(const json& cfg, const char* section, const std::string& name) {
  if (!cfg.contains(section))
    return nullptr;
  for (const auto& e : cfg[section])
    if (e.value("name", "") == name)
      return &e;
  return nullptr;
}

std::string str(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

} // namespace

json merge_kubeconfigs(const std::vector<json>& docs) {
  json out = {{"clusters", json::array()}, {"users", json::array()}, {"contexts", json::array()},
              {"current-context", ""}};
  for (const auto& d : docs) {
    if (!d.is_object())
      continue;
    merge_named(out, d, "clusters");
    merge_named(out, d, "users");
    merge_named(out, d, "contexts");
    if (out["current-context"] == "" && !str(d, "current-context").empty())
      out["current-context"] = str(d, "current-context");
  }
  return out;
}

connection_result resolve_connection(
  const json& cfg, const kubeconfig_overrides& flags,
  const std::function<std::optional<std::string>(const std::string&)>& read_file) {
  connection_result r;
  connection c;
  c.context = flags.context.empty() ? str(cfg, "current-context") : flags.context;
  json ctx = json::object();
  if (!c.context.empty()) {
    const json* e = find_named(cfg, "contexts", c.context);
    if (!e) {
      r.error = flags.context.empty() ? "context was not found for specified context: " + c.context
                                      : "context was not found for specified context: " + c.context;
      return r;
    }
    ctx = e->value("context", json::object());
  }
  std::string cluster_name = flags.cluster.empty() ? str(ctx, "cluster") : flags.cluster;
  std::string user_name = flags.user.empty() ? str(ctx, "user") : flags.user;
  json cluster = json::object(), user = json::object();
  if (!cluster_name.empty()) {
    const json* e = find_named(cfg, "clusters", cluster_name);
    if (!e && flags.server.empty()) {
      r.error = "cluster \"" + cluster_name + "\" not found";
      return r;
    }
    if (e)
      cluster = e->value("cluster", json::object());
  }
  if (!user_name.empty())
    if (const json* e = find_named(cfg, "users", user_name))
      user = e->value("user", json::object());

  c.server = flags.server.empty() ? str(cluster, "server") : flags.server;
  if (c.server.empty()) {
    // kubectl then falls back to http://localhost:8080 and fails to connect.
    r.error = "The connection to the server localhost:8080 was refused - did you specify the right "
              "host or port?";
    return r;
  }
  c.insecure = flags.insecure || (cluster.contains("insecure-skip-tls-verify")
                                  && cluster["insecure-skip-tls-verify"] == true);
  if (!flags.certificate_authority.empty() || !str(cluster, "certificate-authority").empty()) {
    std::string path = flags.certificate_authority.empty() ? str(cluster, "certificate-authority")
                                                           : flags.certificate_authority;
    auto pem = read_file(path);
    if (!pem) {
      r.error = "unable to read certificate-authority " + path + " for " + cluster_name
                + " due to open " + path + ": no such file or directory";
      return r;
    }
    c.ca_pem = *pem;
  } else if (!str(cluster, "certificate-authority-data").empty()) {
    auto pem = config::base64_decode(str(cluster, "certificate-authority-data"));
    if (!pem) {
      r.error = "illegal base64 data in certificate-authority-data of cluster " + cluster_name;
      return r;
    }
    c.ca_pem = *pem;
  }
  if (!flags.token.empty()) {
    c.token = flags.token;
  } else if (!str(user, "token").empty()) {
    c.token = str(user, "token");
  } else if (!str(user, "tokenFile").empty()) {
    auto t = read_file(str(user, "tokenFile"));
    if (t) {
      while (!t->empty() && (t->back() == '\n' || t->back() == '\r' || t->back() == ' '))
        t->pop_back();
      c.token = *t;
    }
  }
  if (!flags.namespace_.empty()) {
    c.namespace_ = flags.namespace_;
    c.namespace_explicit = true;
  } else if (!str(ctx, "namespace").empty()) {
    c.namespace_ = str(ctx, "namespace");
  }
  r.value = c;
  return r;
}

connection_result load_connection(
  const kubeconfig_overrides& flags,
  const std::function<std::optional<std::string>(const std::string&)>& getenv) {
  std::vector<json> docs;
  for (const auto& path : kubeconfig_paths(flags.kubeconfig, getenv)) {
    auto text = read_text_file(path);
    if (!text) {
      if (!flags.kubeconfig.empty())
        return {std::nullopt, "stat " + path + ": no such file or directory"};
      continue; // $KUBECONFIG entries and ~/.kube/config may be missing
    }
    auto parsed = config::parse_yaml(*text);
    if (!parsed.ok())
      return {std::nullopt, "error loading config file \"" + path + "\": " + parsed.error};
    for (auto& d : parsed.documents)
      docs.push_back(std::move(d));
  }
  return resolve_connection(merge_kubeconfigs(docs), flags, read_text_file);
}

} // namespace troupe::cli
