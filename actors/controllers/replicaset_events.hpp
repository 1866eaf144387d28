#pragma once
// The Events the ReplicaSet controller records about a ReplicaSet, worded as Kubernetes' pod
// control (controller_utils.go) words them, from component "replicaset-controller":
//   Normal  SuccessfulCreate "Created pod: web-abcde"
//   Warning FailedCreate     "Error creating: <error>"
//   Normal  SuccessfulDelete "Deleted pod: web-abcde"
//   Warning FailedDelete     "Error deleting: <error>"
// Ready to create (lifecycle_events.hpp's controller_event).

#include <string>

#include "config/time_format.hpp"
#include "proto/apps_v1.pb.h"
#include "proto/core_v1.pb.h"

namespace troupe::controllers {

constexpr const char* replicaset_component = "replicaset-controller";

core::v1::Event pod_created_event(const apps::v1::ReplicaSet& rs, const std::string& pod_name,
                                  config::timestamp now);
core::v1::Event pod_create_failed_event(const apps::v1::ReplicaSet& rs, const std::string& error,
                                        config::timestamp now);
core::v1::Event pod_deleted_event(const apps::v1::ReplicaSet& rs, const std::string& pod_name,
                                  config::timestamp now);
core::v1::Event pod_delete_failed_event(const apps::v1::ReplicaSet& rs, const std::string& error,
                                        config::timestamp now);

} // namespace troupe::controllers
