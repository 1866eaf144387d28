// Printers for the workload kinds: apps/v1 ReplicaSet, Deployment, DaemonSet, StatefulSet,
// ControllerRevision; batch Job and CronJob; autoscaling HPA (v2, and v1 through its v2 form).
#include "actors/api/table_printers.hpp"

#include <algorithm>

#include "actors/api/human_duration.hpp"
#include "config/kinds.hpp"
#include "config/quantity.hpp"
#include "config/version_conversion.hpp"
#include "proto/apps_v1.pb.h"
#include "proto/autoscaling_v1.pb.h"
#include "proto/autoscaling_v2.pb.h"
#include "proto/batch_v1.pb.h"

namespace troupe::api {

namespace {

namespace apps = troupe::apps::v1;
namespace batch = troupe::batch::v1;
namespace as2 = troupe::autoscaling::v2;
namespace as1 = troupe::autoscaling::v1;

std::string ratio(int64_t a, int64_t b) { return std::to_string(a) + "/" + std::to_string(b); }

printed_row print_replica_set(const apps::ReplicaSet& rs, config::timestamp now) {
  auto [names, images] = container_cells(rs.spec().template_().spec().containers());
  printed_row row;
  row.cells = {rs.metadata().name(), int64_t(rs.spec().replicas()), int64_t(rs.status().replicas()),
               int64_t(rs.status().readyreplicas()), object_age(rs.metadata(), now), names, images,
               format_label_selector(rs.spec().has_selector() ? &rs.spec().selector() : nullptr)};
  return row;
}

printed_row print_deployment(const apps::Deployment& d, config::timestamp now) {
  auto [names, images] = container_cells(d.spec().template_().spec().containers());
  printed_row row;
  row.cells = {d.metadata().name(), ratio(d.status().readyreplicas(), d.spec().replicas()),
               int64_t(d.status().updatedreplicas()), int64_t(d.status().availablereplicas()),
               object_age(d.metadata(), now), names, images,
               label_selector_string(d.spec().has_selector() ? &d.spec().selector() : nullptr)};
  return row;
}

printed_row print_daemon_set(const apps::DaemonSet& ds, config::timestamp now) {
  const auto& s = ds.status();
  auto [names, images] = container_cells(ds.spec().template_().spec().containers());
  printed_row row;
  row.cells = {ds.metadata().name(), int64_t(s.desirednumberscheduled()),
               int64_t(s.currentnumberscheduled()), int64_t(s.numberready()),
               int64_t(s.updatednumberscheduled()), int64_t(s.numberavailable()),
               format_labels(ds.spec().template_().spec().nodeselector()),
               object_age(ds.metadata(), now), names, images,
               format_label_selector(ds.spec().has_selector() ? &ds.spec().selector() : nullptr)};
  return row;
}

printed_row print_stateful_set(const apps::StatefulSet& ss, config::timestamp now) {
  auto [names, images] = container_cells(ss.spec().template_().spec().containers());
  printed_row row;
  row.cells = {ss.metadata().name(), ratio(ss.status().readyreplicas(), ss.spec().replicas()),
               object_age(ss.metadata(), now), names, images};
  return row;
}

// "daemonset.apps/web" from the controlling owner reference; "<none>" without one.
std::string controller_name(const troupe::meta::ObjectMeta& m) {
  for (const auto& ref : m.ownerreferences()) {
    if (!ref.controller())
      continue;
    auto gv = config::split_api_version(ref.apiversion());
    std::string kind = ref.kind();
    if (!gv.first.empty())
      kind += "." + gv.first;
    std::transform(kind.begin(), kind.end(), kind.begin(), [](unsigned char c) { return std::tolower(c); });
    return kind.empty() ? ref.name() : kind + "/" + ref.name();
  }
  return "<none>";
}

printed_row print_controller_revision(const apps::ControllerRevision& cr, config::timestamp now) {
  printed_row row;
  row.cells = {cr.metadata().name(), controller_name(cr.metadata()), int64_t(cr.revision()),
               object_age(cr.metadata(), now)};
  return row;
}

bool job_condition(const batch::JobStatus& s, const std::string& type) {
  for (const auto& c : s.conditions())
    if (c.type() == type && c.status() == "True")
      return true;
  return false;
}

printed_row print_job(const batch::Job& job, config::timestamp now) {
  const auto& spec = job.spec();
  const auto& st = job.status();
  std::string completions;
  if (spec.has_completions()) {
    completions = ratio(st.succeeded(), spec.completions());
  } else {
    int parallelism = spec.has_parallelism() ? spec.parallelism() : 0;
    completions = std::to_string(st.succeeded()) + "/1";
    if (parallelism > 1)
      completions += " of " + std::to_string(parallelism);
  }
  std::string duration;
  if (st.has_starttime()) {
    config::timestamp start{st.starttime().seconds(), st.starttime().nanos()};
    config::timestamp end = st.has_completiontime()
                                ? config::timestamp{st.completiontime().seconds(), st.completiontime().nanos()}
                                : now;
    duration = human_duration(nanos_between(start, end));
  }
  std::string status = "Running";
  if (job_condition(st, "Complete"))
    status = "Complete";
  else if (job_condition(st, "Failed"))
    status = "Failed";
  else if (job.metadata().has_deletiontimestamp())
    status = "Terminating";
  else if (job_condition(st, "Suspended"))
    status = "Suspended";
  else if (job_condition(st, "FailureTarget"))
    status = "FailureTarget";
  else if (job_condition(st, "SuccessCriteriaMet"))
    status = "SuccessCriteriaMet";
  auto [names, images] = container_cells(spec.template_().spec().containers());
  printed_row row;
  row.cells = {job.metadata().name(), status, completions, duration, object_age(job.metadata(), now),
               names, images, format_label_selector(spec.has_selector() ? &spec.selector() : nullptr)};
  return row;
}

printed_row print_cron_job(const batch::CronJob& cj, config::timestamp now) {
  const auto& spec = cj.spec();
  std::string suspend = spec.has_suspend() ? (spec.suspend() ? "True" : "False") : "<unset>";
  std::string last = cj.status().has_lastscheduletime() ? age_since(&cj.status().lastscheduletime(), now)
                                                        : "<none>";
  const auto& job_spec = spec.jobtemplate().spec();
  auto [names, images] = container_cells(job_spec.template_().spec().containers());
  printed_row row;
  row.cells = {cj.metadata().name(), spec.schedule(), spec.has_timezone() ? spec.timezone() : "<none>",
               suspend, int64_t(cj.status().active_size()), last, object_age(cj.metadata(), now),
               names, images,
               format_label_selector(job_spec.has_selector() ? &job_spec.selector() : nullptr)};
  return row;
}

// ---- HorizontalPodAutoscaler ----

std::string quantity_text(const troupe::meta::Quantity& q) {
  auto parsed = config::parse_quantity(q.string());
  if (parsed)
    return parsed->to_string();
  return q.string().empty() ? "0" : q.string();
}

std::string percent(int32_t v) { return std::to_string(v) + "%"; }

// One metric as "cpu: 20%/50%", "<unknown>/100 (avg)", ... (formatHPAMetrics).
std::string hpa_metric(const as2::MetricSpec& spec, const as2::MetricStatus* status) {
  const std::string unknown = "<unknown>";
  const std::string& type = spec.type();
  if (type == "External") {
    const auto& t = spec.external().target();
    if (t.has_averagevalue()) {
      std::string cur = status && status->has_external() && status->external().current().has_averagevalue()
                            ? quantity_text(status->external().current().averagevalue()) : unknown;
      return cur + "/" + quantity_text(t.averagevalue()) + " (avg)";
    }
    std::string cur = status && status->has_external() ? quantity_text(status->external().current().value()) : unknown;
    return cur + "/" + quantity_text(t.value());
  }
  if (type == "Pods") {
    std::string cur = status && status->has_pods() ? quantity_text(status->pods().current().averagevalue()) : unknown;
    return cur + "/" + quantity_text(spec.pods().target().averagevalue());
  }
  if (type == "Object") {
    const auto& t = spec.object().target();
    if (t.has_averagevalue()) {
      std::string cur = status && status->has_object() && status->object().current().has_averagevalue()
                            ? quantity_text(status->object().current().averagevalue()) : unknown;
      return cur + "/" + quantity_text(t.averagevalue()) + " (avg)";
    }
    std::string cur = status && status->has_object() ? quantity_text(status->object().current().value()) : unknown;
    return cur + "/" + quantity_text(t.value());
  }
  if (type == "Resource" || type == "ContainerResource") {
    bool container = type == "ContainerResource";
    const std::string& name = container ? spec.containerresource().name() : spec.resource().name();
    const auto& t = container ? spec.containerresource().target() : spec.resource().target();
    bool has_status = status && (container ? status->has_containerresource() : status->has_resource());
    const as2::MetricValueStatus* cur = !has_status ? nullptr
                                        : container ? &status->containerresource().current()
                                                    : &status->resource().current();
    if (t.has_averagevalue()) {
      std::string c = cur ? quantity_text(cur->averagevalue()) : unknown;
      return name + ": " + c + "/" + quantity_text(t.averagevalue());
    }
    std::string c = cur && cur->has_averageutilization() ? percent(cur->averageutilization()) : unknown;
    std::string target = t.has_averageutilization() ? percent(t.averageutilization()) : "<auto>";
    return name + ": " + c + "/" + target;
  }
  return "<unknown type>";
}

std::string hpa_metrics(const as2::HorizontalPodAutoscaler& h) {
  const auto& specs = h.spec().metrics();
  if (specs.empty())
    return "<none>";
  const auto& statuses = h.status().currentmetrics();
  const int max = 2;
  std::string out;
  for (int i = 0; i < specs.size() && i < max; ++i) {
    if (i > 0)
      out += ", ";
    out += hpa_metric(specs[i], i < statuses.size() ? &statuses[i] : nullptr);
  }
  if (specs.size() > max)
    out += " + " + std::to_string(specs.size() - max) + " more...";
  return out;
}

printed_row print_hpa(const as2::HorizontalPodAutoscaler& h, config::timestamp now) {
  const auto& spec = h.spec();
  printed_row row;
  row.cells = {h.metadata().name(),
               spec.scaletargetref().kind() + "/" + spec.scaletargetref().name(),
               hpa_metrics(h),
               spec.has_minreplicas() ? std::to_string(spec.minreplicas()) : "<unset>",
               int64_t(spec.maxreplicas()),
               int64_t(h.status().currentreplicas()),
               object_age(h.metadata(), now)};
  return row;
}

// v1 objects are printed from their v2 form, so both versions show the same row.
printed_row print_hpa_v1(const as1::HorizontalPodAutoscaler& h, config::timestamp now) {
  static const config::kind_info* v1 = config::find_kind("autoscaling/v1", "HorizontalPodAutoscaler");
  auto converted = config::to_storage_version(*v1, h);
  if (const auto* v2 = dynamic_cast<const as2::HorizontalPodAutoscaler*>(converted.object.get()))
    return print_hpa(*v2, now);
  as2::HorizontalPodAutoscaler empty;
  *empty.mutable_metadata() = h.metadata();
  return print_hpa(empty, now);
}

column text(const char* name, const char* description, int priority = 0) {
  return {name, "string", "", description, priority};
}

column integer(const char* name, const char* description, int priority = 0) {
  return {name, "integer", "", description, priority};
}

std::vector<column> template_columns(bool selector = true) {
  std::vector<column> c{text("Containers", "Container names in the pod template.", 1),
                        text("Images", "Container images in the pod template.", 1)};
  if (selector)
    c.push_back(text("Selector", "The label selector of the pods.", 1));
  return c;
}

std::vector<column> with(std::vector<column> head, const std::vector<column>& tail) {
  head.insert(head.end(), tail.begin(), tail.end());
  return head;
}

} // namespace

void add_workload_printers(printer_map& m) {
  m[apps::ReplicaSet::descriptor()->full_name()] = printer{
      with({name_column(), integer("Desired", "Pods wanted."), integer("Current", "Pods that exist."),
            integer("Ready", "Pods that are ready."), age_column()},
           template_columns()),
      typed<apps::ReplicaSet>(print_replica_set)};
  m[apps::Deployment::descriptor()->full_name()] = printer{
      with({name_column(), text("Ready", "Ready pods out of wanted pods."),
            integer("Up-to-date", "Pods running the current template."),
            integer("Available", "Pods available to serve."), age_column()},
           template_columns()),
      typed<apps::Deployment>(print_deployment)};
  m[apps::DaemonSet::descriptor()->full_name()] = printer{
      with({name_column(), integer("Desired", "Nodes that should run the pod."),
            integer("Current", "Nodes that run the pod."), integer("Ready", "Nodes where the pod is ready."),
            integer("Up-to-date", "Nodes running the current template."),
            integer("Available", "Nodes where the pod is available."),
            text("Node Selector", "The node selector of the pod template."), age_column()},
           template_columns()),
      typed<apps::DaemonSet>(print_daemon_set)};
  m[apps::StatefulSet::descriptor()->full_name()] = printer{
      with({name_column(), text("Ready", "Ready pods out of wanted pods."), age_column()},
           template_columns(false)),
      typed<apps::StatefulSet>(print_stateful_set)};
  m[apps::ControllerRevision::descriptor()->full_name()] = printer{
      {name_column(), text("Controller", "The object that owns the revision."),
       integer("Revision", "The revision number."), age_column()},
      typed<apps::ControllerRevision>(print_controller_revision)};
  m[batch::Job::descriptor()->full_name()] = printer{
      with({name_column(), text("Status", "The job's state."),
            text("Completions", "Succeeded pods out of required completions."),
            text("Duration", "How long the job ran or has been running."), age_column()},
           template_columns()),
      typed<batch::Job>(print_job)};
  m[batch::CronJob::descriptor()->full_name()] = printer{
      with({name_column(), text("Schedule", "The cron schedule."), text("Timezone", "The schedule's time zone."),
            text("Suspend", "Whether new runs are suspended."), integer("Active", "Jobs running now."),
            text("Last Schedule", "Time since a job was last scheduled."), age_column()},
           template_columns()),
      typed<batch::CronJob>(print_cron_job)};
  std::vector<column> hpa{name_column(),
                          text("Reference", "The scaled object."),
                          text("Targets", "Current and target values of the metrics."),
                          text("MinPods", "The lower replica limit."),
                          integer("MaxPods", "The upper replica limit."),
                          integer("Replicas", "Replicas now."),
                          age_column()};
  m[as2::HorizontalPodAutoscaler::descriptor()->full_name()] = printer{hpa, typed<as2::HorizontalPodAutoscaler>(print_hpa)};
  m[as1::HorizontalPodAutoscaler::descriptor()->full_name()] = printer{hpa, typed<as1::HorizontalPodAutoscaler>(print_hpa_v1)};
}

} // namespace troupe::api
