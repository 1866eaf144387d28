#pragma once
// Validation of the workload kinds (apps/v1 ReplicaSet, Deployment, DaemonSet, StatefulSet and
// batch/v1 Job, CronJob) on defaulted objects, worded as Kubernetes.
//
// Job selectors: without `manualSelector: true` the API server generates the selector at create
// (default_job_selector), so a Job without one is accepted here; a selector that is present must
// match the template's labels like any other.

#include "config/field_error.hpp"
#include "proto/apps_v1.pb.h"
#include "proto/batch_v1.pb.h"

namespace troupe::config {

field_errors validate_replica_set(const troupe::apps::v1::ReplicaSet& rs);
field_errors validate_deployment(const troupe::apps::v1::Deployment& d);
field_errors validate_daemon_set(const troupe::apps::v1::DaemonSet& ds);
field_errors validate_stateful_set(const troupe::apps::v1::StatefulSet& sts);
/// Job and CronJob: batch_validation.cpp.
field_errors validate_job(const troupe::batch::v1::Job& job);
field_errors validate_cron_job(const troupe::batch::v1::CronJob& cj);

/// `<template_path>.metadata.labels: Invalid value: map[...]: `selector` does not match template
/// `labels`` when a non-empty selector does not select the template's labels.
field_errors validate_template_matches_selector(const troupe::meta::LabelSelector* selector,
                                                const troupe::core::v1::PodTemplateSpec& tpl,
                                                const field_path& template_path);

/// An int >= 0 or a "<n>%" string (ValidatePositiveIntOrPercent).
field_errors validate_int_or_percent(const troupe::meta::IntOrString& v, const field_path& path);

} // namespace troupe::config
