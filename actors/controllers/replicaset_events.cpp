#include "actors/controllers/replicaset_events.hpp"

#include "actors/controllers/lifecycle_events.hpp"

namespace troupe::controllers {

namespace {

namespace v1 = troupe::core::v1;

v1::Event about(const apps::v1::ReplicaSet& rs, const char* type, const char* reason,
                const std::string& message, config::timestamp now) {
  v1::ObjectReference ref;
  ref.set_apiversion("apps/v1");
  ref.set_kind("ReplicaSet");
  ref.set_namespace_(rs.metadata().namespace_());
  ref.set_name(rs.metadata().name());
  ref.set_uid(rs.metadata().uid());
  ref.set_resourceversion(rs.metadata().resourceversion());
  return controller_event(std::move(ref), replicaset_component, type, reason, message, now);
}

} // namespace

v1::Event pod_created_event(const apps::v1::ReplicaSet& rs, const std::string& pod_name,
                            config::timestamp now) {
  return about(rs, "Normal", "SuccessfulCreate", "Created pod: " + pod_name, now);
}

v1::Event pod_create_failed_event(const apps::v1::ReplicaSet& rs, const std::string& error,
                                  config::timestamp now) {
  return about(rs, "Warning", "FailedCreate", "Error creating: " + error, now);
}

v1::Event pod_deleted_event(const apps::v1::ReplicaSet& rs, const std::string& pod_name,
                            config::timestamp now) {
  return about(rs, "Normal", "SuccessfulDelete", "Deleted pod: " + pod_name, now);
}

v1::Event pod_delete_failed_event(const apps::v1::ReplicaSet& rs, const std::string& error,
                                  config::timestamp now) {
  return about(rs, "Warning", "FailedDelete", "Error deleting: " + error, now);
}

} // namespace troupe::controllers
