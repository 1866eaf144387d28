#include "config/container_validation.hpp"

#include <algorithm>
#include <type_traits>
#include <vector>

#include "config/label_syntax.hpp"
#include "config/name_validation.hpp"
#include "config/quantity.hpp"

namespace troupe::config {

namespace core = troupe::core::v1;

namespace {

const char* const port_range = "must be between 1 and 65535, inclusive";

void append(field_errors& out, field_errors more) { out.insert(out.end(), more.begin(), more.end()); }

bool valid_port(int64_t p) { return p >= 1 && p <= 65535; }

bool is_standard_container_resource(const std::string& name) {
  return name == "cpu" || name == "memory" || name == "ephemeral-storage" || name.rfind("hugepages-", 0) == 0;
}

std::vector<std::pair<std::string, std::string>> sorted(
    const google::protobuf::Map<std::string, troupe::meta::Quantity>& m) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : m) out.emplace_back(k, v.string());
  std::sort(out.begin(), out.end());
  return out;
}

field_errors validate_resource_name(const std::string& name, const field_path& path) {
  field_errors out;
  for (auto& p : label_key_problems(name)) out.push_back(field_error::invalid(path, quote(name), p));
  if (out.empty() && name.find('/') == std::string::npos && !is_standard_container_resource(name))
    out.push_back(field_error::invalid(path, quote(name), "must be a standard resource for containers"));
  return out;
}

// A env var name: C identifiers plus '-' and '.', not starting with a digit.
bool is_env_var_name(const std::string& s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
}

field_errors validate_env(const core::Container& c, const field_path& path) {
  field_errors out;
  for (int i = 0; i < c.env_size(); ++i) {
    const auto& e = c.env(i);
    auto p = path.index(i);
    if (e.name().empty()) {
      out.push_back(field_error::required(p.child("name")));
    } else if (!is_env_var_name(e.name())) {
      out.push_back(field_error::invalid(
          p.child("name"), quote(e.name()),
          "a valid environment variable name must consist of alphabetic characters, digits, '_', "
          "'-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or "
          "'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"));
    }
    if (!e.has_valuefrom()) continue;
    const auto& from = e.valuefrom();
    int sources = from.has_fieldref() + from.has_resourcefieldref() + from.has_configmapkeyref() + from.has_secretkeyref();
    if (!e.value().empty() && sources != 0)
      out.push_back(field_error::invalid(p.child("valueFrom"), "\"\"", "may not be specified when `value` is not empty"));
    if (sources == 0)
      out.push_back(field_error::invalid(p.child("valueFrom"), "\"\"", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
    else if (sources > 1)
      out.push_back(field_error::invalid(p.child("valueFrom"), "\"\"", "may not have more than one field specified at a time"));
    if (from.has_fieldref() && from.fieldref().fieldpath().empty())
      out.push_back(field_error::required(p.child("valueFrom").child("fieldRef").child("fieldPath")));
    if (from.has_configmapkeyref() && from.configmapkeyref().key().empty())
      out.push_back(field_error::required(p.child("valueFrom").child("configMapKeyRef").child("key")));
    if (from.has_secretkeyref() && from.secretkeyref().key().empty())
      out.push_back(field_error::required(p.child("valueFrom").child("secretKeyRef").child("key")));
  }
  return out;
}

field_errors validate_http_get(const core::HTTPGetAction& h, const field_path& path) {
  field_errors out;
  if (h.path().empty()) out.push_back(field_error::required(path.child("path")));
  append(out, validate_port_num_or_name(h.port(), path.child("port")));
  return out;
}

// Exactly one handler: the first is checked, every further one is forbidden.
template <class Handler>
field_errors validate_handler(const Handler& h, const field_path& path) {
  field_errors out;
  int n = 0;
  auto one = [&](bool present, const char* name, auto check) {
    if (!present) return;
    if (n++ > 0) out.push_back(field_error::forbidden(path.child(name), "may not specify more than 1 handler type"));
    else append(out, check());
  };
  one(h.has_exec(), "exec", [&] {
    field_errors e;
    if (h.exec().command().empty()) e.push_back(field_error::required(path.child("exec").child("command")));
    return e;
  });
  one(h.has_httpget(), "httpGet", [&] { return validate_http_get(h.httpget(), path.child("httpGet")); });
  one(h.has_tcpsocket(), "tcpSocket", [&] { return validate_port_num_or_name(h.tcpsocket().port(), path.child("tcpSocket").child("port")); });
  if constexpr (std::is_same_v<Handler, core::ProbeHandler>) {
    one(h.has_grpc(), "grpc", [&] {
      field_errors e;
      if (!valid_port(h.grpc().port()))
        e.push_back(field_error::invalid(path.child("grpc").child("port"), std::to_string(h.grpc().port()), port_range));
      return e;
    });
  } else {
    one(h.has_sleep(), "sleep", [&] {
      field_errors e;
      if (h.sleep().seconds() <= 0)
        e.push_back(field_error::invalid(path.child("sleep").child("seconds"), std::to_string(h.sleep().seconds()), "must be greater than 0"));
      return e;
    });
  }
  if (n == 0) out.push_back(field_error::required(path, "must specify a handler type"));
  return out;
}

enum class probe_kind { liveness, readiness, startup };

field_errors validate_probe(const core::Probe& p, probe_kind kind, const field_path& path) {
  field_errors out = validate_handler(p.handler(), path);
  append(out, validate_nonnegative(p.initialdelayseconds(), path.child("initialDelaySeconds")));
  append(out, validate_nonnegative(p.timeoutseconds(), path.child("timeoutSeconds")));
  append(out, validate_nonnegative(p.periodseconds(), path.child("periodSeconds")));
  append(out, validate_nonnegative(p.successthreshold(), path.child("successThreshold")));
  append(out, validate_nonnegative(p.failurethreshold(), path.child("failureThreshold")));
  if (p.has_terminationgraceperiodseconds() && p.terminationgraceperiodseconds() <= 0)
    out.push_back(field_error::invalid(path.child("terminationGracePeriodSeconds"),
                                       std::to_string(p.terminationgraceperiodseconds()), "must be greater than 0"));
  // Only readiness may ask for several successes: a live container is live after one.
  if (kind != probe_kind::readiness && p.successthreshold() != 1)
    out.push_back(field_error::invalid(path.child("successThreshold"), std::to_string(p.successthreshold()), "must be 1"));
  if (kind == probe_kind::readiness && p.has_terminationgraceperiodseconds())
    out.push_back(field_error::invalid(path.child("terminationGracePeriodSeconds"),
                                       std::to_string(p.terminationgraceperiodseconds()), "must not be set for readinessProbes"));
  return out;
}

struct container_context {
  bool init = false;
  bool host_network = false;
  const std::set<std::string>* volumes = nullptr;
};

field_errors validate_ports(const core::Container& c, const field_path& path, bool host_network) {
  field_errors out;
  std::set<std::string> names;
  for (int i = 0; i < c.ports_size(); ++i) {
    const auto& port = c.ports(i);
    auto p = path.index(i);
    if (!port.name().empty()) {
      for (auto& m : port_name_problems(port.name()))
        out.push_back(field_error::invalid(p.child("name"), quote(port.name()), m));
      if (!names.insert(port.name()).second) out.push_back(field_error::duplicate(p.child("name"), quote(port.name())));
    }
    if (port.containerport() == 0)
      out.push_back(field_error::required(p.child("containerPort")));
    else if (!valid_port(port.containerport()))
      out.push_back(field_error::invalid(p.child("containerPort"), std::to_string(port.containerport()), port_range));
    if (port.hostport() != 0 && !valid_port(port.hostport()))
      out.push_back(field_error::invalid(p.child("hostPort"), std::to_string(port.hostport()), port_range));
    if (host_network && port.hostport() != port.containerport())
      out.push_back(field_error::invalid(p.child("hostPort"), std::to_string(port.hostport()),
                                         "must match `containerPort` when `hostNetwork` is true"));
  }
  return out;
}

field_errors validate_volume_mounts(const core::Container& c, const field_path& path,
                                    const std::set<std::string>& volumes) {
  field_errors out;
  std::set<std::string> paths;
  for (int i = 0; i < c.volumemounts_size(); ++i) {
    const auto& m = c.volumemounts(i);
    auto p = path.index(i);
    if (m.name().empty()) out.push_back(field_error::required(p.child("name")));
    else if (!volumes.count(m.name()))
      out.push_back(field_error::not_found(p.child("name"), quote(m.name())));
    if (m.mountpath().empty()) out.push_back(field_error::required(p.child("mountPath")));
    else if (!paths.insert(m.mountpath()).second)
      out.push_back(field_error::invalid(p.child("mountPath"), quote(m.mountpath()), "must be unique"));
    if (!m.subpath().empty() && !m.subpathexpr().empty())
      out.push_back(field_error::invalid(p.child("subPathExpr"), quote(m.subpathexpr()), "subPathExpr and subPath are mutually exclusive"));
  }
  return out;
}

field_errors validate_container(const core::Container& c, const field_path& path, const container_context& ctx) {
  field_errors out;
  if (c.name().empty()) out.push_back(field_error::required(path.child("name")));
  else append(out, validate_name(name_rule::dns1123_label, c.name(), path.child("name")));
  if (c.image().empty()) out.push_back(field_error::required(path.child("image")));
  append(out, validate_ports(c, path.child("ports"), ctx.host_network));
  append(out, validate_env(c, path.child("env")));
  append(out, validate_volume_mounts(c, path.child("volumeMounts"), *ctx.volumes));
  if (c.has_resources()) append(out, validate_resource_requirements(c.resources(), path.child("resources")));
  if (c.terminationmessagepath().empty()) out.push_back(field_error::required(path.child("terminationMessagePath")));

  const bool sidecar = ctx.init && c.has_restartpolicy() && c.restartpolicy() == "Always";
  if (c.has_restartpolicy()) {
    if (!ctx.init)
      out.push_back(field_error::forbidden(path.child("restartPolicy"), "may not be set for non-init containers"));
    else if (c.restartpolicy() != "Always")
      out.push_back(field_error::not_supported(path.child("restartPolicy"), quote(c.restartpolicy()), {"Always"}));
  }
  // Init containers run to completion, so probes and hooks are for sidecars only.
  const char* init_only = "may not be set for init containers without restartPolicy=Always";
  auto probe = [&](bool has, const core::Probe& p, probe_kind kind, const char* name) {
    if (!has) return;
    if (ctx.init && !sidecar) out.push_back(field_error::forbidden(path.child(name), init_only));
    else append(out, validate_probe(p, kind, path.child(name)));
  };
  probe(c.has_livenessprobe(), c.livenessprobe(), probe_kind::liveness, "livenessProbe");
  probe(c.has_readinessprobe(), c.readinessprobe(), probe_kind::readiness, "readinessProbe");
  probe(c.has_startupprobe(), c.startupprobe(), probe_kind::startup, "startupProbe");
  if (ctx.init && !sidecar && c.has_lifecycle())
    out.push_back(field_error::forbidden(path.child("lifecycle"), init_only));
  else if (c.has_lifecycle()) {
    if (c.lifecycle().has_poststart())
      append(out, validate_handler(c.lifecycle().poststart(), path.child("lifecycle").child("postStart")));
    if (c.lifecycle().has_prestop())
      append(out, validate_handler(c.lifecycle().prestop(), path.child("lifecycle").child("preStop")));
  }
  return out;
}

} // namespace

field_errors validate_nonnegative(int64_t value, const field_path& path) {
  if (value >= 0) return {};
  return {field_error::invalid(path, std::to_string(value), "must be greater than or equal to 0")};
}

field_errors validate_port_num_or_name(const troupe::meta::IntOrString& port, const field_path& path) {
  field_errors out;
  if (port.type() == 1) {
    if (port.strval().empty()) {
      out.push_back(field_error::invalid(path, "0", port_range));  // upstream reads an empty name as 0
    } else {
      for (auto& m : port_name_problems(port.strval())) out.push_back(field_error::invalid(path, quote(port.strval()), m));
    }
  } else if (!valid_port(port.intval())) {
    out.push_back(field_error::invalid(path, std::to_string(port.intval()), port_range));
  }
  return out;
}

field_errors validate_nonnegative_quantity(const std::string& text, const field_path& path) {
  auto q = parse_quantity_or_error(text);
  if (!q) return {field_error::invalid(path, quote(text), q.error)};
  if (q.value->sign() < 0) return {field_error::invalid(path, quote(q.value->to_string()), "must be greater than or equal to 0")};
  return {};
}

field_errors validate_resource_requirements(const core::ResourceRequirements& r, const field_path& path) {
  field_errors out;
  auto limits_path = path.child("limits");
  auto requests_path = path.child("requests");
  for (const auto& [name, text] : sorted(r.limits())) {
    append(out, validate_resource_name(name, limits_path.key(name)));
    append(out, validate_nonnegative_quantity(text, limits_path.key(name)));
  }
  for (const auto& [name, text] : sorted(r.requests())) {
    auto p = requests_path.key(name);
    append(out, validate_resource_name(name, p));
    auto errs = validate_nonnegative_quantity(text, p);
    if (!errs.empty()) {
      append(out, std::move(errs));
      continue;
    }
    auto limit = r.limits().find(name);
    if (limit == r.limits().end()) continue;
    auto req = parse_quantity(text);
    auto lim = parse_quantity(limit->second.string());
    if (req && lim && *req > *lim)
      out.push_back(field_error::invalid(p, quote(req->to_string()),
                                         "must be less than or equal to " + name + " limit of " + lim->to_string()));
  }
  return out;
}

field_errors validate_containers(const core::PodSpec& spec, const field_path& spec_path,
                                 const std::set<std::string>& volumes) {
  field_errors out;
  std::set<std::string> names;
  auto check_list = [&](const google::protobuf::RepeatedPtrField<core::Container>& list, const char* field, bool init) {
    container_context ctx{init, spec.hostnetwork(), &volumes};
    for (int i = 0; i < list.size(); ++i) {
      auto p = spec_path.child(field).index(i);
      append(out, validate_container(list[i], p, ctx));
      if (!list[i].name().empty() && !names.insert(list[i].name()).second)
        out.push_back(field_error::duplicate(p.child("name"), quote(list[i].name())));
    }
  };
  check_list(spec.initcontainers(), "initContainers", true);
  if (spec.containers().empty()) out.push_back(field_error::required(spec_path.child("containers")));
  check_list(spec.containers(), "containers", false);
  // Host ports are per node: two containers of a pod cannot both take one.
  std::set<std::string> host_ports;
  for (int i = 0; i < spec.containers_size(); ++i)
    for (int j = 0; j < spec.containers(i).ports_size(); ++j) {
      const auto& port = spec.containers(i).ports(j);
      if (port.hostport() == 0) continue;
      std::string key = std::to_string(port.hostport()) + "/" + port.protocol();
      if (!host_ports.insert(key).second)
        out.push_back(field_error::duplicate(
            spec_path.child("containers").index(i).child("ports").index(j).child("hostPort"), quote(key)));
    }
  return out;
}

} // namespace troupe::config
