#include "config/defaults.hpp"

#include "config/core_object_defaults.hpp"
#include "config/hpa_defaults.hpp"
#include "config/pod_defaults.hpp"
#include "config/workload_defaults.hpp"

namespace troupe::config {

namespace {

// Calls `f` with `obj` as a T when it is one.
template <class T, class F>
bool with(google::protobuf::Message& obj, F f) {
  auto* t = dynamic_cast<T*>(&obj);
  if (t) f(*t);
  return t != nullptr;
}

} // namespace

void apply_defaults(const kind_info& k, google::protobuf::Message& obj) {
  namespace core = troupe::core::v1;
  namespace apps = troupe::apps::v1;
  namespace batch = troupe::batch::v1;
  namespace as1 = troupe::autoscaling::v1;
  namespace as2 = troupe::autoscaling::v2;
  if (k.descriptor != obj.GetDescriptor()) return;
  with<core::Pod>(obj, default_pod) ||
      with<core::PodTemplate>(obj, [](core::PodTemplate& t) { default_pod_template(*t.mutable_template_()); }) ||
      with<core::Service>(obj, default_service) ||
      with<core::Namespace>(obj, default_namespace) ||
      with<core::Node>(obj, default_node) ||
      with<core::Secret>(obj, default_secret) ||
      with<core::Endpoints>(obj, default_endpoints) ||
      with<core::PersistentVolumeClaim>(obj, default_pvc) ||
      with<apps::ReplicaSet>(obj, default_replica_set) ||
      with<apps::Deployment>(obj, default_deployment) ||
      with<apps::DaemonSet>(obj, default_daemon_set) ||
      with<apps::StatefulSet>(obj, default_stateful_set) ||
      with<batch::Job>(obj, default_job) ||
      with<batch::CronJob>(obj, default_cron_job) ||
      with<as2::HorizontalPodAutoscaler>(obj, default_hpa) ||
      with<as1::HorizontalPodAutoscaler>(obj, default_hpa_v1);
}

} // namespace troupe::config
