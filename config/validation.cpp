#include "config/validation.hpp"

#include "config/core_object_validation.hpp"
#include "config/hpa_validation.hpp"
#include "config/name_validation.hpp"
#include "config/pod_validation.hpp"
#include "config/pvc_validation.hpp"
#include "config/workload_validation.hpp"

namespace troupe::config {

namespace {

// `f(obj as T)` when obj is a T.
template <class T, class F>
bool with(const google::protobuf::Message& obj, F f, field_errors& out) {
  const auto* t = dynamic_cast<const T*>(&obj);
  if (t) out = f(*t);
  return t != nullptr;
}

} // namespace

field_errors validate_object(const kind_info& k, const google::protobuf::Message& obj) {
  namespace core = troupe::core::v1;
  namespace apps = troupe::apps::v1;
  namespace batch = troupe::batch::v1;
  namespace as1 = troupe::autoscaling::v1;
  namespace as2 = troupe::autoscaling::v2;
  field_errors out;
  if (k.descriptor != obj.GetDescriptor()) return out;
  auto controller_revision = [](const apps::ControllerRevision& r) {
    auto errs = validate_object_meta(r.metadata(), name_rule::dns1123_subdomain, field_path("metadata"));
    if (r.revision() < 0)
      errs.push_back(field_error::invalid(field_path("revision"), std::to_string(r.revision()), "must be greater than or equal to 0"));
    return errs;
  };
  with<core::Pod>(obj, validate_pod, out) || with<core::Service>(obj, validate_service, out) ||
      with<core::Namespace>(obj, validate_namespace, out) || with<core::Node>(obj, validate_node, out) ||
      with<core::Event>(obj, validate_event, out) || with<core::ConfigMap>(obj, validate_config_map, out) ||
      with<core::Secret>(obj, validate_secret, out) || with<core::Endpoints>(obj, validate_endpoints, out) ||
      with<core::PersistentVolumeClaim>(obj, validate_pvc, out) ||
      with<core::PodTemplate>(obj, validate_pod_template, out) || with<core::Binding>(obj, validate_binding, out) ||
      with<apps::ReplicaSet>(obj, validate_replica_set, out) || with<apps::Deployment>(obj, validate_deployment, out) ||
      with<apps::DaemonSet>(obj, validate_daemon_set, out) || with<apps::StatefulSet>(obj, validate_stateful_set, out) ||
      with<apps::ControllerRevision>(obj, controller_revision, out) || with<batch::Job>(obj, validate_job, out) ||
      with<batch::CronJob>(obj, validate_cron_job, out) || with<as2::HorizontalPodAutoscaler>(obj, validate_hpa, out) ||
      with<as1::HorizontalPodAutoscaler>(obj, validate_hpa_v1, out);
  return out;
}

} // namespace troupe::config
