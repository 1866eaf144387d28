// Printers for the core/v1 kinds other than Pod: Node, Namespace, Service, Endpoints, Event,
// ConfigMap, Secret, PersistentVolumeClaim, PodTemplate; cells as Kubernetes' printers make them.
#include "actors/api/table_printers.hpp"

#include <algorithm>
#include <set>

#include "actors/api/human_duration.hpp"
#include "config/quantity.hpp"

namespace troupe::api {

namespace {

namespace core = troupe::core::v1;
using strings = std::vector<std::string>;

std::string join(const strings& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i ? sep : "") + parts[i];
  return out;
}

std::string canonical_quantity(const troupe::meta::Quantity& q) {
  auto parsed = config::parse_quantity(q.string());
  return parsed ? parsed->to_string() : q.string();
}

// ---- Node ----

strings node_roles(const core::Node& n) {
  static const std::string prefix = "node-role.kubernetes.io/";
  std::set<std::string> roles;
  for (const auto& [k, v] : n.metadata().labels()) {
    if (k.rfind(prefix, 0) == 0) {
      if (k.size() > prefix.size())
        roles.insert(k.substr(prefix.size()));
    } else if (k == "kubernetes.io/role" && !v.empty()) {
      roles.insert(v);
    }
  }
  return {roles.begin(), roles.end()};
}

std::string node_address(const core::Node& n, const std::string& type) {
  for (const auto& a : n.status().addresses())
    if (a.type() == type)
      return a.address();
  return "<none>";
}

std::string or_unknown(const std::string& s) { return s.empty() ? "<unknown>" : s; }

printed_row print_node(const core::Node& n, config::timestamp now) {
  strings status;
  for (const auto& c : n.status().conditions())
    if (c.type() == "Ready") {
      status.push_back(c.status() == "True" ? "Ready" : "NotReady");
      break;
    }
  if (status.empty())
    status.push_back("Unknown");
  if (n.spec().unschedulable())
    status.push_back("SchedulingDisabled");
  const auto& info = n.status().nodeinfo();
  printed_row row;
  row.cells = {n.metadata().name(),
               join(status, ","),
               or_none(join(node_roles(n), ",")),
               object_age(n.metadata(), now),
               info.kubeletversion(),
               node_address(n, "InternalIP"),
               node_address(n, "ExternalIP"),
               or_unknown(info.osimage()),
               or_unknown(info.kernelversion()),
               or_unknown(info.containerruntimeversion())};
  return row;
}

// ---- Namespace ----

printed_row print_namespace(const core::Namespace& ns, config::timestamp now) {
  printed_row row;
  row.cells = {ns.metadata().name(), ns.status().phase(), object_age(ns.metadata(), now)};
  return row;
}

// ---- Service ----

std::string service_ports(const core::ServiceSpec& spec) {
  strings pieces;
  for (const auto& p : spec.ports()) {
    std::string piece = std::to_string(p.port());
    if (p.nodeport() > 0)
      piece += ":" + std::to_string(p.nodeport());
    pieces.push_back(piece + "/" + p.protocol());
  }
  return join(pieces, ",");
}

std::string load_balancer_ips(const core::LoadBalancerStatus& lb) {
  strings out;
  for (const auto& i : lb.ingress()) {
    if (!i.ip().empty())
      out.push_back(i.ip());
    else if (!i.hostname().empty())
      out.push_back(i.hostname());
  }
  return join(out, ",");
}

std::string service_external_ip(const core::Service& s) {
  const auto& spec = s.spec();
  strings external(spec.externalips().begin(), spec.externalips().end());
  const std::string& type = spec.type();
  if (type == "ClusterIP" || type == "NodePort")
    return external.empty() ? "<none>" : join(external, ",");
  if (type == "LoadBalancer") {
    std::string lb = load_balancer_ips(s.status().loadbalancer());
    if (!external.empty()) {
      strings all;
      if (!lb.empty())
        all.push_back(lb);
      all.insert(all.end(), external.begin(), external.end());
      return join(all, ",");
    }
    return lb.empty() ? "<pending>" : lb;
  }
  if (type == "ExternalName")
    return spec.externalname();
  return "<unknown>";
}

printed_row print_service(const core::Service& s, config::timestamp now) {
  const auto& spec = s.spec();
  std::string cluster_ip = spec.clusterips_size() > 0 ? spec.clusterips(0) : "<none>";
  printed_row row;
  row.cells = {s.metadata().name(), spec.type(),           cluster_ip,
               service_external_ip(s), or_none(service_ports(spec)),
               object_age(s.metadata(), now), format_labels(spec.selector())};
  return row;
}

// ---- Endpoints ----

std::string host_port(const std::string& ip, int port) {
  std::string host = ip.find(':') != std::string::npos ? "[" + ip + "]" : ip;
  return host + ":" + std::to_string(port);
}

// At most three addresses, then " + N more...".
std::string format_endpoints(const core::Endpoints& e) {
  if (e.subsets().empty())
    return "<none>";
  const size_t max = 3;
  strings list;
  bool more = false;
  size_t count = 0;
  for (const auto& ss : e.subsets()) {
    if (ss.ports().empty()) {
      count += ss.addresses_size();
      for (const auto& a : ss.addresses()) {
        if (list.size() == max) {
          more = true;
          break;
        }
        list.push_back(a.ip());
      }
      continue;
    }
    for (const auto& port : ss.ports()) {
      count += ss.addresses_size();
      for (const auto& a : ss.addresses()) {
        if (list.size() == max) {
          more = true;
          break;
        }
        list.push_back(host_port(a.ip(), port.port()));
      }
    }
  }
  std::string ret = join(list, ",");
  if (more)
    return ret + " + " + std::to_string(count - max) + " more...";
  return or_none(ret);
}

printed_row print_endpoints(const core::Endpoints& e, config::timestamp now) {
  printed_row row;
  row.cells = {e.metadata().name(), format_endpoints(e), object_age(e.metadata(), now)};
  return row;
}

// ---- Event ----

std::string trim(const std::string& s) {
  const char* ws = " \t\n\r\f\v";
  auto b = s.find_first_not_of(ws);
  if (b == std::string::npos)
    return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

printed_row print_event(const core::Event& e, config::timestamp now) {
  std::string first = e.has_firsttimestamp() ? age_since(&e.firsttimestamp(), now)
                                             : age_since(e.has_eventtime() ? &e.eventtime() : nullptr, now);
  std::string last = e.has_lasttimestamp() ? age_since(&e.lasttimestamp(), now) : first;
  int64_t count = e.count();
  if (e.has_series()) {
    last = age_since(e.series().has_lastobservedtime() ? &e.series().lastobservedtime() : nullptr, now);
    count = e.series().count();
  } else if (count == 0) {
    count = 1;  // singleton events of the events.k8s.io API carry no count
  }
  const auto& obj = e.involvedobject();
  std::string target = lower(obj.kind());
  if (!obj.name().empty())
    target += "/" + obj.name();
  std::string component = e.source().component().empty() ? e.reportingcomponent() : e.source().component();
  std::string instance = e.source().host().empty() ? e.reportinginstance() : e.source().host();
  std::string source = instance.empty() ? component : component + ", " + instance;
  printed_row row;
  row.cells = {last, e.type(), e.reason(), target, obj.fieldpath(), source,
               trim(e.message()), first, count, e.metadata().name()};
  return row;
}

// ---- ConfigMap, Secret ----

printed_row print_config_map(const core::ConfigMap& c, config::timestamp now) {
  printed_row row;
  row.cells = {c.metadata().name(), int64_t(c.data_size() + c.binarydata_size()),
               object_age(c.metadata(), now)};
  return row;
}

printed_row print_secret(const core::Secret& s, config::timestamp now) {
  printed_row row;
  row.cells = {s.metadata().name(), s.type(), int64_t(s.data_size()), object_age(s.metadata(), now)};
  return row;
}

// ---- PersistentVolumeClaim ----

std::string access_modes(const google::protobuf::RepeatedPtrField<std::string>& modes) {
  auto has = [&](const char* m) { return std::find(modes.begin(), modes.end(), m) != modes.end(); };
  strings out;
  if (has("ReadWriteOnce"))
    out.push_back("RWO");
  if (has("ReadOnlyMany"))
    out.push_back("ROX");
  if (has("ReadWriteMany"))
    out.push_back("RWX");
  if (has("ReadWriteOncePod"))
    out.push_back("RWOP");
  return join(out, ",");
}

printed_row print_pvc(const core::PersistentVolumeClaim& p, config::timestamp now) {
  const auto& spec = p.spec();
  std::string phase = p.metadata().has_deletiontimestamp() ? "Terminating" : p.status().phase();
  std::string capacity, modes;
  if (!spec.volumename().empty()) {
    modes = access_modes(p.status().accessmodes());
    auto it = p.status().capacity().find("storage");
    capacity = it == p.status().capacity().end() ? "0" : canonical_quantity(it->second);
  }
  std::string storage_class;
  auto beta = p.metadata().annotations().find("volume.beta.kubernetes.io/storage-class");
  if (beta != p.metadata().annotations().end())
    storage_class = beta->second;
  else if (spec.has_storageclassname())
    storage_class = spec.storageclassname();
  printed_row row;
  row.cells = {p.metadata().name(),
               phase,
               spec.volumename(),
               capacity,
               modes,
               storage_class,
               spec.has_volumeattributesclassname() ? spec.volumeattributesclassname() : "<unset>",
               object_age(p.metadata(), now),
               spec.has_volumemode() ? spec.volumemode() : "<unset>"};
  return row;
}

// ---- PodTemplate ----

printed_row print_pod_template(const core::PodTemplate& t, config::timestamp) {
  auto [names, images] = container_cells(t.template_().spec().containers());
  printed_row row;
  row.cells = {t.metadata().name(), names, images, format_labels(t.template_().metadata().labels())};
  return row;
}

column text(const char* name, const char* description, int priority = 0) {
  return {name, "string", "", description, priority};
}

column integer(const char* name, const char* description, int priority = 0) {
  return {name, "integer", "", description, priority};
}

} // namespace

void add_core_printers(printer_map& m) {
  m[core::Node::descriptor()->full_name()] = printer{
      {name_column(), text("Status", "The node's readiness and schedulability."),
       text("Roles", "The node's roles, from its node-role labels."), age_column(),
       text("Version", "The kubelet version the node reports."),
       text("Internal-IP", "The node's internal address.", 1),
       text("External-IP", "The node's external address.", 1),
       text("OS-Image", "The operating system image of the node.", 1),
       text("Kernel-Version", "The node's kernel version.", 1),
       text("Container-Runtime", "The container runtime and its version.", 1)},
      typed<core::Node>(print_node)};
  m[core::Namespace::descriptor()->full_name()] = printer{
      {name_column(), text("Status", "The namespace's lifecycle phase."), age_column()},
      typed<core::Namespace>(print_namespace)};
  m[core::Service::descriptor()->full_name()] = printer{
      {name_column(), text("Type", "How the service is exposed."),
       text("Cluster-IP", "The service's virtual IP inside the cluster."),
       text("External-IP", "Addresses the service is reachable on from outside."),
       text("Port(s)", "The service's ports, with node ports where allocated."), age_column(),
       text("Selector", "The labels of the pods the service routes to.", 1)},
      typed<core::Service>(print_service)};
  m[core::Endpoints::descriptor()->full_name()] = printer{
      {name_column(), text("Endpoints", "The ready addresses behind the service."), age_column()},
      typed<core::Endpoints>(print_endpoints)};
  m[core::Event::descriptor()->full_name()] = printer{
      {text("Last Seen", "Time since the event last occurred."), text("Type", "Normal or Warning."),
       text("Reason", "Why the event was recorded."), text("Object", "The object the event is about."),
       text("Subobject", "The part of the object the event is about.", 1),
       text("Source", "The component that recorded the event.", 1),
       text("Message", "What happened."),
       text("First Seen", "Time since the event first occurred.", 1),
       text("Count", "How often the event occurred.", 1),
       {"Name", "string", "name", "The event's name.", 1}},
      typed<core::Event>(print_event)};
  m[core::ConfigMap::descriptor()->full_name()] = printer{
      {name_column(), integer("Data", "Number of data entries."), age_column()},
      typed<core::ConfigMap>(print_config_map)};
  m[core::Secret::descriptor()->full_name()] = printer{
      {name_column(), text("Type", "The secret's type."), integer("Data", "Number of data entries."),
       age_column()},
      typed<core::Secret>(print_secret)};
  m[core::PersistentVolumeClaim::descriptor()->full_name()] = printer{
      {name_column(), text("Status", "The claim's phase."), text("Volume", "The bound volume."),
       text("Capacity", "The bound volume's capacity."), text("Access Modes", "How the volume can be mounted."),
       text("StorageClass", "The claim's storage class."),
       text("VolumeAttributesClass", "The claim's volume attributes class."), age_column(),
       text("VolumeMode", "Filesystem or Block.", 1)},
      typed<core::PersistentVolumeClaim>(print_pvc)};
  m[core::PodTemplate::descriptor()->full_name()] = printer{
      {{"Template", "string", "name", "The template's name.", 0},
       text("Containers", "Container names in the template."),
       text("Images", "Container images in the template."),
       text("Pod Labels", "Labels of the pods made from the template.")},
      typed<core::PodTemplate>(print_pod_template)};
}

} // namespace troupe::api
