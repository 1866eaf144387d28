#include "store/write_plan.hpp"

#include "config/object_codec.hpp"
#include "store/object_meta.hpp"

namespace troupe::store {

namespace {

using google::protobuf::Message;

std::shared_ptr<Message> copy_of(const Message& m) {
  std::shared_ptr<Message> c(m.New());
  c->CopyFrom(m);
  return c;
}

write_plan reject(status s) {
  write_plan p;
  p.act = write_plan::action::reject;
  p.error = std::move(s);
  return p;
}

write_plan unchanged() {
  write_plan p;
  p.act = write_plan::action::none;
  return p;
}

write_plan put(std::shared_ptr<Message> object, int64_t revision, watch_event_type event) {
  mutable_object_meta(*object)->set_resourceversion(std::to_string(revision));
  write_plan p;
  p.act = write_plan::action::put;
  p.event = event;
  p.object = std::move(object);
  return p;
}

write_plan remove_plan(std::shared_ptr<Message> last_state, int64_t revision) {
  write_plan p = put(std::move(last_state), revision, watch_event_type::deleted);
  p.act = write_plan::action::remove;
  return p;
}

status precondition_failed(const config::kind_info& kind, std::string_view name,
                           const std::string& detail) {
  return status::conflict("Operation cannot be fulfilled on " + qualified_resource(kind) + " \"" +
                          std::string(name) + "\": Precondition failed: " + detail);
}

void set_time(meta::Time* t, int64_t seconds) {
  t->set_seconds(seconds);
  t->set_nanos(0);
}

} // namespace

status not_found_error(const config::kind_info& kind, std::string_view name) {
  return status::not_found(qualified_resource(kind) + " \"" + std::string(name) + "\" not found");
}

status conflict_error(const config::kind_info& kind, std::string_view name) {
  return status::conflict("Operation cannot be fulfilled on " + qualified_resource(kind) + " \"" +
                          std::string(name) +
                          "\": the object has been modified; please apply your changes to the "
                          "latest version and try again");
}

write_plan plan_create(const config::kind_info& kind, const Message* existing,
                       const Message& incoming, int64_t revision, config::timestamp now,
                       const std::string& uid) {
  return plan_create(kind, existing, copy_of(incoming), revision, now, uid);
}

write_plan plan_create(const config::kind_info& kind, const Message* existing,
                       std::shared_ptr<Message> object, int64_t revision, config::timestamp now,
                       const std::string& uid) {
  const auto& in = object_meta(*object);
  if (in.name().empty()) {
    return reject(status::invalid("metadata.name: Required value: name or generateName is required"));
  }
  if (kind.namespaced && in.namespace_().empty()) {
    return reject(status::invalid("metadata.namespace: Required value"));
  }
  if (existing != nullptr) {
    return reject(status::already_exists(qualified_resource(kind) + " \"" + in.name() +
                                         "\" already exists"));
  }
  auto* m = mutable_object_meta(*object);
  if (!kind.namespaced) m->clear_namespace_();
  m->set_uid(uid);
  set_time(m->mutable_creationtimestamp(), now.seconds);
  m->set_generation(1);
  m->clear_deletiontimestamp();
  m->clear_deletiongraceperiodseconds();
  return put(std::move(object), revision, watch_event_type::added);
}

write_plan plan_update(const config::kind_info& kind, const Message* existing,
                       const Message& incoming, int64_t revision) {
  return plan_update(kind, existing, copy_of(incoming), revision);
}

write_plan plan_update(const config::kind_info& kind, const Message* existing,
                       std::shared_ptr<Message> object, int64_t revision,
                       std::string_view existing_bytes) {
  const auto& in = object_meta(*object);
  if (existing == nullptr) return reject(not_found_error(kind, in.name()));
  const auto& old = object_meta(*existing);
  auto wanted = parse_revision(in.resourceversion());
  if (!wanted) {
    return reject(status::invalid("metadata.resourceVersion: Invalid value: \"" +
                                  in.resourceversion() + "\": must be a revision number"));
  }
  if (*wanted != 0 && in.resourceversion() != old.resourceversion()) {
    return reject(conflict_error(kind, in.name()));
  }
  auto* m = mutable_object_meta(*object);
  if (!kind.namespaced) m->clear_namespace_();
  // Fields the system owns: a client cannot change them by an update.
  m->set_uid(old.uid());
  *m->mutable_creationtimestamp() = old.creationtimestamp();
  if (old.has_deletiontimestamp()) {
    *m->mutable_deletiontimestamp() = old.deletiontimestamp();
  } else {
    m->clear_deletiontimestamp();
  }
  if (old.has_deletiongraceperiodseconds()) {
    m->set_deletiongraceperiodseconds(old.deletiongraceperiodseconds());
  } else {
    m->clear_deletiongraceperiodseconds();
  }
  m->set_resourceversion(old.resourceversion());
  m->set_generation(old.generation());
  // With the stored bytes, both tests compare serializations: the spec test on the top-level
  // fields outside metadata and status, then the whole object (no copy, no second serialization).
  std::string incoming_bytes = config::serialize_deterministic(*object);
  std::optional<bool> spec_differs;
  if (!existing_bytes.empty())
    spec_differs = spec_changed_bytes(object->GetDescriptor(), existing_bytes, incoming_bytes);
  if (!spec_differs) spec_differs = spec_changed(*existing, *object);
  if (*spec_differs) {
    m->set_generation(old.generation() + 1);
  } else if (existing_bytes.empty() ? incoming_bytes == config::serialize_deterministic(*existing)
                                    : incoming_bytes == existing_bytes) {
    return unchanged();
  }
  if (old.has_deletiontimestamp() && m->finalizers_size() == 0 &&
      m->deletiongraceperiodseconds() == 0) {
    return remove_plan(std::move(object), revision);
  }
  return put(std::move(object), revision, watch_event_type::modified);
}

write_plan plan_delete(const config::kind_info& kind, std::string_view name,
                       const Message* existing, const delete_options& options, int64_t revision,
                       config::timestamp now) {
  if (existing == nullptr) return reject(not_found_error(kind, name));
  const auto& old = object_meta(*existing);
  if (options.uid && *options.uid != old.uid()) {
    return reject(precondition_failed(kind, name, "UID in precondition: " + *options.uid +
                                                      ", UID in object meta: " + old.uid()));
  }
  if (options.resource_version &&
      std::to_string(*options.resource_version) != old.resourceversion()) {
    return reject(precondition_failed(
        kind, name, "ResourceVersion in precondition: " + std::to_string(*options.resource_version) +
                        ", ResourceVersion in object meta: " + old.resourceversion()));
  }
  const int64_t grace = std::max<int64_t>(0, options.grace_period_seconds.value_or(0));
  const bool finalizers = old.finalizers_size() > 0;
  auto object = copy_of(*existing);
  auto* m = mutable_object_meta(*object);
  if (old.has_deletiontimestamp()) {
    // Already being deleted: only a shorter grace period changes anything.
    const int64_t current = old.deletiongraceperiodseconds();
    if (grace == 0 && !finalizers) return remove_plan(std::move(object), revision);
    if (options.grace_period_seconds && grace < current) {
      const int64_t deadline = now.seconds + grace;
      if (deadline < old.deletiontimestamp().seconds()) {
        set_time(m->mutable_deletiontimestamp(), deadline);
      }
      m->set_deletiongraceperiodseconds(grace);
      return put(std::move(object), revision, watch_event_type::modified);
    }
    return unchanged();
  }
  if (grace == 0 && !finalizers) return remove_plan(std::move(object), revision);
  set_time(m->mutable_deletiontimestamp(), now.seconds + grace);
  m->set_deletiongraceperiodseconds(grace);
  if (m->generation() > 0) m->set_generation(m->generation() + 1);
  return put(std::move(object), revision, watch_event_type::modified);
}

} // namespace troupe::store
