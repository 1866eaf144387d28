#include "node-agent/agent/node_info.hpp"

#include <fstream>
#include <sstream>
#include <sys/utsname.h>
#include <unistd.h>

#include "config/label_syntax.hpp"

namespace troupe::node_agent {

namespace {

namespace v1 = troupe::core::v1;

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string first_line(const std::string& text) {
  auto end = text.find('\n');
  return text.substr(0, end);
}

std::string kubelet_version = "v1.32.0";

// The runtime as the kubelet names it: "containerd://1.6.20~ds1".
std::string runtime_version_text(const runtime::version_info& v) {
  if (v.runtime_name.empty())
    return {};
  return v.runtime_name + "://" + v.runtime_version;
}

void set_condition(v1::NodeStatus& status, const v1::NodeStatus* previous, const std::string& type,
                   bool value, const std::string& reason, const std::string& message,
                   int64_t now_s) {
  auto* c = status.add_conditions();
  c->set_type(type);
  c->set_status(value ? "True" : "False");
  c->set_reason(reason);
  c->set_message(message);
  c->mutable_lastheartbeattime()->set_seconds(now_s);
  int64_t transition = now_s;
  if (previous)
    for (const auto& p : previous->conditions())
      if (p.type() == type && p.status() == c->status())
        transition = p.lasttransitiontime().seconds();
  c->mutable_lasttransitiontime()->set_seconds(transition);
}

} // namespace

int64_t parse_meminfo_total_kib(const std::string& meminfo) {
  std::istringstream in(meminfo);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("MemTotal:", 0) != 0)
      continue;
    std::istringstream fields(line.substr(9));
    int64_t kib = 0;
    std::string unit;
    if (fields >> kib)
      return kib;
  }
  return 0;
}

std::string parse_os_release_pretty_name(const std::string& os_release) {
  std::istringstream in(os_release);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("PRETTY_NAME=", 0) != 0)
      continue;
    auto value = line.substr(12);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    return value;
  }
  return "Linux";
}

host_facts read_host_facts() {
  host_facts h;
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  if (cpus > 0)
    h.cpus = cpus;
  h.memory_kib = parse_meminfo_total_kib(read_all("/proc/meminfo"));
  h.os_image = parse_os_release_pretty_name(read_all("/etc/os-release"));
  struct utsname u {};
  if (::uname(&u) == 0) {
    h.kernel_version = u.release;
    std::string machine = u.machine;
    h.architecture = machine == "x86_64" ? "amd64" : machine == "aarch64" ? "arm64" : machine;
    h.hostname = u.nodename;
  }
  h.machine_id = first_line(read_all("/etc/machine-id"));
  h.boot_id = first_line(read_all("/proc/sys/kernel/random/boot_id"));
  return h;
}

ready_verdict node_ready(const std::vector<runtime::runtime_condition>& runtime_conditions) {
  // The kubelet's runtimeState.runtimeErrors: RuntimeReady first, then NetworkReady; a runtime
  // that reports neither is taken as not ready only if it says so.
  std::vector<std::string> problems;
  for (const char* type : {"RuntimeReady", "NetworkReady"})
    for (const auto& c : runtime_conditions)
      if (c.type == type && !c.status) {
        std::string what = c.type == "RuntimeReady" ? "container runtime not ready"
                                                     : "container runtime network not ready";
        problems.push_back(what + ": " + c.type + "=false reason:" + c.reason +
                           " message:" + c.message);
      }
  if (problems.empty())
    return {true, "KubeletReady", "kubelet is posting ready status"};
  std::string message;
  for (const auto& p : problems)
    message += (message.empty() ? "" : ", ") + p;
  return {false, "KubeletNotReady", message};
}

v1::NodeStatus make_node_status(const node_settings& settings, const host_facts& host,
                                const runtime::version_info& runtime_version,
                                const std::vector<runtime::runtime_condition>& runtime_conditions,
                                int64_t now_s, const v1::NodeStatus* previous) {
  v1::NodeStatus status;
  auto fill = [&](google::protobuf::Map<std::string, troupe::meta::Quantity>& m) {
    m["cpu"].set_string(std::to_string(host.cpus));
    m["memory"].set_string(std::to_string(host.memory_kib) + "Ki");
    m["pods"].set_string(std::to_string(settings.max_pods));
  };
  fill(*status.mutable_capacity());
  fill(*status.mutable_allocatable());
  // Order and wording as the kubelet's setters: MemoryPressure, DiskPressure, PIDPressure, Ready.
  set_condition(status, previous, "MemoryPressure", false, "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available", now_s);
  set_condition(status, previous, "DiskPressure", false, "KubeletHasNoDiskPressure",
                "kubelet has no disk pressure", now_s);
  set_condition(status, previous, "PIDPressure", false, "KubeletHasSufficientPID",
                "kubelet has sufficient PID available", now_s);
  auto ready = node_ready(runtime_conditions);
  set_condition(status, previous, "Ready", ready.ready, ready.reason, ready.message, now_s);
  if (!settings.node_ip.empty()) {
    auto* a = status.add_addresses();
    a->set_type("InternalIP");
    a->set_address(settings.node_ip);
  }
  auto* hostname = status.add_addresses();
  hostname->set_type("Hostname");
  hostname->set_address(host.hostname.empty() ? settings.name : host.hostname);
  status.mutable_daemonendpoints()->mutable_kubeletendpoint()->set_port(10250);
  auto* info = status.mutable_nodeinfo();
  info->set_machineid(host.machine_id);
  info->set_systemuuid(host.machine_id);
  info->set_bootid(host.boot_id);
  info->set_kernelversion(host.kernel_version);
  info->set_osimage(host.os_image);
  info->set_containerruntimeversion(runtime_version_text(runtime_version));
  info->set_kubeletversion(kubelet_version);
  info->set_kubeproxyversion(kubelet_version);
  info->set_operatingsystem("linux");
  info->set_architecture(host.architecture);
  return status;
}

v1::Node make_node(const node_settings& settings, const host_facts& host,
                   const runtime::version_info& runtime_version,
                   const std::vector<runtime::runtime_condition>& runtime_conditions,
                   int64_t now_s) {
  v1::Node node;
  auto* meta = node.mutable_metadata();
  meta->set_name(settings.name);
  auto& labels = *meta->mutable_labels();
  // The kubelet's initial labels (getNodeLabels), then --node-labels on top.
  labels["beta.kubernetes.io/arch"] = host.architecture;
  labels["beta.kubernetes.io/os"] = "linux";
  labels["kubernetes.io/arch"] = host.architecture;
  labels["kubernetes.io/hostname"] = settings.name;
  labels["kubernetes.io/os"] = "linux";
  for (const auto& [k, v] : settings.labels)
    labels[k] = v;
  (*meta->mutable_annotations())["node.alpha.kubernetes.io/ttl"] = "0";
  (*meta->mutable_annotations())["volumes.kubernetes.io/controller-managed-attach-detach"] = "true";
  *node.mutable_status() =
    make_node_status(settings, host, runtime_version, runtime_conditions, now_s);
  return node;
}

bool node_status_changed(const v1::NodeStatus& a, const v1::NodeStatus& b) {
  auto strip = [](v1::NodeStatus s) {
    for (auto& c : *s.mutable_conditions())
      c.clear_lastheartbeattime();
    return s.SerializeAsString();
  };
  // Maps serialize in an unspecified order: compare the parts that can change one by one.
  if (a.conditions_size() != b.conditions_size() || a.addresses_size() != b.addresses_size())
    return true;
  v1::NodeStatus ca, cb;
  *ca.mutable_conditions() = a.conditions();
  *cb.mutable_conditions() = b.conditions();
  *ca.mutable_addresses() = a.addresses();
  *cb.mutable_addresses() = b.addresses();
  *ca.mutable_nodeinfo() = a.nodeinfo();
  *cb.mutable_nodeinfo() = b.nodeinfo();
  if (strip(ca) != strip(cb))
    return true;
  auto same_map = [](const auto& x, const auto& y) {
    if (x.size() != y.size())
      return false;
    for (const auto& [k, v] : x) {
      auto it = y.find(k);
      if (it == y.end() || it->second.string() != v.string())
        return false;
    }
    return true;
  };
  return !same_map(a.capacity(), b.capacity()) || !same_map(a.allocatable(), b.allocatable());
}

std::string parse_node_labels(const std::string& text, std::map<std::string, std::string>& out) {
  std::map<std::string, std::string> labels;
  std::istringstream in(text);
  std::string pair;
  while (std::getline(in, pair, ',')) {
    if (pair.empty())
      continue;
    auto eq = pair.find('=');
    if (eq == std::string::npos)
      return "\"" + pair + "\" is not key=value";
    auto key = pair.substr(0, eq);
    auto value = pair.substr(eq + 1);
    if (auto problems = config::label_key_problems(key); !problems.empty())
      return "invalid label key \"" + key + "\": " + problems.front();
    if (auto problems = config::label_value_problems(value); !problems.empty())
      return "invalid label value \"" + value + "\": " + problems.front();
    labels[key] = value;
  }
  out = std::move(labels);
  return {};
}

} // namespace troupe::node_agent
