#include "config/core_object_validation.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "config/container_validation.hpp"
#include "config/label_syntax.hpp"
#include "config/name_validation.hpp"
#include "config/pod_validation.hpp"
#include "config/validation_values.hpp"

namespace troupe::config {

namespace core = troupe::core::v1;

namespace {

void append(field_errors& out, field_errors more) { out.insert(out.end(), more.begin(), more.end()); }

const field_path metadata_path("metadata");
constexpr size_t max_data_size = 1024 * 1024;  // MaxSecretSize, also the ConfigMap limit
constexpr int32_t node_port_min = 30000;
constexpr int32_t node_port_max = 32767;

field_errors validate_service_ports(const core::ServiceSpec& spec, const field_path& path) {
  field_errors out;
  const bool headless = spec.clusterip() == "None";
  if (spec.ports().empty() && !headless && spec.type() != "ExternalName") out.push_back(field_error::required(path));
  std::set<std::string> names;
  std::set<std::pair<std::string, int32_t>> keys;
  std::set<int32_t> node_ports;
  for (int i = 0; i < spec.ports_size(); ++i) {
    const auto& port = spec.ports(i);
    auto p = path.index(i);
    if (spec.ports_size() > 1 && port.name().empty()) {
      out.push_back(field_error::required(p.child("name")));
    } else if (!port.name().empty()) {
      append(out, validate_name(name_rule::dns1123_label, port.name(), p.child("name")));
      if (!names.insert(port.name()).second) out.push_back(field_error::duplicate(p.child("name"), quote(port.name())));
    }
    if (port.port() < 1 || port.port() > 65535)
      out.push_back(field_error::invalid(p.child("port"), std::to_string(port.port()), "must be between 1 and 65535, inclusive"));
    if (port.has_targetport()) append(out, validate_port_num_or_name(port.targetport(), p.child("targetPort")));
    if (!keys.insert({port.protocol(), port.port()}).second)
      out.push_back(field_error::duplicate(p, go_service_port_key(port.protocol(), port.port())));
    if (port.nodeport() == 0) continue;
    auto np = p.child("nodePort");
    if (spec.type() == "ClusterIP")
      out.push_back(field_error::forbidden(np, "may not be used when `type` is 'ClusterIP'"));
    else if (port.nodeport() < node_port_min || port.nodeport() > node_port_max)
      out.push_back(field_error::invalid(np, std::to_string(port.nodeport()),
                                         "provided port is not in the valid range. The range of valid ports is 30000-32767"));
    if (!node_ports.insert(port.nodeport()).second) out.push_back(field_error::duplicate(np, std::to_string(port.nodeport())));
  }
  return out;
}

std::vector<std::pair<std::string, size_t>> sorted_keys(const std::vector<std::pair<std::string, size_t>>& in) {
  auto out = in;
  std::sort(out.begin(), out.end());
  return out;
}

// Keys of data/binaryData (ConfigMap) or data/stringData (Secret): their syntax, and no key twice.
field_errors validate_data_keys(const std::vector<std::pair<std::string, size_t>>& keys, const field_path& data_path,
                                size_t& total) {
  field_errors out;
  for (const auto& [key, size] : sorted_keys(keys)) {
    for (auto& m : config_key_problems(key)) out.push_back(field_error::invalid(data_path.key(key), quote(key), m));
    total += size;
  }
  return out;
}

} // namespace

std::vector<std::string> config_key_problems(std::string_view key) {
  std::vector<std::string> out;
  if (key.size() > 253) out.push_back("must be no more than 253 bytes");
  const bool charset = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
  if (!charset)
    out.push_back("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
                  "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  if (key == ".") out.push_back("must not be '.'");
  else if (key == "..") out.push_back("must not be '..'");
  else if (key.rfind("..", 0) == 0) out.push_back("must not start with '..'");
  return out;
}

field_errors validate_service(const core::Service& svc) {
  const auto& spec = svc.spec();
  const field_path spec_path("spec");
  field_errors out = validate_object_meta(svc.metadata(), name_rule::dns1035_label, metadata_path);
  append(out, validate_service_ports(spec, spec_path.child("ports")));
  append(out, validate_labels(spec.selector(), spec_path.child("selector")));
  if (spec.type() == "ExternalName") {
    std::string name = spec.externalname();
    if (!name.empty() && name.back() == '.') name.pop_back();  // a fully qualified name may end in '.'
    if (name.empty()) out.push_back(field_error::required(spec_path.child("externalName")));
    else append(out, validate_name(name_rule::dns1123_subdomain, name, spec_path.child("externalName")));
  }
  if (spec.sessionaffinity() == "ClientIP" && spec.sessionaffinityconfig().clientip().has_timeoutseconds()) {
    int32_t t = spec.sessionaffinityconfig().clientip().timeoutseconds();
    if (t <= 0 || t > 86400)
      out.push_back(field_error::invalid(spec_path.child("sessionAffinityConfig").child("clientIP").child("timeoutSeconds"),
                                         std::to_string(t), "must be greater than 0 and less than 86400"));
  }
  return out;
}

field_errors validate_namespace(const core::Namespace& ns) {
  field_errors out = validate_object_meta(ns.metadata(), name_rule::dns1123_label, metadata_path);
  auto path = field_path("spec").child("finalizers");
  for (const auto& f : ns.spec().finalizers()) {
    if (f.find('/') == std::string::npos && f != "kubernetes" && f != "orphan" && f != "foregroundDeletion")
      out.push_back(field_error::invalid(path, quote(f), "name is neither a standard finalizer name nor is it fully qualified"));
    else
      for (auto& m : label_key_problems(f)) out.push_back(field_error::invalid(path, quote(f), m));
  }
  return out;
}

field_errors validate_node(const core::Node& node) {
  field_errors out = validate_object_meta(node.metadata(), name_rule::dns1123_subdomain, metadata_path);
  std::set<std::pair<std::string, std::string>> seen;
  for (int i = 0; i < node.spec().taints_size(); ++i) {
    const auto& t = node.spec().taints(i);
    auto p = field_path("spec").child("taints").index(i);
    append(out, validate_label_key(t.key(), p.child("key")));
    auto problems = label_value_problems(t.value());
    if (!problems.empty()) {
      std::string joined;
      for (const auto& m : problems) joined += (joined.empty() ? "" : ";") + m;
      out.push_back(field_error::invalid(p.child("value"), quote(t.value()), joined));
    }
    if (t.effect().empty()) out.push_back(field_error::required(p.child("effect")));
    if (!seen.insert({t.effect(), t.key()}).second) {
      auto e = field_error::duplicate(p, "core.Taint{Key:" + quote(t.key()) + ", Value:" + quote(t.value()) +
                                             ", Effect:" + quote(t.effect()) + ", TimeAdded:(*v1.Time)(nil)}");
      e.detail = "taints must be unique by key and effect pair";
      out.push_back(e);
    }
  }
  auto quantities = [&](const google::protobuf::Map<std::string, troupe::meta::Quantity>& m, const char* field) {
    std::map<std::string, std::string> sorted;
    for (const auto& [k, v] : m) sorted[k] = v.string();
    for (const auto& [k, v] : sorted)
      append(out, validate_nonnegative_quantity(v, field_path("status").child(field).child(k)));
  };
  quantities(node.status().capacity(), "capacity");
  quantities(node.status().allocatable(), "allocatable");
  return out;
}

field_errors validate_event(const core::Event& event) {
  field_errors out = validate_object_meta(event.metadata(), name_rule::dns1123_subdomain, metadata_path);
  const auto& ns = event.metadata().namespace_();
  const auto& involved = event.involvedobject().namespace_();
  // Only when the event's namespace is known (the server fills it from the request).
  bool mismatch = involved.empty() ? (!ns.empty() && ns != "default") : (!ns.empty() && ns != involved);
  if (mismatch)
    out.push_back(field_error::invalid(field_path("involvedObject").child("namespace"), quote(involved), "does not match event.namespace"));
  return out;
}

field_errors validate_config_map(const core::ConfigMap& cm) {
  field_errors out = validate_object_meta(cm.metadata(), name_rule::dns1123_subdomain, metadata_path);
  size_t total = 0;
  std::vector<std::pair<std::string, size_t>> data, binary;
  for (const auto& [k, v] : cm.data()) data.emplace_back(k, k.size() + v.size());
  for (const auto& [k, v] : cm.binarydata()) binary.emplace_back(k, k.size() + v.size());
  append(out, validate_data_keys(data, field_path("data"), total));
  append(out, validate_data_keys(binary, field_path("binaryData"), total));
  for (const auto& [k, size] : sorted_keys(binary)) {
    (void)size;
    if (cm.data().count(k))
      out.push_back(field_error::invalid(field_path("binaryData").key(k), quote(k), "duplicate of key present in data"));
  }
  if (total > max_data_size) out.push_back(field_error::too_long(field_path(), max_data_size));
  return out;
}

field_errors validate_secret(const core::Secret& secret) {
  field_errors out = validate_object_meta(secret.metadata(), name_rule::dns1123_subdomain, metadata_path);
  const field_path data_path("data");
  // stringData is merged into data before validation (it wins on conflicts).
  std::map<std::string, size_t> merged;
  for (const auto& [k, v] : secret.data()) merged[k] = k.size() + v.size();
  for (const auto& [k, v] : secret.stringdata()) merged[k] = k.size() + v.size();
  size_t total = 0;
  append(out, validate_data_keys({merged.begin(), merged.end()}, data_path, total));
  if (total > max_data_size) out.push_back(field_error::too_long(data_path, max_data_size));
  auto require = [&](const char* key) {
    if (!merged.count(key)) out.push_back(field_error::required(data_path.key(key)));
  };
  const auto& type = secret.type();
  if (type == "kubernetes.io/service-account-token") {
    if (!secret.metadata().annotations().count("kubernetes.io/service-account.name"))
      out.push_back(field_error::required(metadata_path.child("annotations").key("kubernetes.io/service-account.name")));
  } else if (type == "kubernetes.io/dockercfg") {
    require(".dockercfg");
  } else if (type == "kubernetes.io/dockerconfigjson") {
    require(".dockerconfigjson");
  } else if (type == "kubernetes.io/basic-auth") {
    if (!merged.count("username") && !merged.count("password")) {
      require("username");
      require("password");
    }
  } else if (type == "kubernetes.io/ssh-auth") {
    require("ssh-privatekey");
  } else if (type == "kubernetes.io/tls") {
    require("tls.key");
    require("tls.crt");
  } else if (type != "Opaque" && !type.empty()) {
    for (auto& m : label_key_problems(type)) out.push_back(field_error::invalid(field_path("type"), quote(type), m));
  }
  return out;
}

field_errors validate_endpoints(const core::Endpoints& ep) {
  field_errors out = validate_object_meta(ep.metadata(), name_rule::dns1123_subdomain, metadata_path);
  for (int i = 0; i < ep.subsets_size(); ++i) {
    const auto& s = ep.subsets(i);
    auto p = field_path("subsets").index(i);
    auto addresses = [&](const google::protobuf::RepeatedPtrField<core::EndpointAddress>& list, const char* field) {
      for (int j = 0; j < list.size(); ++j)
        if (list[j].ip().empty()) out.push_back(field_error::required(p.child(field).index(j).child("ip")));
    };
    addresses(s.addresses(), "addresses");
    addresses(s.notreadyaddresses(), "notReadyAddresses");
    for (int j = 0; j < s.ports_size(); ++j) {
      const auto& port = s.ports(j);
      auto pp = p.child("ports").index(j);
      if (s.ports_size() > 1 && port.name().empty()) out.push_back(field_error::required(pp.child("name")));
      if (port.port() < 1 || port.port() > 65535)
        out.push_back(field_error::invalid(pp.child("port"), std::to_string(port.port()), "must be between 1 and 65535, inclusive"));
    }
  }
  return out;
}

field_errors validate_pod_template(const core::PodTemplate& t) {
  field_errors out = validate_object_meta(t.metadata(), name_rule::dns1123_subdomain, metadata_path);
  append(out, validate_pod_template_spec(t.template_(), field_path("template")));
  return out;
}

field_errors validate_binding(const core::Binding& b) {
  field_errors out;
  const auto& kind = b.target().kind();
  if (!kind.empty() && kind != "Node")
    out.push_back(field_error::not_supported(field_path("target").child("kind"), quote(kind), {"Node", "<empty>"}));
  if (b.target().name().empty()) out.push_back(field_error::required(field_path("target").child("name")));
  return out;
}

} // namespace troupe::config
