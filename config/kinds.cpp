#include "config/kinds.hpp"

#include <google/protobuf/message.h>

#include "proto/apps_v1.pb.h"
#include "proto/autoscaling_v1.pb.h"
#include "proto/autoscaling_v2.pb.h"
#include "proto/batch_v1.pb.h"
#include "proto/core_v1.pb.h"
#include "proto/meta.pb.h"
#include "proto/metrics_v1beta1.pb.h"

namespace troupe::config {

namespace {

using google::protobuf::Descriptor;
using strings = std::vector<std::string>;

template <class T, class L>
kind_info make(std::string group, std::string version, std::string kind, std::string resource,
               std::string singular, bool namespaced, strings short_names, strings categories,
               strings subresources, std::string storage_version = {}) {
  kind_info k;
  k.group = std::move(group);
  k.version = std::move(version);
  k.kind = std::move(kind);
  k.resource = std::move(resource);
  k.singular = std::move(singular);
  k.namespaced = namespaced;
  k.short_names = std::move(short_names);
  k.categories = std::move(categories);
  k.subresources = std::move(subresources);
  k.descriptor = T::descriptor();
  k.list_descriptor = L::descriptor();
  k.storage_version = storage_version.empty() ? k.version : std::move(storage_version);
  return k;
}

std::vector<kind_info> build() {
  namespace core = troupe::core::v1;
  namespace apps = troupe::apps::v1;
  namespace batch = troupe::batch::v1;
  namespace as1 = troupe::autoscaling::v1;
  namespace as2 = troupe::autoscaling::v2;
  namespace metrics = troupe::metrics::v1beta1;
  const strings all{"all"};
  const strings status{"status"};
  std::vector<kind_info> v;
  // core/v1
  v.push_back(make<core::Namespace, core::NamespaceList>("", "v1", "Namespace", "namespaces", "namespace", false, {"ns"}, {}, {"status", "finalize"}));
  v.push_back(make<core::Node, core::NodeList>("", "v1", "Node", "nodes", "node", false, {"no"}, {}, {"status", "proxy"}));
  v.push_back(make<core::Pod, core::PodList>("", "v1", "Pod", "pods", "pod", true, {"po"}, all, {"status", "log", "binding", "eviction", "exec"}));
  v.push_back(make<core::Service, core::ServiceList>("", "v1", "Service", "services", "service", true, {"svc"}, all, status));
  v.push_back(make<core::Endpoints, core::EndpointsList>("", "v1", "Endpoints", "endpoints", "endpoints", true, {"ep"}, {}, {}));
  v.push_back(make<core::Event, core::EventList>("", "v1", "Event", "events", "event", true, {"ev"}, {}, {}));
  v.push_back(make<core::ConfigMap, core::ConfigMapList>("", "v1", "ConfigMap", "configmaps", "configmap", true, {"cm"}, {}, {}));
  v.push_back(make<core::Secret, core::SecretList>("", "v1", "Secret", "secrets", "secret", true, {}, {}, {}));
  v.push_back(make<core::PersistentVolumeClaim, core::PersistentVolumeClaimList>("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "persistentvolumeclaim", true, {"pvc"}, {}, status));
  v.push_back(make<core::PodTemplate, core::PodTemplateList>("", "v1", "PodTemplate", "podtemplates", "podtemplate", true, {}, {}, {}));
  v.push_back(make<core::Binding, core::PodList>("", "v1", "Binding", "bindings", "binding", true, {}, {}, {}));
  // apps/v1
  v.push_back(make<apps::Deployment, apps::DeploymentList>("apps", "v1", "Deployment", "deployments", "deployment", true, {"deploy"}, all, {"status", "scale"}));
  v.push_back(make<apps::ReplicaSet, apps::ReplicaSetList>("apps", "v1", "ReplicaSet", "replicasets", "replicaset", true, {"rs"}, all, {"status", "scale"}));
  v.push_back(make<apps::DaemonSet, apps::DaemonSetList>("apps", "v1", "DaemonSet", "daemonsets", "daemonset", true, {"ds"}, all, status));
  v.push_back(make<apps::StatefulSet, apps::StatefulSetList>("apps", "v1", "StatefulSet", "statefulsets", "statefulset", true, {"sts"}, all, {"status", "scale"}));
  v.push_back(make<apps::ControllerRevision, apps::ControllerRevisionList>("apps", "v1", "ControllerRevision", "controllerrevisions", "controllerrevision", true, {}, {}, {}));
  // autoscaling before batch: discovery lists groups in upstream's order, which kubectl follows
  // (e.g. `get all` prints HPAs before CronJobs and Jobs).
  // autoscaling: v2 is preferred and stored; v1 is converted
  v.push_back(make<as2::HorizontalPodAutoscaler, as2::HorizontalPodAutoscalerList>("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler", true, {"hpa"}, all, status));
  v.push_back(make<as1::HorizontalPodAutoscaler, as1::HorizontalPodAutoscalerList>("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "horizontalpodautoscaler", true, {"hpa"}, all, status, "v2"));
  v.push_back(make<as1::Scale, as1::Scale>("autoscaling", "v1", "Scale", "", "", true, {}, {}, {}));
  // batch/v1 (+ v1beta1 CronJob, which has the same schema and is stored as v1)
  v.push_back(make<batch::Job, batch::JobList>("batch", "v1", "Job", "jobs", "job", true, {}, all, status));
  v.push_back(make<batch::CronJob, batch::CronJobList>("batch", "v1", "CronJob", "cronjobs", "cronjob", true, {"cj"}, all, status));
  v.push_back(make<batch::CronJob, batch::CronJobList>("batch", "v1beta1", "CronJob", "cronjobs", "cronjob", true, {"cj"}, all, status, "v1"));
  // metrics.k8s.io (read-only, computed from node stats)
  v.push_back(make<metrics::NodeMetrics, metrics::NodeMetricsList>("metrics.k8s.io", "v1beta1", "NodeMetrics", "nodes", "", false, {}, {}, {}));
  v.push_back(make<metrics::PodMetrics, metrics::PodMetricsList>("metrics.k8s.io", "v1beta1", "PodMetrics", "pods", "", true, {}, {}, {}));
  // meta types that travel in envelopes but are not REST resources
  v.push_back(make<troupe::meta::Status, troupe::meta::Status>("", "v1", "Status", "", "", false, {}, {}, {}));
  v.push_back(make<troupe::meta::DeleteOptions, troupe::meta::DeleteOptions>("", "v1", "DeleteOptions", "", "", false, {}, {}, {}));
  v.push_back(make<troupe::meta::DeleteOptions, troupe::meta::DeleteOptions>("meta.k8s.io", "v1", "DeleteOptions", "", "", false, {}, {}, {}));
  v.push_back(make<troupe::meta::Table, troupe::meta::Table>("meta.k8s.io", "v1", "Table", "", "", false, {}, {}, {}));
  v.push_back(make<troupe::meta::PartialObjectMetadata, troupe::meta::PartialObjectMetadataList>("meta.k8s.io", "v1", "PartialObjectMetadata", "", "", false, {}, {}, {}));
  v.push_back(make<troupe::meta::WatchEvent, troupe::meta::WatchEvent>("meta.k8s.io", "v1", "WatchEvent", "", "", false, {}, {}, {}));
  return v;
}

std::unique_ptr<google::protobuf::Message> instantiate(const Descriptor* d) {
  const auto* proto = google::protobuf::MessageFactory::generated_factory()->GetPrototype(d);
  return std::unique_ptr<google::protobuf::Message>(proto->New());
}

} // namespace

std::unique_ptr<google::protobuf::Message> kind_info::new_object() const {
  return instantiate(descriptor);
}

std::unique_ptr<google::protobuf::Message> kind_info::new_list() const {
  return instantiate(list_descriptor);
}

const std::vector<kind_info>& all_kinds() {
  static const std::vector<kind_info> kinds = build();
  return kinds;
}

std::pair<std::string, std::string> split_api_version(std::string_view api_version) {
  auto slash = api_version.find('/');
  if (slash == std::string_view::npos)
    return {"", std::string(api_version)};
  return {std::string(api_version.substr(0, slash)), std::string(api_version.substr(slash + 1))};
}

const kind_info* find_kind(std::string_view api_version, std::string_view kind) {
  auto [group, version] = split_api_version(api_version);
  for (const auto& k : all_kinds())
    if (k.kind == kind && k.group == group && k.version == version)
      return &k;
  return nullptr;
}

const kind_info* find_resource(std::string_view group, std::string_view version,
                               std::string_view resource) {
  for (const auto& k : all_kinds())
    if (!k.resource.empty() && k.resource == resource && k.group == group && k.version == version)
      return &k;
  return nullptr;
}

const kind_info& storage_kind(const kind_info& k) {
  if (k.is_storage_version())
    return k;
  const auto* s = find_kind(k.group.empty() ? k.storage_version : k.group + "/" + k.storage_version, k.kind);
  return s ? *s : k;
}

} // namespace troupe::config
