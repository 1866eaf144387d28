#include "config/workload_defaults.hpp"

#include <limits>

#include "config/pod_defaults.hpp"

namespace troupe::config {

namespace apps = troupe::apps::v1;
namespace batch = troupe::batch::v1;

namespace {

void set_int_or_string(troupe::meta::IntOrString& v, int32_t i) {
  v.set_type(0);
  v.set_intval(i);
}

void set_int_or_string(troupe::meta::IntOrString& v, const char* s) {
  v.set_type(1);
  v.set_strval(s);
}

} // namespace

void default_replica_set(apps::ReplicaSet& rs) {
  auto& spec = *rs.mutable_spec();
  if (!spec.has_replicas()) spec.set_replicas(1);
  default_pod_template(*spec.mutable_template_());
}

void default_deployment(apps::Deployment& d) {
  auto& spec = *d.mutable_spec();
  if (!spec.has_replicas()) spec.set_replicas(1);
  auto& strategy = *spec.mutable_strategy();
  if (strategy.type().empty()) strategy.set_type("RollingUpdate");
  if (strategy.type() == "RollingUpdate") {
    auto& ru = *strategy.mutable_rollingupdate();
    if (!ru.has_maxunavailable()) set_int_or_string(*ru.mutable_maxunavailable(), "25%");
    if (!ru.has_maxsurge()) set_int_or_string(*ru.mutable_maxsurge(), "25%");
  }
  if (!spec.has_revisionhistorylimit()) spec.set_revisionhistorylimit(10);
  if (!spec.has_progressdeadlineseconds()) spec.set_progressdeadlineseconds(600);
  default_pod_template(*spec.mutable_template_());
}

void default_daemon_set(apps::DaemonSet& ds) {
  auto& spec = *ds.mutable_spec();
  auto& strategy = *spec.mutable_updatestrategy();
  if (strategy.type().empty()) strategy.set_type("RollingUpdate");
  if (strategy.type() == "RollingUpdate") {
    auto& ru = *strategy.mutable_rollingupdate();
    if (!ru.has_maxunavailable()) set_int_or_string(*ru.mutable_maxunavailable(), 1);
    if (!ru.has_maxsurge()) set_int_or_string(*ru.mutable_maxsurge(), 0);
  }
  if (!spec.has_revisionhistorylimit()) spec.set_revisionhistorylimit(10);
  default_pod_template(*spec.mutable_template_());
}

void default_stateful_set(apps::StatefulSet& sts) {
  auto& spec = *sts.mutable_spec();
  if (!spec.has_replicas()) spec.set_replicas(1);
  if (spec.podmanagementpolicy().empty()) spec.set_podmanagementpolicy("OrderedReady");
  auto& strategy = *spec.mutable_updatestrategy();
  if (strategy.type().empty()) strategy.set_type("RollingUpdate");
  // maxUnavailable stays unset: upstream defaults it only behind the alpha MaxUnavailableStatefulSet gate.
  if (strategy.type() == "RollingUpdate" && !strategy.rollingupdate().has_partition())
    strategy.mutable_rollingupdate()->set_partition(0);
  if (!spec.has_revisionhistorylimit()) spec.set_revisionhistorylimit(10);
  auto& retention = *spec.mutable_persistentvolumeclaimretentionpolicy();
  if (retention.whendeleted().empty()) retention.set_whendeleted("Retain");
  if (retention.whenscaled().empty()) retention.set_whenscaled("Retain");
  for (auto& claim : *spec.mutable_volumeclaimtemplates())
    default_pvc_spec(*claim.mutable_spec());
  default_pod_template(*spec.mutable_template_());
}

void default_job(batch::Job& job) {
  auto& spec = *job.mutable_spec();
  // Both unset: one pod to completion. Only completions unset: a work queue, left unset.
  if (!spec.has_completions() && !spec.has_parallelism()) spec.set_completions(1);
  if (!spec.has_parallelism()) spec.set_parallelism(1);
  if (!spec.has_backofflimit())
    spec.set_backofflimit(spec.has_backofflimitperindex() ? std::numeric_limits<int32_t>::max() : 6);
  if (!spec.has_completionmode()) spec.set_completionmode("NonIndexed");
  if (!spec.has_suspend()) spec.set_suspend(false);
  if (spec.has_podfailurepolicy())
    for (auto& rule : *spec.mutable_podfailurepolicy()->mutable_rules())
      for (auto& c : *rule.mutable_onpodconditions())
        if (c.status().empty()) c.set_status("True");
  if (!spec.has_podreplacementpolicy())
    spec.set_podreplacementpolicy(spec.has_podfailurepolicy() ? "Failed" : "TerminatingOrFailed");
  const auto& template_labels = spec.template_().metadata().labels();
  if (job.metadata().labels().empty() && !template_labels.empty())
    *job.mutable_metadata()->mutable_labels() = template_labels;
  default_pod_template(*spec.mutable_template_());
}

void default_cron_job(batch::CronJob& cj) {
  auto& spec = *cj.mutable_spec();
  if (spec.concurrencypolicy().empty()) spec.set_concurrencypolicy("Allow");
  if (!spec.has_suspend()) spec.set_suspend(false);
  if (!spec.has_successfuljobshistorylimit()) spec.set_successfuljobshistorylimit(3);
  if (!spec.has_failedjobshistorylimit()) spec.set_failedjobshistorylimit(1);
  // The Job defaults themselves apply when a Job is created from the template, not here.
  default_pod_template(*spec.mutable_jobtemplate()->mutable_spec()->mutable_template_());
}

void default_job_selector(batch::Job& job, const std::string& uid) {
  auto& spec = *job.mutable_spec();
  if (spec.manualselector()) return;
  auto& labels = *spec.mutable_template_()->mutable_metadata()->mutable_labels();
  labels["batch.kubernetes.io/controller-uid"] = uid;
  labels["batch.kubernetes.io/job-name"] = job.metadata().name();
  labels["controller-uid"] = uid;
  labels["job-name"] = job.metadata().name();
  auto& selector = *spec.mutable_selector();
  if (selector.matchlabels().empty() && selector.matchexpressions().empty())
    (*selector.mutable_matchlabels())["batch.kubernetes.io/controller-uid"] = uid;
}

} // namespace troupe::config
