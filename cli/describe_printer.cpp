// describe_printer.hpp. Longer than most files because it holds kubectl's layouts for seven kinds
// plus the generic describer; each kind is one function.
#include "cli/describe_printer.hpp"

#include <ctime>
#include <sstream>

#include "actors/api/human_duration.hpp"
#include "cli/selector_text.hpp"
#include "cli/tabwriter.hpp"
#include "config/quantity.hpp"
#include "config/time_format.hpp"

namespace troupe::cli {

using nlohmann::json;

namespace {

std::string str(const json& o, const char* key, const std::string& fallback = "") {
  if (!o.is_object() || !o.contains(key) || o[key].is_null())
    return fallback;
  return o[key].is_string() ? o[key].get<std::string>() : o[key].dump();
}

json obj(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_object() ? o[key] : json::object();
}

json arr(const json& o, const char* key) {
  return o.is_object() && o.contains(key) && o[key].is_array() ? o[key] : json::array();
}

// kubectl's PrefixWriter: a level is two spaces of indent.
struct prefix_writer {
  std::ostringstream out;
  void write(int level, const std::string& line) { out << std::string(level * 2, ' ') << line << "\n"; }
};

void write_map_multiline(prefix_writer& w, int level, const std::string& title, const json& m,
                         const std::string& sep, bool skip_last_applied = false) {
  std::string prefix = std::string(level * 2, ' ');
  bool first = true;
  if (m.is_object())
    for (auto it = m.begin(); it != m.end(); ++it) {
      if (skip_last_applied && it.key() == "kubectl.kubernetes.io/last-applied-configuration")
        continue;
      std::string v = it->is_string() ? it->get<std::string>() : it->dump();
      w.out << (first ? prefix + title + ":\t" : prefix + "\t") << it.key() << sep << v << "\n";
      first = false;
    }
  if (first)
    w.out << prefix << title << ":\t<none>\n";
}

std::string age(const std::string& ts, int64_t now) {
  auto t = config::parse_rfc3339(ts);
  if (!t)
    return "<unknown>";
  return api::human_duration((now - t->seconds) * 1000000000LL);
}

void write_events(prefix_writer& w, const json& events, int64_t now) {
  if (!events.is_array() || events.empty()) {
    w.out << "Events:\t<none>\n";
    return;
  }
  w.out << "Events:\n";
  w.write(1, "Type\tReason\tAge\tFrom\tMessage");
  w.write(1, "----\t------\t----\t----\t-------");
  for (const auto& e : events) {
    std::string last = str(e, "lastTimestamp", str(e, "eventTime"));
    std::string first = str(e, "firstTimestamp", last);
    int64_t count = e.value("count", 1);
    std::string interval = count > 1 ? age(last, now) + " (x" + std::to_string(count) + " over " + age(first, now) + ")"
                                     : age(last.empty() ? first : last, now);
    json src = obj(e, "source");
    std::string from = str(src, "component", str(e, "reportingComponent"));
    if (!str(src, "host").empty())
      from += ", " + str(src, "host");
    std::string msg = str(e, "message");
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
      msg.pop_back();
    w.write(1, str(e, "type") + "\t" + str(e, "reason") + "\t" + interval + "\t" + from + "\t" + msg);
  }
}

void write_common_meta(prefix_writer& w, const json& o, bool with_ns = true) {
  json m = obj(o, "metadata");
  w.write(0, "Name:\t" + str(m, "name"));
  if (with_ns)
    w.write(0, "Namespace:\t" + str(m, "namespace"));
}

std::string controlled_by(const json& m) {
  for (const auto& ref : arr(m, "ownerReferences"))
    if (ref.value("controller", false))
      return str(ref, "kind") + "/" + str(ref, "name");
  return {};
}

// A pod's containers: "Containers:" at `level`, each name one level deeper (plus one space inside
// a pod template, as kubectl writes it), their fields at level 2.
void write_containers(prefix_writer& w, int level, const char* title, const json& containers,
                      const json& statuses) {
  if (containers.empty())
    return;
  w.write(level, std::string(title) + ":");
  for (const auto& c : containers) {
    w.write(level > 0 ? level : 1, std::string(level > 0 ? " " : "") + str(c, "name") + ":");
    json st;
    for (const auto& s : statuses)
      if (str(s, "name") == str(c, "name"))
        st = s;
    int l = 2;
    if (!st.is_null())
      w.write(l, "Container ID:\t" + str(st, "containerID"));
    w.write(l, "Image:\t" + str(c, "image"));
    if (!st.is_null())
      w.write(l, "Image ID:\t" + str(st, "imageID"));
    auto ports = arr(c, "ports");
    if (ports.empty()) {
      w.write(l, "Port:\t<none>");
      w.write(l, "Host Port:\t<none>");
    } else {
      std::string p, hp;
      for (const auto& port : ports) {
        p += (p.empty() ? "" : ", ") + str(port, "containerPort") + "/" + str(port, "protocol", "TCP");
        hp += (hp.empty() ? "" : ", ") + str(port, "hostPort", "0") + "/" + str(port, "protocol", "TCP");
      }
      w.write(l, std::string(ports.size() > 1 ? "Ports" : "Port") + ":\t" + p);
      w.write(l, std::string(ports.size() > 1 ? "Host Ports" : "Host Port") + ":\t" + hp);
    }
    if (!arr(c, "command").empty()) {
      w.write(l, "Command:");
      for (const auto& a : c["command"])
        w.write(l + 1, a.get<std::string>());
    }
    if (!arr(c, "args").empty()) {
      w.write(l, "Args:");
      for (const auto& a : c["args"])
        w.write(l + 1, a.get<std::string>());
    }
    if (!st.is_null()) {
      json state = obj(st, "state");
      if (state.contains("running")) {
        w.write(l, "State:\tRunning");
        w.write(l + 1, "Started:\t" + describe_time(str(state["running"], "startedAt")));
      } else if (state.contains("waiting")) {
        w.write(l, "State:\tWaiting");
        w.write(l + 1, "Reason:\t" + str(state["waiting"], "reason"));
      } else if (state.contains("terminated")) {
        w.write(l, "State:\tTerminated");
        w.write(l + 1, "Reason:\t" + str(state["terminated"], "reason"));
        w.write(l + 1, "Exit Code:\t" + str(state["terminated"], "exitCode", "0"));
      }
      w.write(l, std::string("Ready:\t") + (st.value("ready", false) ? "True" : "False"));
      w.write(l, "Restart Count:\t" + str(st, "restartCount", "0"));
    }
    json res = obj(c, "resources");
    for (const char* kind : {"limits", "requests"}) {
      json r = obj(res, kind);
      if (r.empty())
        continue;
      w.write(l, std::string(kind[0] == 'l' ? "Limits" : "Requests") + ":");
      for (auto it = r.begin(); it != r.end(); ++it)
        w.write(l + 1, it.key() + ":\t" + it->get<std::string>());
    }
    auto env = arr(c, "env");
    if (env.empty()) {
      w.write(l, "Environment:\t<none>");
    } else {
      w.write(l, "Environment:");
      for (const auto& e : env)
        w.write(l + 1, str(e, "name") + ":\t" + (e.contains("value") ? str(e, "value") : "<set to a reference>"));
    }
    auto mounts = arr(c, "volumeMounts");
    if (mounts.empty()) {
      w.write(l, "Mounts:\t<none>");
    } else {
      w.write(l, "Mounts:");
      for (const auto& m : mounts)
        w.write(l + 1, str(m, "mountPath") + " from " + str(m, "name") + " ("
                         + (m.value("readOnly", false) ? "ro" : "rw") + ")");
    }
  }
}

void write_volumes(prefix_writer& w, int level, const json& volumes) {
  if (volumes.empty()) {
    w.write(level, "Volumes:\t<none>");
    return;
  }
  w.write(level, "Volumes:");
  for (const auto& v : volumes) {
    w.write(level + 1, str(v, "name") + ":");
    for (auto it = v.begin(); it != v.end(); ++it)
      if (it.key() != "name")
        w.write(level + 2, "Type:\t" + it.key());
  }
}

void write_tolerations(prefix_writer& w, int level, const std::string& title, const json& tolerations) {
  std::string prefix = std::string(level * 2, ' ');
  if (tolerations.empty()) {
    w.out << prefix << title << ":\t<none>\n";
    return;
  }
  bool first = true;
  for (const auto& t : tolerations) {
    std::string s = str(t, "key");
    if (!str(t, "value").empty())
      s += "=" + str(t, "value");
    if (!str(t, "effect").empty())
      s += ":" + str(t, "effect");
    if (str(t, "operator") == "Exists" && str(t, "value").empty())
      s += (s.empty() ? "" : " ") + std::string("op=Exists");
    if (t.contains("tolerationSeconds"))
      s += " for " + str(t, "tolerationSeconds") + "s";
    w.out << (first ? prefix + title + ":\t" : prefix + "\t") << s << "\n";
    first = false;
  }
}

void write_node_selector(prefix_writer& w, int level, const std::string& title, const json& sel) {
  std::string s;
  if (sel.is_object())
    for (auto it = sel.begin(); it != sel.end(); ++it)
      s += (s.empty() ? "" : ",") + it.key() + "=" + it->get<std::string>();
  w.write(level, title + ":\t" + (s.empty() ? "<none>" : s));
}

void write_pod_template(prefix_writer& w, const json& tmpl) {
  json m = obj(tmpl, "metadata"), spec = obj(tmpl, "spec");
  w.write(0, "Pod Template:");
  write_map_multiline(w, 1, "Labels", obj(m, "labels"), "=");
  if (!obj(m, "annotations").empty())
    write_map_multiline(w, 1, "Annotations", obj(m, "annotations"), ": ");
  if (!str(spec, "serviceAccountName").empty())
    w.write(1, "Service Account:\t" + str(spec, "serviceAccountName"));
  write_containers(w, 1, "Init Containers", arr(spec, "initContainers"), json::array());
  write_containers(w, 1, "Containers", arr(spec, "containers"), json::array());
  write_volumes(w, 1, arr(spec, "volumes"));
  write_node_selector(w, 1, "Node-Selectors", obj(spec, "nodeSelector"));
  write_tolerations(w, 1, "Tolerations", arr(spec, "tolerations"));
}

void describe_pod(prefix_writer& w, const json& p, const describe_context& ctx) {
  json m = obj(p, "metadata"), spec = obj(p, "spec"), st = obj(p, "status");
  write_common_meta(w, p);
  w.write(0, "Priority:\t" + str(spec, "priority", "0"));
  if (!str(spec, "priorityClassName").empty())
    w.write(0, "Priority Class Name:\t" + str(spec, "priorityClassName"));
  w.write(0, "Service Account:\t" + str(spec, "serviceAccountName", "default"));
  std::string node = str(spec, "nodeName");
  w.write(0, "Node:\t" + (node.empty() ? "<none>" : node + (str(st, "hostIP").empty() ? "" : "/" + str(st, "hostIP"))));
  if (!str(st, "startTime").empty())
    w.write(0, "Start Time:\t" + describe_time(str(st, "startTime")));
  write_map_multiline(w, 0, "Labels", obj(m, "labels"), "=");
  write_map_multiline(w, 0, "Annotations", obj(m, "annotations"), ": ", true);
  if (!str(m, "deletionTimestamp").empty()) {
    w.write(0, "Status:\tTerminating (lasts " + age(str(m, "deletionTimestamp"), ctx.now) + ")");
    w.write(0, "Termination Grace Period:\t" + str(m, "deletionGracePeriodSeconds", "30") + "s");
  } else {
    w.write(0, "Status:\t" + str(st, "phase"));
  }
  if (!str(st, "reason").empty())
    w.write(0, "Reason:\t" + str(st, "reason"));
  if (!str(st, "message").empty())
    w.write(0, "Message:\t" + str(st, "message"));
  w.write(0, "IP:\t" + str(st, "podIP"));
  auto ips = arr(st, "podIPs");
  if (ips.empty()) {
    w.write(0, "IPs:\t<none>");
  } else {
    w.write(0, "IPs:");
    for (const auto& ip : ips)
      w.write(1, "IP:\t" + str(ip, "ip"));
  }
  std::string ctrl = controlled_by(m);
  if (!ctrl.empty())
    w.write(0, "Controlled By:\t" + ctrl);
  write_containers(w, 0, "Init Containers", arr(spec, "initContainers"), arr(st, "initContainerStatuses"));
  write_containers(w, 0, "Containers", arr(spec, "containers"), arr(st, "containerStatuses"));
  auto conds = arr(st, "conditions");
  if (!conds.empty()) {
    w.write(0, "Conditions:");
    w.write(1, "Type\tStatus");
    for (const auto& c : conds)
      w.write(1, str(c, "type") + " \t" + str(c, "status") + " ");
  }
  write_volumes(w, 0, arr(spec, "volumes"));
  if (!str(st, "qosClass").empty())
    w.write(0, "QoS Class:\t" + str(st, "qosClass"));
  write_node_selector(w, 0, "Node-Selectors", obj(spec, "nodeSelector"));
  write_tolerations(w, 0, "Tolerations", arr(spec, "tolerations"));
  write_events(w, ctx.events, ctx.now);
}

std::string replicas_line(const json& st, int64_t desired) {
  int64_t updated = st.value("updatedReplicas", 0), total = st.value("replicas", 0),
          available = st.value("availableReplicas", 0), unavailable = st.value("unavailableReplicas", 0);
  return std::to_string(desired) + " desired | " + std::to_string(updated) + " updated | " + std::to_string(total)
         + " total | " + std::to_string(available) + " available | " + std::to_string(unavailable) + " unavailable";
}

void describe_deployment(prefix_writer& w, const json& d, const describe_context& ctx) {
  json m = obj(d, "metadata"), spec = obj(d, "spec"), st = obj(d, "status");
  write_common_meta(w, d);
  w.write(0, "CreationTimestamp:\t" + describe_time(str(m, "creationTimestamp")));
  write_map_multiline(w, 0, "Labels", obj(m, "labels"), "=");
  write_map_multiline(w, 0, "Annotations", obj(m, "annotations"), ": ", true);
  w.write(0, "Selector:\t" + selector_text(obj(spec, "selector")));
  w.write(0, "Replicas:\t" + replicas_line(st, spec.value("replicas", 1)));
  json strategy = obj(spec, "strategy");
  std::string type = str(strategy, "type", "RollingUpdate");
  w.write(0, "StrategyType:\t" + type);
  w.write(0, "MinReadySeconds:\t" + str(spec, "minReadySeconds", "0"));
  if (type == "RollingUpdate") {
    json ru = obj(strategy, "rollingUpdate");
    w.write(0, "RollingUpdateStrategy:\t" + str(ru, "maxUnavailable", "25%") + " max unavailable, "
                 + str(ru, "maxSurge", "25%") + " max surge");
  }
  write_pod_template(w, obj(spec, "template"));
  auto conds = arr(st, "conditions");
  if (!conds.empty()) {
    w.write(0, "Conditions:");
    w.write(1, "Type\tStatus\tReason");
    w.write(1, "----\t------\t------");
    for (const auto& c : conds)
      w.write(1, str(c, "type") + " \t" + str(c, "status") + "\t" + str(c, "reason"));
  }
  // Old and new ReplicaSets: those controlled by this deployment; the new one has its template.
  std::string uid = str(m, "uid"), old_sets, new_set;
  std::string revision = str(obj(m, "annotations"), "deployment.kubernetes.io/revision");
  for (const auto& rs : ctx.replicasets) {
    json rm = obj(rs, "metadata");
    bool mine = false;
    for (const auto& ref : arr(rm, "ownerReferences"))
      mine = mine || (ref.value("controller", false) && str(ref, "uid") == uid);
    if (!mine)
      continue;
    std::string text = str(rm, "name") + " (" + str(obj(rs, "status"), "replicas", "0") + "/"
                       + str(obj(rs, "spec"), "replicas", "0") + " replicas created)";
    if (!revision.empty() && str(obj(rm, "annotations"), "deployment.kubernetes.io/revision") == revision)
      new_set = text;
    else if (obj(rs, "spec").value("replicas", 0) > 0)
      old_sets += (old_sets.empty() ? "" : ", ") + text;
  }
  // kubectl leaves both lines out when it finds no ReplicaSet of the deployment.
  if (!old_sets.empty() || !new_set.empty()) {
    w.write(0, "OldReplicaSets:\t" + (old_sets.empty() ? "<none>" : old_sets));
    w.write(0, "NewReplicaSet:\t" + (new_set.empty() ? "<none>" : new_set));
  }
  write_events(w, ctx.events, ctx.now);
}

std::string pod_phase_counts(const json& pods) {
  int running = 0, waiting = 0, succeeded = 0, failed = 0;
  for (const auto& p : pods) {
    std::string phase = str(obj(p, "status"), "phase");
    running += phase == "Running";
    waiting += phase == "Pending";
    succeeded += phase == "Succeeded";
    failed += phase == "Failed";
  }
  return std::to_string(running) + " Running / " + std::to_string(waiting) + " Waiting / "
         + std::to_string(succeeded) + " Succeeded / " + std::to_string(failed) + " Failed";
}

void describe_replicaset(prefix_writer& w, const json& rs, const describe_context& ctx) {
  json m = obj(rs, "metadata"), spec = obj(rs, "spec"), st = obj(rs, "status");
  write_common_meta(w, rs);
  w.write(0, "Selector:\t" + selector_text(obj(spec, "selector")));
  write_map_multiline(w, 0, "Labels", obj(m, "labels"), "=");
  write_map_multiline(w, 0, "Annotations", obj(m, "annotations"), ": ", true);
  std::string ctrl = controlled_by(m);
  if (!ctrl.empty())
    w.write(0, "Controlled By:\t" + ctrl);
  w.write(0, "Replicas:\t" + str(st, "replicas", "0") + " current / " + str(spec, "replicas", "1") + " desired");
  w.write(0, "Pods Status:\t" + pod_phase_counts(ctx.pods));
  write_pod_template(w, obj(spec, "template"));
  write_events(w, ctx.events, ctx.now);
}

void describe_job(prefix_writer& w, const json& j, const describe_context& ctx) {
  json m = obj(j, "metadata"), spec = obj(j, "spec"), st = obj(j, "status");
  write_common_meta(w, j);
  w.write(0, "Selector:\t" + selector_text(obj(spec, "selector")));
  write_map_multiline(w, 0, "Labels", obj(m, "labels"), "=");
  write_map_multiline(w, 0, "Annotations", obj(m, "annotations"), ": ", true);
  std::string ctrl = controlled_by(m);
  if (!ctrl.empty())
    w.write(0, "Controlled By:\t" + ctrl);
  w.write(0, "Parallelism:\t" + str(spec, "parallelism", "1"));
  w.write(0, "Completions:\t" + str(spec, "completions", "<unset>"));
  w.write(0, "Completion Mode:\t" + str(spec, "completionMode", "NonIndexed"));
  w.write(0, "Suspend:\t" + str(spec, "suspend", "false"));
  w.write(0, "Backoff Limit:\t" + str(spec, "backoffLimit", "6"));
  if (!str(st, "startTime").empty())
    w.write(0, "Start Time:\t" + describe_time(str(st, "startTime")));
  if (!str(st, "completionTime").empty())
    w.write(0, "Completed At:\t" + describe_time(str(st, "completionTime")));
  w.write(0, "Pods Statuses:\t" + str(st, "active", "0") + " Active "
               + (st.contains("ready") ? "(" + str(st, "ready") + " Ready) " : "") + "/ "
               + str(st, "succeeded", "0") + " Succeeded / " + str(st, "failed", "0") + " Failed");
  write_pod_template(w, obj(spec, "template"));
  write_events(w, ctx.events, ctx.now);
}

// "10.244.1.5:8080,10.244.1.6:8080" for the service port `port`, "<none>" without addresses.
std::string endpoints_text(const json& endpoints, const json& port) {
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
config::quantity pod_amount(const json& pod, const char* section, const char* resource) {
  config::quantity total;
  for (const auto& c : arr(obj(pod, "spec"), "containers")) {
    auto q = config::parse_quantity(str(obj(obj(c, "resources"), section), resource, "0"));
    if (q)
      total = config::add(total, *q).value_or(total);
  }
  return total;
}

// "100m (5%)": kubectl's amount with its share of the node's allocatable.
std::string with_share(const config::quantity& q, const json& allocatable, const char* resource) {
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

// The status.currentMetrics entry's "current" for a metric, or null.
json hpa_current(const json& current, const std::string& type, const std::string& name) {
  for (const auto& m : current) {
    if (str(m, "type") != type)
      continue;
    json src = obj(m, type == "Resource" ? "resource" : type == "Pods" ? "pods" : "containerResource");
    std::string mname = type == "Pods" ? str(obj(src, "metric"), "name") : str(src, "name");
    if (mname == name)
      return obj(src, "current");
  }
  return nullptr;
}

void describe_hpa(prefix_writer& w, const json& h, const describe_context& ctx) {
  json m = obj(h, "metadata"), spec = obj(h, "spec"), st = obj(h, "status");
  write_common_meta(w, h);
  write_map_multiline(w, 0, "Labels", obj(m, "labels"), "=");
  write_map_multiline(w, 0, "Annotations", obj(m, "annotations"), ": ", true);
  w.write(0, "CreationTimestamp:\t" + describe_time(str(m, "creationTimestamp")));
  json ref = obj(spec, "scaleTargetRef");
  w.write(0, "Reference:\t" + str(ref, "kind") + "/" + str(ref, "name"));
  w.write(0, "Metrics:\t( current / target )");
  for (const auto& metric : arr(spec, "metrics")) {
    std::string type = str(metric, "type");
    if (type == "Resource" || type == "ContainerResource") {
      json res = obj(metric, type == "Resource" ? "resource" : "containerResource");
      json target = obj(res, "target");
      std::string name = str(res, "name");
      json cur = hpa_current(arr(st, "currentMetrics"), type, name);
      std::string what = type == "Resource" ? "resource " + name + " on pods"
                                            : "resource " + name + " of container \"" + str(res, "container") + "\" on pods";
      if (target.contains("averageUtilization")) {
        std::string current = cur.is_object() && cur.contains("averageUtilization")
                                ? str(cur, "averageUtilization") + "% (" + str(cur, "averageValue") + ")"
                                : "<unknown>";
        w.write(1, what + "  (as a percentage of request):\t" + current + " / " + str(target, "averageUtilization") + "%");
      } else {
        std::string current = cur.is_object() && cur.contains("averageValue") ? str(cur, "averageValue") : "<unknown>";
        w.write(1, what + ":\t" + current + " / " + str(target, "averageValue"));
      }
    } else if (type == "Pods") {
      json pods = obj(metric, "pods");
      std::string name = str(obj(pods, "metric"), "name");
      json cur = hpa_current(arr(st, "currentMetrics"), type, name);
      std::string current = cur.is_object() && cur.contains("averageValue") ? str(cur, "averageValue") : "<unknown>";
      w.write(1, "\"" + name + "\" on pods:\t" + current + " / " + str(obj(pods, "target"), "averageValue"));
    } else {
      w.write(1, "\"" + type + "\" metric:\t<unknown> / <unknown>");
    }
  }
  w.write(0, "Min replicas:\t" + str(spec, "minReplicas", "1"));
  w.write(0, "Max replicas:\t" + str(spec, "maxReplicas", "0"));
  w.write(0, str(ref, "kind") + " pods:\t" + str(st, "currentReplicas", "0") + " current / "
               + str(st, "desiredReplicas", "0") + " desired");
  auto conds = arr(st, "conditions");
  if (!conds.empty()) {
    w.write(0, "Conditions:");
    w.write(1, "Type\tStatus\tReason\tMessage");
    w.write(1, "----\t------\t------\t-------");
    for (const auto& c : conds)
      w.write(1, str(c, "type") + "\t" + str(c, "status") + "\t" + str(c, "reason") + "\t" + str(c, "message"));
  }
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
