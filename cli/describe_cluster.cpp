// kubectl describe layouts of Service, Namespace, Node, ConfigMap and Secret.
#include "cli/describe_layout.hpp"

#include "cli/selector_text.hpp"
#include "config/quantity.hpp"

namespace troupe::cli::describe_layout {

// "10.244.1.5:8080,10.244.1.6:8080" for the service port `port`, "<none>" without addresses.
static std::string endpoints_text(const json& endpoints, const json& port) {
  std::string out;
  for (const auto& subset : arr(endpoints, "subsets")) {
    std::string port_num;
    for (const auto& p : arr(subset, "ports"))
      if (str(p, "name") == str(port, "name") || arr(subset, "ports").size() == 1)
        port_num = str(p, "port");
    for (const auto& a : arr(subset, "addresses"))
      out += (out.empty() ? "" : ",") + str(a, "ip") + (port_num.empty() ? "" : ":" + port_num);
  }
  return out.empty() ? "<none>" : out;
}

void describe_service(prefix_writer& w, const json& s, const describe_context& ctx) {
  json m = obj(s, "metadata"), spec = obj(s, "spec");
  write_common_meta(w, s);
  write_map_multiline(w, 0, "Labels", obj(m, "labels"), "=");
  write_map_multiline(w, 0, "Annotations", obj(m, "annotations"), ": ", true);
  std::string sel = map_selector_text(obj(spec, "selector"));
  w.write(0, "Selector:\t" + (sel.empty() ? "<none>" : sel));
  w.write(0, "Type:\t" + str(spec, "type", "ClusterIP"));
  if (!str(spec, "ipFamilyPolicy").empty())
    w.write(0, "IP Family Policy:\t" + str(spec, "ipFamilyPolicy"));
  std::string fams;
  for (const auto& f : arr(spec, "ipFamilies"))
    fams += (fams.empty() ? "" : ",") + f.get<std::string>();
  if (!fams.empty())
    w.write(0, "IP Families:\t" + fams);
  w.write(0, "IP:\t" + str(spec, "clusterIP"));
  std::string ips;
  for (const auto& ip : arr(spec, "clusterIPs"))
    ips += (ips.empty() ? "" : ",") + ip.get<std::string>();
  w.write(0, "IPs:\t" + (ips.empty() ? "<none>" : ips));
  for (const auto& p : arr(spec, "ports")) {
    std::string name = str(p, "name", "<unset>");
    std::string proto = str(p, "protocol", "TCP");
    w.write(0, "Port:\t" + name + "  " + str(p, "port") + "/" + proto);
    std::string target = str(p, "targetPort", str(p, "port"));
    w.write(0, "TargetPort:\t" + target + "/" + proto);
    if (p.contains("nodePort"))
      w.write(0, "NodePort:\t" + name + "  " + str(p, "nodePort") + "/" + proto);
    w.write(0, "Endpoints:\t" + endpoints_text(ctx.endpoints, p));
  }
  w.write(0, "Session Affinity:\t" + str(spec, "sessionAffinity", "None"));
  if (!str(spec, "externalTrafficPolicy").empty())
    w.write(0, "External Traffic Policy:\t" + str(spec, "externalTrafficPolicy"));
  if (!str(spec, "internalTrafficPolicy").empty())
    w.write(0, "Internal Traffic Policy:\t" + str(spec, "internalTrafficPolicy"));
  write_events(w, ctx.events, ctx.now);
}

void describe_namespace(prefix_writer& w, const json& ns, const describe_context& ctx) {
  json m = obj(ns, "metadata");
  write_common_meta(w, ns, false);
  write_map_multiline(w, 0, "Labels", obj(m, "labels"), "=");
  write_map_multiline(w, 0, "Annotations", obj(m, "annotations"), ": ", true);
  w.write(0, "Status:\t" + str(obj(ns, "status"), "phase", "Active"));
  // Only a server that serves these kinds gets the lines (kubectl skips them on NotFound).
  if (ctx.has_resource_quotas) {
    w.write(0, "");
    w.write(0, "No resource quota.");
  }
  if (ctx.has_limit_ranges) {
    w.write(0, "");
    w.write(0, "No LimitRange resource.");
  }
}

// Sums of container requests and limits of one pod for a resource ("cpu", "memory").
static config::quantity pod_amount(const json& pod, const char* section, const char* resource) {
  config::quantity total;
  for (const auto& c : arr(obj(pod, "spec"), "containers")) {
    auto q = config::parse_quantity(str(obj(obj(c, "resources"), section), resource, "0"));
    if (q)
      total = config::add(total, *q).value_or(total);
  }
  return total;
}

// "100m (5%)": kubectl's amount with its share of the node's allocatable.
static std::string with_share(const config::quantity& q, const json& allocatable, const char* resource) {
  auto alloc = config::parse_quantity(str(allocatable, resource, "0"));
  int64_t pct = 0;
  if (alloc && alloc->milli_value() != 0)
    pct = q.milli_value() * 100 / alloc->milli_value();
  return q.to_string() + " (" + std::to_string(pct) + "%)";
}

void describe_node(prefix_writer& w, const json& n, const describe_context& ctx) {
  json m = obj(n, "metadata"), spec = obj(n, "spec"), st = obj(n, "status");
  write_common_meta(w, n, false);
  json labels = obj(m, "labels");
  std::string roles;
  for (auto it = labels.begin(); it != labels.end(); ++it)
    if (it.key().rfind("node-role.kubernetes.io/", 0) == 0)
      roles += (roles.empty() ? "" : ",") + it.key().substr(24);
  w.write(0, "Roles:\t" + (roles.empty() ? "<none>" : roles));
  write_map_multiline(w, 0, "Labels", labels, "=");
  write_map_multiline(w, 0, "Annotations", obj(m, "annotations"), ": ", true);
  w.write(0, "CreationTimestamp:\t" + describe_time(str(m, "creationTimestamp")));
  auto taints = arr(spec, "taints");
  if (taints.empty()) {
    w.write(0, "Taints:\t<none>");
  } else {
    bool first = true;
    for (const auto& t : taints) {
      std::string s = str(t, "key") + (str(t, "value").empty() ? "" : "=" + str(t, "value")) + ":" + str(t, "effect");
      w.out << (first ? "Taints:\t" : "\t") << s << "\n";
      first = false;
    }
  }
  w.write(0, std::string("Unschedulable:\t") + (spec.value("unschedulable", false) ? "true" : "false"));
  if (!ctx.lease_error.empty()) {
    w.write(0, "Lease:\tFailed to get lease: " + ctx.lease_error);
  } else if (ctx.lease.is_object()) {
    json ls = obj(ctx.lease, "spec");
    w.write(0, "Lease:");
    w.write(1, "HolderIdentity:\t" + str(ls, "holderIdentity", "<unset>"));
    w.write(1, "AcquireTime:\t" + describe_time(str(ls, "acquireTime")));
    w.write(1, "RenewTime:\t" + describe_time(str(ls, "renewTime")));
  }
  auto conds = arr(st, "conditions");
  if (!conds.empty()) {
    w.write(0, "Conditions:");
    w.write(1, "Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage");
    w.write(1, "----\t------\t-----------------\t------------------\t------\t-------");
    for (const auto& c : conds)
      w.write(1, str(c, "type") + " \t" + str(c, "status") + " \t" + describe_time(str(c, "lastHeartbeatTime")) + " \t"
                   + describe_time(str(c, "lastTransitionTime")) + " \t" + str(c, "reason") + " \t" + str(c, "message"));
  }
  w.write(0, "Addresses:");
  for (const auto& a : arr(st, "addresses"))
    w.write(1, str(a, "type") + ":\t" + str(a, "address"));
  json allocatable = obj(st, "allocatable");
  for (const char* section : {"capacity", "allocatable"}) {
    json res = obj(st, section);
    if (res.empty())
      continue;
    w.write(0, std::string(section[0] == 'c' ? "Capacity" : "Allocatable") + ":");
    for (auto it = res.begin(); it != res.end(); ++it)
      w.write(1, it.key() + ":\t" + it->get<std::string>());
  }
  json info = obj(st, "nodeInfo");
  w.write(0, "System Info:");
  const std::pair<const char*, const char*> fields[] = {
    {"Machine ID", "machineID"}, {"System UUID", "systemUUID"}, {"Boot ID", "bootID"},
    {"Kernel Version", "kernelVersion"}, {"OS Image", "osImage"}, {"Operating System", "operatingSystem"},
    {"Architecture", "architecture"}, {"Container Runtime Version", "containerRuntimeVersion"},
    {"Kubelet Version", "kubeletVersion"}, {"Kube-Proxy Version", "kubeProxyVersion"}};
  for (const auto& [title, key] : fields)
    w.write(1, std::string(title) + ":\t" + str(info, key));
  if (!str(spec, "podCIDR").empty())
    w.write(0, "PodCIDR:\t" + str(spec, "podCIDR"));
  std::string cidrs;
  for (const auto& c : arr(spec, "podCIDRs"))
    cidrs += (cidrs.empty() ? "" : ",") + c.get<std::string>();
  if (!cidrs.empty())
    w.write(0, "PodCIDRs:\t" + cidrs);
  if (!str(spec, "providerID").empty())
    w.write(0, "ProviderID:\t" + str(spec, "providerID"));
  w.write(0, "Non-terminated Pods:\t(" + std::to_string(ctx.pods.size()) + " in total)");
  w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge");
  w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---");
  config::quantity cpu_req, cpu_lim, mem_req, mem_lim;
  for (const auto& p : ctx.pods) {
    json pm = obj(p, "metadata");
    auto cr = pod_amount(p, "requests", "cpu"), cl = pod_amount(p, "limits", "cpu");
    auto mr = pod_amount(p, "requests", "memory"), ml = pod_amount(p, "limits", "memory");
    cpu_req = config::add(cpu_req, cr).value_or(cpu_req);
    cpu_lim = config::add(cpu_lim, cl).value_or(cpu_lim);
    mem_req = config::add(mem_req, mr).value_or(mem_req);
    mem_lim = config::add(mem_lim, ml).value_or(mem_lim);
    w.write(1, str(pm, "namespace") + "\t" + str(pm, "name") + "\t\t" + with_share(cr, allocatable, "cpu") + "\t"
                 + with_share(cl, allocatable, "cpu") + "\t" + with_share(mr, allocatable, "memory") + "\t"
                 + with_share(ml, allocatable, "memory") + "\t" + age(str(pm, "creationTimestamp"), ctx.now));
  }
  w.write(0, "Allocated resources:");
  w.write(1, "(Total limits may be over 100 percent, i.e., overcommitted.)");
  w.write(1, "Resource\tRequests\tLimits");
  w.write(1, "--------\t--------\t------");
  w.write(1, "cpu\t" + with_share(cpu_req, allocatable, "cpu") + "\t" + with_share(cpu_lim, allocatable, "cpu"));
  w.write(1, "memory\t" + with_share(mem_req, allocatable, "memory") + "\t" + with_share(mem_lim, allocatable, "memory"));
  w.write(1, "ephemeral-storage\t0 (0%)\t0 (0%)");
  write_events(w, ctx.events, ctx.now);
}

void describe_configmap(prefix_writer& w, const json& cm, const describe_context& ctx) {
  json m = obj(cm, "metadata");
  write_common_meta(w, cm);
  write_map_multiline(w, 0, "Labels", obj(m, "labels"), "=");
  write_map_multiline(w, 0, "Annotations", obj(m, "annotations"), ": ", true);
  w.out << "\nData\n====\n";
  json data = obj(cm, "data");
  for (auto it = data.begin(); it != data.end(); ++it)
    w.out << it.key() << ":\n----\n" << it->get<std::string>() << "\n\n";
  w.out << "\nBinaryData\n====\n";
  json bin = obj(cm, "binaryData");
  for (auto it = bin.begin(); it != bin.end(); ++it)
    w.out << it.key() << ": " << (it->get<std::string>().size() * 3 / 4) << " bytes\n";
  w.out << "\n";
  write_events(w, ctx.events, ctx.now);
}

void describe_secret(prefix_writer& w, const json& sec, const describe_context&) {
  json m = obj(sec, "metadata");
  write_common_meta(w, sec);
  write_map_multiline(w, 0, "Labels", obj(m, "labels"), "=");
  write_map_multiline(w, 0, "Annotations", obj(m, "annotations"), ": ", true);
  w.out << "\nType:\t" << str(sec, "type", "Opaque") << "\n\nData\n====\n";
  json data = obj(sec, "data");
  for (auto it = data.begin(); it != data.end(); ++it) {
    // base64 text -> decoded length, without decoding
    std::string b64 = it->get<std::string>();
    size_t pad = b64.size() >= 2 && b64[b64.size() - 1] == '=' ? (b64[b64.size() - 2] == '=' ? 2 : 1) : 0;
    w.out << it.key() << ":\t" << (b64.size() / 4 * 3 - pad) << " bytes\n";
  }
}

} // namespace troupe::cli::describe_layout
