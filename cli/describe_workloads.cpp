// kubectl describe layouts of workloads: Pod, Deployment, ReplicaSet, Job, HorizontalPodAutoscaler.
#include "cli/describe_layout.hpp"

#include "cli/selector_text.hpp"

namespace troupe::cli::describe_layout {

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

static std::string replicas_line(const json& st, int64_t desired) {
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

static std::string pod_phase_counts(const json& pods) {
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

// The status.currentMetrics entry's "current" for a metric, or null.
static json hpa_current(const json& current, const std::string& type, const std::string& name) {
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

} // namespace troupe::cli::describe_layout
