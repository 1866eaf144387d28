#pragma once
// The garbage collector's decisions (Kubernetes' attemptToDeleteItem, processDeletingDependentsItem,
// attemptToOrphan), free of CAF. The collector (garbage_collector_actor.hpp) calls these for each
// dirty uid of the ownership graph and applies the actions in order.
//
// As a dependent (an object with ownerReferences, not itself being deleted), each owner is:
//   solid    - exists and is not waiting for its dependents
//   dangling - does not exist (verified live, by name and uid)
//   waiting  - exists, being deleted Foreground (deletionTimestamp + finalizer foregroundDeletion)
//   unknown  - cannot be told (a kind this server does not serve): the object is left alone
// and the decision is:
//   some solid owner           -> drop the references to dangling and waiting owners (if any)
//   waiting owner, dependents  -> delete Foreground (its own dependents go first)
//   otherwise (no solid owner) -> delete Background
// As an owner being deleted:
//   finalizer orphan             -> drop the references to it from every dependent, then remove
//                                   the finalizer
//   finalizer foregroundDeletion -> while dependents with blockOwnerDeletion remain, they must be
//                                   deleted (re-evaluated as dependents); then remove the finalizer
// The store deletes a marked object when its last finalizer goes.

#include <map>
#include <string>
#include <vector>

#include "actors/controllers/ownership_graph.hpp"

namespace troupe::controllers {

enum class owner_state { solid, dangling, waiting, unknown };

enum class gc_action_type {
  delete_background,  // remove it (no propagation finalizer)
  delete_foreground,  // add finalizer foregroundDeletion, then remove it
  drop_owner_refs,    // remove its ownerReferences naming `owner_uids`
  remove_finalizer,   // remove `finalizer` from it
};

struct gc_action {
  gc_action_type type = gc_action_type::delete_background;
  std::string uid;  // the object acted on
  std::vector<std::string> owner_uids;
  std::string finalizer;
};

/// What an object being deleted needs done, and which dependents to re-evaluate.
struct owner_plan {
  std::vector<gc_action> actions;
  std::vector<std::string> dirty;
};

/// An owner's state from its live object (nullptr: not found). A different uid under the same
/// name is a new object: the referenced owner is dangling.
owner_state classify_owner(const owner_ref& ref, const meta::ObjectMeta* live);

/// An owner's state from the graph's node for its uid.
owner_state classify_owner(const graph_node& owner);

/// The decision for `n` as a dependent. `owners` has a state per owner uid of n;
/// `has_dependents`: some object names n as owner.
std::vector<gc_action> plan_for_dependent(const graph_node& n,
                                          const std::map<std::string, owner_state>& owners,
                                          bool has_dependents);

/// The decision for `n` being deleted with a policy finalizer, given its dependents.
owner_plan plan_for_deleting_owner(const graph_node& n, const std::vector<const graph_node*>& dependents);

const char* to_string(gc_action_type t);
const char* to_string(owner_state s);

} // namespace troupe::controllers
