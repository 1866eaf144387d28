#include "node-agent/runtime/cri_conversion.hpp"

namespace troupe::node_agent::runtime::cri {

namespace {

void copy_map(const string_map& in, google::protobuf::Map<std::string, std::string>* out) {
  for (const auto& [k, v] : in) (*out)[k] = v;
}

string_map to_map(const google::protobuf::Map<std::string, std::string>& in) {
  return string_map(in.begin(), in.end());
}

template <class Repeated>
std::vector<std::string> to_vector(const Repeated& in) {
  return std::vector<std::string>(in.begin(), in.end());
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

runtime::status from_grpc(const grpc::Status& s) {
  if (s.ok()) return runtime::status::ok();
  return runtime::status(static_cast<runtime::status::code>(s.error_code()), s.error_message());
}

runtime::status classify_pull_error(runtime::status s) {
  if (s.is(runtime::status::code::unknown) && ends_with(s.message(), ": not found"))
    return runtime::status::not_found(s.message());
  return s;
}

v1::NamespaceMode to_proto(namespace_mode m) {
  switch (m) {
    case namespace_mode::pod: return v1::POD;
    case namespace_mode::container: return v1::CONTAINER;
    case namespace_mode::node: return v1::NODE;
  }
  return v1::POD;
}

namespace_mode from_proto(v1::NamespaceMode m) {
  switch (m) {
    case v1::CONTAINER: return namespace_mode::container;
    case v1::NODE: return namespace_mode::node;
    default: return namespace_mode::pod;
  }
}

v1::PodSandboxState to_proto(sandbox_state s) {
  return s == sandbox_state::ready ? v1::SANDBOX_READY : v1::SANDBOX_NOTREADY;
}

sandbox_state from_proto(v1::PodSandboxState s) {
  return s == v1::SANDBOX_READY ? sandbox_state::ready : sandbox_state::not_ready;
}

v1::ContainerState to_proto(container_state s) {
  switch (s) {
    case container_state::created: return v1::CONTAINER_CREATED;
    case container_state::running: return v1::CONTAINER_RUNNING;
    case container_state::exited: return v1::CONTAINER_EXITED;
    case container_state::unknown: return v1::CONTAINER_UNKNOWN;
  }
  return v1::CONTAINER_UNKNOWN;
}

container_state from_proto(v1::ContainerState s) {
  switch (s) {
    case v1::CONTAINER_CREATED: return container_state::created;
    case v1::CONTAINER_RUNNING: return container_state::running;
    case v1::CONTAINER_EXITED: return container_state::exited;
    default: return container_state::unknown;
  }
}

void to_proto(const linux_resources& in, v1::LinuxContainerResources* out) {
  out->set_cpu_period(in.cpu_period);
  out->set_cpu_quota(in.cpu_quota);
  out->set_cpu_shares(in.cpu_shares);
  out->set_memory_limit_in_bytes(in.memory_limit_in_bytes);
  out->set_oom_score_adj(in.oom_score_adj);
}

linux_resources from_proto(const v1::LinuxContainerResources& in) {
  linux_resources r;
  r.cpu_period = in.cpu_period();
  r.cpu_quota = in.cpu_quota();
  r.cpu_shares = in.cpu_shares();
  r.memory_limit_in_bytes = in.memory_limit_in_bytes();
  r.oom_score_adj = in.oom_score_adj();
  return r;
}

void to_proto(const sandbox_config& in, v1::PodSandboxConfig* out) {
  auto* md = out->mutable_metadata();
  md->set_name(in.name);
  md->set_uid(in.uid);
  md->set_namespace_(in.namespace_);
  md->set_attempt(in.attempt);
  out->set_hostname(in.hostname);
  out->set_log_directory(in.log_directory);
  auto* dns = out->mutable_dns_config();
  for (const auto& s : in.dns_servers) dns->add_servers(s);
  for (const auto& s : in.dns_searches) dns->add_searches(s);
  for (const auto& s : in.dns_options) dns->add_options(s);
  for (const auto& p : in.port_mappings) {
    auto* pm = out->add_port_mappings();
    pm->set_protocol(p.protocol == port_protocol::udp    ? v1::UDP
                     : p.protocol == port_protocol::sctp ? v1::SCTP
                                                         : v1::TCP);
    pm->set_container_port(p.container_port);
    pm->set_host_port(p.host_port);
    pm->set_host_ip(p.host_ip);
  }
  copy_map(in.labels, out->mutable_labels());
  copy_map(in.annotations, out->mutable_annotations());
  auto* lx = out->mutable_linux();
  lx->set_cgroup_parent(in.cgroup_parent);
  copy_map(in.sysctls, lx->mutable_sysctls());
  auto* sc = lx->mutable_security_context();
  auto* ns = sc->mutable_namespace_options();
  ns->set_network(to_proto(in.network));
  ns->set_pid(to_proto(in.pid));
  ns->set_ipc(to_proto(in.ipc));
  sc->set_privileged(in.privileged);
  if (in.run_as_user) sc->mutable_run_as_user()->set_value(*in.run_as_user);
  if (in.seccomp == seccomp_profile::runtime_default) sc->mutable_seccomp();
}

void to_proto(const container_config& in, v1::ContainerConfig* out) {
  out->mutable_metadata()->set_name(in.name);
  out->mutable_metadata()->set_attempt(in.attempt);
  out->mutable_image()->set_image(in.image);
  for (const auto& c : in.command) out->add_command(c);
  for (const auto& a : in.args) out->add_args(a);
  out->set_working_dir(in.working_dir);
  for (const auto& e : in.envs) {
    auto* kv = out->add_envs();
    kv->set_key(e.name);
    kv->set_value(e.value);
  }
  for (const auto& m : in.mounts) {
    auto* pm = out->add_mounts();
    pm->set_container_path(m.container_path);
    pm->set_host_path(m.host_path);
    pm->set_readonly(m.readonly);
  }
  copy_map(in.labels, out->mutable_labels());
  copy_map(in.annotations, out->mutable_annotations());
  out->set_log_path(in.log_path);
  out->set_tty(in.tty);
  out->set_stdin(in.stdin_open);
  auto* lx = out->mutable_linux();
  if (in.resources) to_proto(*in.resources, lx->mutable_resources());
  auto* sc = lx->mutable_security_context();
  sc->set_privileged(in.privileged);
  if (in.run_as_user) sc->mutable_run_as_user()->set_value(*in.run_as_user);
  sc->set_readonly_rootfs(in.readonly_rootfs);
  if (!in.add_capabilities.empty() || !in.drop_capabilities.empty()) {
    auto* caps = sc->mutable_capabilities();
    for (const auto& c : in.add_capabilities) caps->add_add_capabilities(c);
    for (const auto& c : in.drop_capabilities) caps->add_drop_capabilities(c);
  }
  if (in.seccomp == seccomp_profile::runtime_default) sc->mutable_seccomp();
}

void to_proto(const sandbox_filter& in, v1::PodSandboxFilter* out) {
  out->set_id(in.id);
  if (in.state) out->mutable_state()->set_state(to_proto(*in.state));
  copy_map(in.label_selector, out->mutable_label_selector());
}

void to_proto(const container_filter& in, v1::ContainerFilter* out) {
  out->set_id(in.id);
  out->set_pod_sandbox_id(in.sandbox_id);
  if (in.state) out->mutable_state()->set_state(to_proto(*in.state));
  copy_map(in.label_selector, out->mutable_label_selector());
}

void to_proto(const container_filter& in, v1::ContainerStatsFilter* out) {
  out->set_id(in.id);
  out->set_pod_sandbox_id(in.sandbox_id);
  copy_map(in.label_selector, out->mutable_label_selector());
}

version_info from_proto(const v1::VersionResponse& in) {
  return {in.version(), in.runtime_name(), in.runtime_version(), in.runtime_api_version()};
}

sandbox_info from_proto(const v1::PodSandbox& in) {
  sandbox_info s;
  s.id = in.id();
  s.name = in.metadata().name();
  s.uid = in.metadata().uid();
  s.namespace_ = in.metadata().namespace_();
  s.attempt = in.metadata().attempt();
  s.state = from_proto(in.state());
  s.created_at = in.created_at();
  s.labels = to_map(in.labels());
  s.annotations = to_map(in.annotations());
  return s;
}

sandbox_info from_proto(const v1::PodSandboxStatus& in) {
  sandbox_info s;
  s.id = in.id();
  s.name = in.metadata().name();
  s.uid = in.metadata().uid();
  s.namespace_ = in.metadata().namespace_();
  s.attempt = in.metadata().attempt();
  s.state = from_proto(in.state());
  s.created_at = in.created_at();
  s.labels = to_map(in.labels());
  s.annotations = to_map(in.annotations());
  s.ip = in.network().ip();
  for (const auto& ip : in.network().additional_ips()) s.additional_ips.push_back(ip.ip());
  return s;
}

container_info from_proto(const v1::Container& in) {
  container_info c;
  c.id = in.id();
  c.sandbox_id = in.pod_sandbox_id();
  c.name = in.metadata().name();
  c.attempt = in.metadata().attempt();
  c.image = in.image().image();
  c.image_ref = in.image_ref();
  c.state = from_proto(in.state());
  c.created_at = in.created_at();
  c.labels = to_map(in.labels());
  c.annotations = to_map(in.annotations());
  return c;
}

runtime::container_status from_proto(const v1::ContainerStatus& in) {
  runtime::container_status c;
  c.id = in.id();
  c.name = in.metadata().name();
  c.attempt = in.metadata().attempt();
  c.image = in.image().image();
  c.image_ref = in.image_ref();
  c.state = from_proto(in.state());
  c.created_at = in.created_at();
  c.labels = to_map(in.labels());
  c.annotations = to_map(in.annotations());
  c.started_at = in.started_at();
  c.finished_at = in.finished_at();
  c.exit_code = in.exit_code();
  c.reason = in.reason();
  c.message = in.message();
  c.log_path = in.log_path();
  if (in.has_resources() && in.resources().has_linux())
    c.resources = from_proto(in.resources().linux());
  return c;
}

image_info from_proto(const v1::Image& in) {
  return {in.id(), to_vector(in.repo_tags()), to_vector(in.repo_digests()), in.size()};
}

runtime::container_stats from_proto(const v1::ContainerStats& in) {
  runtime::container_stats s;
  s.id = in.attributes().id();
  s.name = in.attributes().metadata().name();
  s.labels = to_map(in.attributes().labels());
  s.cpu_timestamp = in.cpu().timestamp();
  s.cpu_usage_core_nano_seconds = in.cpu().usage_core_nano_seconds().value();
  s.memory_working_set_bytes = in.memory().working_set_bytes().value();
  s.memory_usage_bytes = in.memory().usage_bytes().value();
  s.writable_layer_bytes = in.writable_layer().used_bytes().value();
  return s;
}

} // namespace troupe::node_agent::runtime::cri
