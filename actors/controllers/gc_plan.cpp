#include "actors/controllers/gc_plan.hpp"

#include <algorithm>

namespace troupe::controllers {

namespace {

bool blocks(const graph_node& dependent, const std::string& owner_uid) {
  return std::any_of(dependent.owners.begin(), dependent.owners.end(), [&](const owner_ref& r) {
    return r.uid == owner_uid && r.block_owner_deletion;
  });
}

} // namespace

owner_state classify_owner(const owner_ref& ref, const meta::ObjectMeta* live) {
  if (live == nullptr || live->uid() != ref.uid)
    return owner_state::dangling;
  const bool foreground = live->has_deletiontimestamp() &&
                          std::find(live->finalizers().begin(), live->finalizers().end(),
                                    "foregroundDeletion") != live->finalizers().end();
  return foreground ? owner_state::waiting : owner_state::solid;
}

owner_state classify_owner(const graph_node& owner) {
  return owner.deleting_foreground() ? owner_state::waiting : owner_state::solid;
}

std::vector<gc_action> plan_for_dependent(const graph_node& n,
                                          const std::map<std::string, owner_state>& owners,
                                          bool has_dependents) {
  if (n.being_deleted || n.owners.empty())
    return {};
  std::vector<std::string> solid, dangling, waiting;
  for (const auto& ref : n.owners) {
    auto i = owners.find(ref.uid);
    if (i == owners.end() || i->second == owner_state::unknown)
      return {};  // cannot tell: leave it
    switch (i->second) {
      case owner_state::solid: solid.push_back(ref.uid); break;
      case owner_state::dangling: dangling.push_back(ref.uid); break;
      case owner_state::waiting: waiting.push_back(ref.uid); break;
      case owner_state::unknown: break;
    }
  }
  if (!solid.empty()) {
    if (dangling.empty() && waiting.empty())
      return {};
    gc_action drop{gc_action_type::drop_owner_refs, n.uid, dangling, ""};
    drop.owner_uids.insert(drop.owner_uids.end(), waiting.begin(), waiting.end());
    return {drop};
  }
  if (!waiting.empty() && has_dependents)
    return {{gc_action_type::delete_foreground, n.uid, {}, ""}};
  return {{gc_action_type::delete_background, n.uid, {}, ""}};
}

owner_plan plan_for_deleting_owner(const graph_node& n, const std::vector<const graph_node*>& dependents) {
  owner_plan plan;
  if (n.deleting_orphan()) {
    for (const auto* d : dependents)
      plan.actions.push_back({gc_action_type::drop_owner_refs, d->uid, {n.uid}, ""});
    plan.actions.push_back({gc_action_type::remove_finalizer, n.uid, {}, "orphan"});
    return plan;
  }
  if (n.deleting_foreground()) {
    bool blocked = false;
    for (const auto* d : dependents) {
      if (!blocks(*d, n.uid))
        continue;
      blocked = true;
      if (!d->being_deleted)
        plan.dirty.push_back(d->uid);
    }
    if (!blocked)
      plan.actions.push_back({gc_action_type::remove_finalizer, n.uid, {}, "foregroundDeletion"});
  }
  return plan;
}

const char* to_string(gc_action_type t) {
  switch (t) {
    case gc_action_type::delete_background: return "delete_background";
    case gc_action_type::delete_foreground: return "delete_foreground";
    case gc_action_type::drop_owner_refs: return "drop_owner_refs";
    case gc_action_type::remove_finalizer: return "remove_finalizer";
  }
  return "unknown";
}

const char* to_string(owner_state s) {
  switch (s) {
    case owner_state::solid: return "solid";
    case owner_state::dangling: return "dangling";
    case owner_state::waiting: return "waiting";
    case owner_state::unknown: return "unknown";
  }
  return "unknown";
}

} // namespace troupe::controllers
