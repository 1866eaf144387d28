#pragma once
// What one write does to the stored state, decided by pure functions (no I/O, no clock, no
// randomness: the revision, time and uid are arguments). The commit loop reads the current
// object, asks for a plan, and applies it.

#include <google/protobuf/message.h>

#include <memory>
#include <string>
#include <string_view>

#include "config/kinds.hpp"
#include "config/time_format.hpp"
#include "store/object_store.hpp"
#include "store/status.hpp"

namespace troupe::store {

struct write_plan {
  enum class action { reject, none, put, remove };
  action act = action::reject;
  status error;                                      // reject only
  watch_event_type event = watch_event_type::added;  // put, remove
  // put: the state to store; remove: the last state; both with resourceVersion = the revision.
  std::shared_ptr<google::protobuf::Message> object;
};

/// already_exists if `existing`; invalid without a name, or without a namespace for a namespaced
/// kind. Sets uid, creationTimestamp = now, generation 1, resourceVersion; clears deletion fields.
write_plan plan_create(const config::kind_info& kind, const google::protobuf::Message* existing,
                       const google::protobuf::Message& incoming, int64_t revision,
                       config::timestamp now, const std::string& uid);
/// The same, changing `owned` (a private copy of the incoming object) instead of copying it: the
/// store makes that copy in the writer's thread (or takes the caller's object over), outside the
/// commit thread.
write_plan plan_create(const config::kind_info& kind, const google::protobuf::Message* existing,
                       std::shared_ptr<google::protobuf::Message> owned, int64_t revision,
                       config::timestamp now, const std::string& uid);

/// not_found, conflict on a stale resourceVersion, none when nothing changes, remove when the
/// last finalizer of a marked object (grace period 0) goes.
write_plan plan_update(const config::kind_info& kind, const google::protobuf::Message* existing,
                       const google::protobuf::Message& incoming, int64_t revision);
/// The same on a private copy (see plan_create). `existing_bytes`, when not empty, is the
/// deterministic serialization of `existing` (as stored): the no-change test compares with it
/// instead of serializing `existing` again.
write_plan plan_update(const config::kind_info& kind, const google::protobuf::Message* existing,
                       std::shared_ptr<google::protobuf::Message> owned, int64_t revision,
                       std::string_view existing_bytes = {});

/// not_found, conflict on a failed precondition; marks (put, MODIFIED) while finalizers remain or
/// a grace period runs; remove otherwise; none when a marked object is asked again for no sooner.
write_plan plan_delete(const config::kind_info& kind, std::string_view name,
                       const google::protobuf::Message* existing, const delete_options& options,
                       int64_t revision, config::timestamp now);

/// Kubernetes' wording for the failures above.
status not_found_error(const config::kind_info& kind, std::string_view name);
status conflict_error(const config::kind_info& kind, std::string_view name);

} // namespace troupe::store
