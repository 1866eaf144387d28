#pragma once
// Kubernetes' defaults for pods, pod templates and what they contain (containers, probes, volumes),
// plus the few values admission plugins add to a pod on create. Idempotent.
//
// Pod templates get only the PodSpec defaults. A Pod object additionally gets what Kubernetes sets
// for Pods alone: enableServiceLinks, requests copied from limits, and what the ServiceAccount,
// Priority and DefaultTolerationSeconds admission plugins add on create (serviceAccountName
// "default", priority 0 with preemptionPolicy PreemptLowerPriority, NoExecute tolerations of
// not-ready/unreachable for 300s). Not done here: the kube-api-access projected volume the
// ServiceAccount plugin mounts (the kubelet side decides whether Troupe needs it) and status.

#include "proto/core_v1.pb.h"

namespace troupe::config {

void default_container(troupe::core::v1::Container& c);
void default_probe(troupe::core::v1::Probe& p);
void default_volume(troupe::core::v1::Volume& v);
void default_pod_spec(troupe::core::v1::PodSpec& spec);
void default_pod_template(troupe::core::v1::PodTemplateSpec& t);
void default_pvc_spec(troupe::core::v1::PersistentVolumeClaimSpec& spec);

/// Everything default_pod_spec does plus the Pod-only defaults listed above.
void default_pod(troupe::core::v1::Pod& pod);

/// The DefaultTolerationSeconds admission plugin's values (kube-apiserver
/// --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds).
struct toleration_defaults {
  int64_t not_ready_seconds = 300;
  int64_t unreachable_seconds = 300;
};

/// The DefaultTolerationSeconds plugin alone: a not-ready and an unreachable NoExecute toleration
/// (operator Exists) with these seconds, each unless the pod already tolerates that taint's
/// NoExecute effect. default_pod() does this with 300 s.
void add_default_tolerations(troupe::core::v1::Pod& pod, const toleration_defaults& defaults);

/// What Kubernetes 1.31+ does to a pod on create (MatchLabelKeysInPodAffinity): for every pod
/// (anti-)affinity term with a labelSelector, each matchLabelKeys key the pod has as a label
/// becomes `key In (value)` in the selector's matchExpressions, each mismatchLabelKeys key
/// `key NotIn (value)`; keys the pod lacks are skipped. The scheduler then reads only the
/// selector. Not for templates (their pods get it when created). Idempotent: an identical
/// requirement already there is not added again.
void merge_match_label_keys(troupe::core::v1::Pod& pod);

/// "Always" for an image without a tag or tagged ":latest", "IfNotPresent" otherwise (a digest
/// counts as pinned).
std::string default_image_pull_policy(const std::string& image);

} // namespace troupe::config
