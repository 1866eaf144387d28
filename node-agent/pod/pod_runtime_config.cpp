#include "node-agent/pod/pod_runtime_config.hpp"

#include <cstdio>
#include <map>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include "node-agent/pod/var_expansion.hpp"
#include "node-agent/runtime/runtime_labels.hpp"

namespace troupe::node_agent::pod {

namespace v1 = troupe::core::v1;
namespace labels = runtime::labels;

namespace {

constexpr const char* restart_count_annotation = "io.kubernetes.container.restartCount";
constexpr const char* hash_annotation = "io.kubernetes.container.hash";
constexpr const char* termination_path_annotation =
    "io.kubernetes.container.terminationMessagePath";
constexpr const char* termination_policy_annotation =
    "io.kubernetes.container.terminationMessagePolicy";
constexpr const char* grace_annotation = "io.kubernetes.pod.terminationGracePeriod";
constexpr const char* cluster_domain = "cluster.local";

void put_owner_labels(runtime::string_map& m, const v1::Pod& pod, const node_facts& node) {
  m[labels::managed_by] = labels::managed_by_value;
  m[labels::node_name] = node.node_name;
  m[labels::pod_uid] = pod.metadata().uid();
  m[labels::pod_name] = pod.metadata().name();
  m[labels::pod_namespace] = pod.metadata().namespace_();
}

// truncatePodHostnameIfNeeded: at most 63 bytes, no trailing '-' or '.'.
std::string truncate_hostname(std::string h) {
  if (h.size() <= 63)
    return h;
  h.resize(63);
  while (!h.empty() && (h.back() == '-' || h.back() == '.'))
    h.pop_back();
  return h;
}

runtime::port_protocol to_protocol(const std::string& p) {
  if (p == "UDP")
    return runtime::port_protocol::udp;
  if (p == "SCTP")
    return runtime::port_protocol::sctp;
  return runtime::port_protocol::tcp;
}

runtime::seccomp_profile to_seccomp(const v1::SeccompProfile& p) {
  return p.type() == "RuntimeDefault" ? runtime::seccomp_profile::runtime_default
                                      : runtime::seccomp_profile::unconfined;
}

// podFieldSelectorRuntimeValue: the downward API paths the kubelet answers itself.
std::optional<std::string> field_value(const v1::Pod& pod, const std::string& path,
                                       const std::string& pod_ip, const node_facts& node) {
  const auto& m = pod.metadata();
  if (path == "metadata.name")
    return m.name();
  if (path == "metadata.namespace")
    return m.namespace_();
  if (path == "metadata.uid")
    return m.uid();
  if (path == "spec.nodeName")
    return pod.spec().nodename().empty() ? node.node_name : pod.spec().nodename();
  if (path == "spec.serviceAccountName")
    return pod.spec().serviceaccountname();
  if (path == "status.podIP" || path == "status.podIPs")
    return pod_ip;
  if (path == "status.hostIP" || path == "status.hostIPs")
    return node.host_ip;
  // metadata.labels['key'] / metadata.annotations['key']
  auto subscript = [&](const std::string& prefix,
                       const google::protobuf::Map<std::string, std::string>& map)
      -> std::optional<std::string> {
    if (path.compare(0, prefix.size(), prefix) != 0 || path.size() < prefix.size() + 2 ||
        path.compare(path.size() - 2, 2, "']") != 0)
      return std::nullopt;
    auto key = path.substr(prefix.size(), path.size() - prefix.size() - 2);
    auto it = map.find(key);
    return it == map.end() ? std::string() : it->second;
  };
  if (auto v = subscript("metadata.labels['", m.labels()))
    return v;
  if (auto v = subscript("metadata.annotations['", m.annotations()))
    return v;
  return std::nullopt;
}

// makeEnvironmentVariables: in order; a plain value expands $(VAR) against the variables defined
// before it; fieldRef values are taken as they are. configMapKeyRef, secretKeyRef,
// resourceFieldRef and envFrom need objects or numbers the agent does not have here: skipped (the
// variable is left out rather than set wrong).
std::vector<runtime::env_var> make_env(const v1::Pod& pod, const v1::Container& c,
                                       const std::string& pod_ip, const node_facts& node) {
  std::vector<runtime::env_var> out;
  std::map<std::string, size_t> index;
  auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    auto it = index.find(name);
    if (it == index.end())
      return std::nullopt;
    return out[it->second].value;
  };
  for (const auto& e : c.env()) {
    std::optional<std::string> value;
    if (e.has_valuefrom()) {
      if (e.valuefrom().has_fieldref())
        value = field_value(pod, e.valuefrom().fieldref().fieldpath(), pod_ip, node);
    } else {
      value = expand_vars(e.value(), lookup);
    }
    if (!value)
      continue;
    auto it = index.find(e.name());
    if (it != index.end()) {
      out[it->second].value = *value;  // a later definition wins, as in the kubelet's map
    } else {
      index[e.name()] = out.size();
      out.push_back({e.name(), *value});
    }
  }
  return out;
}

// The kubelet hashes the container spec (fnv-32a) to notice a changed spec; the same over the
// deterministic protobuf encoding, as hex.
std::string container_hash(const v1::Container& c) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream raw(&bytes);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.SetSerializationDeterministic(true);
    c.SerializeToCodedStream(&out);
  }
  uint32_t h = 2166136261u;
  for (unsigned char b : bytes) {
    h ^= b;
    h *= 16777619u;
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%x", h);
  return buf;
}

} // namespace

std::string pod_log_directory(const std::string& log_root, const v1::Pod& pod) {
  const auto& m = pod.metadata();
  return log_root + "/" + m.namespace_() + "_" + m.name() + "_" + m.uid();
}

std::string pod_cgroup(const std::string& parent, const std::string& uid) {
  std::string p = parent;
  while (p.size() > 1 && p.back() == '/')
    p.pop_back();
  return (p == "/" ? "" : p) + "/pod" + uid;
}

runtime::sandbox_config make_sandbox_config(const v1::Pod& pod, uint32_t attempt,
                                            const node_facts& node) {
  const auto& spec = pod.spec();
  runtime::sandbox_config s;
  s.name = pod.metadata().name();
  s.uid = pod.metadata().uid();
  s.namespace_ = pod.metadata().namespace_();
  s.attempt = attempt;
  if (!spec.hostnetwork()) {
    // GeneratePodHostNameAndDomain + GetNodenameForKernel: the FQDN only when asked for and a
    // subdomain makes a domain.
    std::string host = truncate_hostname(spec.hostname().empty() ? s.name : spec.hostname());
    if (spec.sethostnameasfqdn() && !spec.subdomain().empty())
      host += "." + spec.subdomain() + "." + s.namespace_ + ".svc." + cluster_domain;
    s.hostname = host;
  }
  s.log_directory = pod_log_directory(node.log_root, pod);
  if (spec.has_dnsconfig()) {
    const auto& d = spec.dnsconfig();
    s.dns_servers.assign(d.nameservers().begin(), d.nameservers().end());
    s.dns_searches.assign(d.searches().begin(), d.searches().end());
    for (const auto& o : d.options())
      s.dns_options.push_back(o.has_value() ? o.name() + ":" + o.value() : o.name());
  }
  // The CNI portmap plugin only maps ports with a hostPort; others are not sent.
  for (const auto& c : spec.containers())
    for (const auto& p : c.ports())
      if (p.hostport() > 0)
        s.port_mappings.push_back(
            {to_protocol(p.protocol()), p.containerport(), p.hostport(), p.hostip()});
  for (const auto& [k, v] : pod.metadata().labels())
    s.labels[k] = v;
  put_owner_labels(s.labels, pod, node);  // after the pod's: a pod label cannot spoof ownership
  for (const auto& [k, v] : pod.metadata().annotations())
    s.annotations[k] = v;
  if (!node.cgroup_parent.empty())
    s.cgroup_parent = pod_cgroup(node.cgroup_parent, s.uid);
  const auto& sc = spec.securitycontext();
  for (const auto& sysctl : sc.sysctls())
    s.sysctls[sysctl.name()] = sysctl.value();
  s.network = spec.hostnetwork() ? runtime::namespace_mode::node : runtime::namespace_mode::pod;
  s.pid = spec.hostpid() ? runtime::namespace_mode::node
          : spec.shareprocessnamespace() ? runtime::namespace_mode::pod
                                         : runtime::namespace_mode::container;
  s.ipc = spec.hostipc() ? runtime::namespace_mode::node : runtime::namespace_mode::pod;
  if (sc.has_runasuser())
    s.run_as_user = sc.runasuser();
  s.seccomp = to_seccomp(sc.seccompprofile());
  for (const auto& c : spec.containers())
    s.privileged = s.privileged || c.securitycontext().privileged();
  for (const auto& c : spec.initcontainers())
    s.privileged = s.privileged || c.securitycontext().privileged();
  return s;
}

runtime::container_config make_container_config(const v1::Pod& pod, const v1::Container& c,
                                                bool init, uint32_t restart_count,
                                                const std::string& pod_ip,
                                                const node_facts& node) {
  runtime::container_config cfg;
  cfg.name = c.name();
  cfg.attempt = restart_count;
  cfg.image = c.image();
  cfg.envs = make_env(pod, c, pod_ip, node);
  auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    for (const auto& e : cfg.envs)
      if (e.name == name)
        return e.value;
    return std::nullopt;
  };
  for (const auto& a : c.command())
    cfg.command.push_back(expand_vars(a, lookup));
  for (const auto& a : c.args())
    cfg.args.push_back(expand_vars(a, lookup));
  cfg.working_dir = c.workingdir();
  cfg.log_path = c.name() + "/" + std::to_string(restart_count) + ".log";
  put_owner_labels(cfg.labels, pod, node);
  cfg.labels[labels::container_name] = c.name();
  cfg.labels[labels::container_kind] = init ? "init" : "app";
  cfg.annotations[restart_count_annotation] = std::to_string(restart_count);
  cfg.annotations[hash_annotation] = container_hash(c);
  cfg.annotations[termination_path_annotation] = c.terminationmessagepath();
  cfg.annotations[termination_policy_annotation] = c.terminationmessagepolicy();
  if (pod.spec().has_terminationgraceperiodseconds())
    cfg.annotations[grace_annotation] =
        std::to_string(pod.spec().terminationgraceperiodseconds());
  cfg.tty = c.tty();
  cfg.stdin_open = c.stdin();
  cfg.resources = container_resources(pod.spec(), c, node);
  const auto& sc = c.securitycontext();
  const auto& psc = pod.spec().securitycontext();
  cfg.privileged = sc.privileged();
  if (sc.has_runasuser())
    cfg.run_as_user = sc.runasuser();
  else if (psc.has_runasuser())
    cfg.run_as_user = psc.runasuser();
  cfg.readonly_rootfs = sc.readonlyrootfilesystem();
  cfg.add_capabilities.assign(sc.capabilities().add().begin(), sc.capabilities().add().end());
  cfg.drop_capabilities.assign(sc.capabilities().drop().begin(), sc.capabilities().drop().end());
  cfg.seccomp = to_seccomp(sc.has_seccompprofile() ? sc.seccompprofile() : psc.seccompprofile());
  return cfg;
}

uint32_t recorded_restart_count(const runtime::string_map& annotations) {
  auto it = annotations.find(restart_count_annotation);
  if (it == annotations.end() || it->second.empty())
    return 0;
  uint64_t n = 0;
  for (char ch : it->second) {
    if (ch < '0' || ch > '9' || n > UINT32_MAX / 10)
      return 0;
    n = n * 10 + static_cast<uint64_t>(ch - '0');
  }
  return n > UINT32_MAX ? 0 : static_cast<uint32_t>(n);
}

} // namespace troupe::node_agent::pod
