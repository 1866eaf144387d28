#include "actors/controllers/replicaset_plan.hpp"

#include <google/protobuf/util/message_differencer.h>

#include "actors/apiserver/request_decoding.hpp"
#include "config/label_selector.hpp"

namespace troupe::controllers {

namespace {

namespace v1 = troupe::core::v1;

config::label_selector selector_of(const apps::v1::ReplicaSet& rs) {
  auto s = config::label_selector_from_proto(rs.spec().has_selector() ? &rs.spec().selector()
                                                                       : nullptr);
  return s ? *s.value : config::label_selector::nothing();
}

int32_t desired(const apps::v1::ReplicaSet& rs) {
  return rs.spec().has_replicas() ? rs.spec().replicas() : 1;
}

meta::OwnerReference controller_ref(const apps::v1::ReplicaSet& rs) {
  meta::OwnerReference ref;
  ref.set_apiversion("apps/v1");
  ref.set_kind("ReplicaSet");
  ref.set_name(rs.metadata().name());
  ref.set_uid(rs.metadata().uid());
  ref.set_controller(true);
  ref.set_blockownerdeletion(true);
  return ref;
}

const apps::v1::ReplicaSetCondition* failure_condition(const apps::v1::ReplicaSetStatus& s) {
  for (const auto& c : s.conditions())
    if (c.type() == "ReplicaFailure")
      return &c;
  return nullptr;
}

} // namespace

claim_plan claim_pods(const apps::v1::ReplicaSet& rs, const std::vector<pod_ptr>& pods) {
  claim_plan plan;
  const auto selector = selector_of(rs);
  const bool deleting = rs.metadata().has_deletiontimestamp();
  for (const auto& p : pods) {
    if (!is_active(*p) || p->metadata().namespace_() != rs.metadata().namespace_())
      continue;
    const bool matches = selector.matches(p->metadata().labels());
    if (const auto* ref = controller_of(p->metadata())) {
      if (ref->uid() != rs.metadata().uid())
        continue;
      if (matches)
        plan.claimed.push_back(p);
      else if (!deleting)
        plan.release.push_back(p);
      continue;
    }
    if (deleting || !matches)
      continue;
    plan.adopt.push_back(p);
    plan.claimed.push_back(p);
  }
  return plan;
}

v1::Pod adopted_pod(const v1::Pod& pod, const apps::v1::ReplicaSet& rs) {
  v1::Pod out = pod;
  *out.mutable_metadata()->add_ownerreferences() = controller_ref(rs);
  return out;
}

v1::Pod released_pod(const v1::Pod& pod, const std::string& rs_uid) {
  v1::Pod out = pod;
  auto* refs = out.mutable_metadata()->mutable_ownerreferences();
  for (int i = refs->size() - 1; i >= 0; --i)
    if (refs->Get(i).uid() == rs_uid)
      refs->DeleteSubrange(i, 1);
  return out;
}

replica_plan plan_replicas(const apps::v1::ReplicaSet& rs, const std::vector<pod_ptr>& claimed,
                           size_t burst) {
  replica_plan plan;
  const int64_t diff = int64_t{desired(rs)} - static_cast<int64_t>(claimed.size());
  if (diff > 0)
    plan.creates = std::min<size_t>(static_cast<size_t>(diff), burst);
  else if (diff < 0)
    plan.deletes = pods_to_delete(claimed, std::min<size_t>(static_cast<size_t>(-diff), burst));
  return plan;
}

std::vector<size_t> slow_start_batches(size_t count) {
  std::vector<size_t> out;
  size_t batch = std::min<size_t>(count, 1);
  for (size_t left = count; left > 0; left -= batch, batch = std::min(2 * batch, left))
    out.push_back(batch);
  return out;
}

std::string random_suffix(std::mt19937_64& rng) {
  static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  std::string s(5, ' ');
  for (auto& c : s)
    c = alphabet[rng() % (sizeof(alphabet) - 1)];
  return s;
}

std::variant<v1::Pod, std::string> new_pod(const apps::v1::ReplicaSet& rs,
                                           const std::string& suffix,
                                           const config::admission_options& admission) {
  v1::Pod pod;
  const auto& tmpl = rs.spec().template_();
  auto* meta = pod.mutable_metadata();
  // generateName's prefix is cut so the name fits 63 characters (maxGeneratedNameLength 58).
  std::string prefix = rs.metadata().name() + "-";
  if (prefix.size() > 58)
    prefix.resize(58);
  meta->set_generatename(prefix);
  meta->set_name(prefix + suffix);
  meta->set_namespace_(rs.metadata().namespace_());
  *meta->mutable_labels() = tmpl.metadata().labels();
  *meta->mutable_annotations() = tmpl.metadata().annotations();
  *meta->mutable_finalizers() = tmpl.metadata().finalizers();
  *meta->add_ownerreferences() = controller_ref(rs);
  *pod.mutable_spec() = tmpl.spec();
  const auto& kind = *config::find_kind("v1", "Pod");
  apiserver::prepare_for_create(kind, pod);
  auto admitted = config::admit(kind, pod, admission);
  if (!admitted.ok())
    return admitted.message(kind, pod);
  return pod;
}

apps::v1::ReplicaSetStatus calculate_status(const apps::v1::ReplicaSet& rs,
                                            const std::vector<pod_ptr>& claimed,
                                            const std::optional<std::string>& manage_error,
                                            config::timestamp now) {
  apps::v1::ReplicaSetStatus s = rs.status();
  const auto template_labels =
    config::label_selector::from_set({rs.spec().template_().metadata().labels().begin(),
                                      rs.spec().template_().metadata().labels().end()});
  int32_t labeled = 0, ready = 0, available = 0;
  for (const auto& p : claimed) {
    if (template_labels.matches(p->metadata().labels()))
      ++labeled;
    if (is_ready(*p)) {
      ++ready;
      if (is_available(*p, rs.spec().minreadyseconds(), now))
        ++available;
    }
  }
  const auto* failure = failure_condition(s);
  if (manage_error && failure == nullptr) {
    auto* c = s.add_conditions();
    c->set_type("ReplicaFailure");
    c->set_status("True");
    const int64_t diff = static_cast<int64_t>(claimed.size()) - desired(rs);
    c->set_reason(diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "");
    c->set_message(*manage_error);
    c->mutable_lasttransitiontime()->set_seconds(now.seconds);
  } else if (!manage_error && failure != nullptr) {
    auto* conds = s.mutable_conditions();
    for (int i = conds->size() - 1; i >= 0; --i)
      if (conds->Get(i).type() == "ReplicaFailure")
        conds->DeleteSubrange(i, 1);
  }
  s.set_replicas(static_cast<int32_t>(claimed.size()));
  s.set_fullylabeledreplicas(labeled);
  s.set_readyreplicas(ready);
  s.set_availablereplicas(available);
  s.set_observedgeneration(rs.metadata().generation());
  return s;
}

std::optional<apps::v1::ReplicaSet> status_update(const apps::v1::ReplicaSet& rs,
                                                  const apps::v1::ReplicaSetStatus& status) {
  if (google::protobuf::util::MessageDifferencer::Equals(rs.status(), status))
    return std::nullopt;
  apps::v1::ReplicaSet out = rs;
  *out.mutable_status() = status;
  return out;
}

std::optional<config::timestamp> next_availability(const apps::v1::ReplicaSet& rs,
                                                   const std::vector<pod_ptr>& claimed,
                                                   config::timestamp now) {
  std::optional<config::timestamp> next;
  for (const auto& p : claimed) {
    auto at = available_at(*p, rs.spec().minreadyseconds(), now);
    if (at && (!next || at->seconds < next->seconds ||
               (at->seconds == next->seconds && at->nanos < next->nanos)))
      next = at;
  }
  return next;
}

} // namespace troupe::controllers
