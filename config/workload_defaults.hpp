#pragma once
// Kubernetes' defaults for the workload kinds: apps/v1 ReplicaSet, Deployment, DaemonSet,
// StatefulSet and batch/v1 Job and CronJob (their pod templates included). Idempotent.
// apps/v1 never derives a selector or labels from the template; batch/v1 copies the template's
// labels to a Job without labels, as upstream.

#include <string>

#include "proto/apps_v1.pb.h"
#include "proto/batch_v1.pb.h"

namespace troupe::config {

void default_replica_set(troupe::apps::v1::ReplicaSet& rs);
void default_deployment(troupe::apps::v1::Deployment& d);
void default_daemon_set(troupe::apps::v1::DaemonSet& ds);
void default_stateful_set(troupe::apps::v1::StatefulSet& sts);
void default_job(troupe::batch::v1::Job& job);
void default_cron_job(troupe::batch::v1::CronJob& cj);

/// What the API server does when it creates a Job without `manualSelector: true`: the selector
/// becomes `batch.kubernetes.io/controller-uid=<uid>` and the template gets that label plus
/// `batch.kubernetes.io/job-name=<name>` (and the legacy `controller-uid`/`job-name` pair).
/// Needs the uid the server assigns, so it is not part of apply_defaults. Idempotent.
void default_job_selector(troupe::batch::v1::Job& job, const std::string& uid);

} // namespace troupe::config
