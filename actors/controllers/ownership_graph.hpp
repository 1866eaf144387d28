#pragma once
// The garbage collector's view of ownership (Kubernetes' GraphBuilder, uidToNode), free of CAF:
// every object it has seen, keyed by uid, with its ownerReferences and the reverse edges (owner ->
// dependents). Updated per watch event in O(owners) — no scans. An owner referenced by a uid that
// was never seen has no node of its own: whether it exists is for the caller to verify.
//
// Each update returns the uids whose garbage-collection decision may have changed (the "dirty"
// set the collector re-evaluates, level-triggered):
// - the object itself (its owners may be gone, or it is being deleted with a policy finalizer);
// - on removal, its dependents (their owner is gone) and its owners (a Foreground owner may be
//   waiting for it);
// - when it starts being deleted Foreground or Orphan, itself (as an owner);
// - when a dependent's ownerReferences change, the owners it left (Foreground owners waiting).

#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/kinds.hpp"
#include "proto/meta.pb.h"

namespace troupe::controllers {

struct owner_ref {
  std::string uid;
  std::string api_version;
  std::string kind;
  std::string name;
  bool block_owner_deletion = false;
};

struct graph_node {
  std::string uid;
  const config::kind_info* kind = nullptr;  // storage kind
  std::string ns;
  std::string name;
  bool being_deleted = false;                // has a deletionTimestamp
  std::vector<std::string> finalizers;
  std::vector<owner_ref> owners;

  bool has_finalizer(const std::string& f) const;
  bool deleting_foreground() const { return being_deleted && has_finalizer("foregroundDeletion"); }
  bool deleting_orphan() const { return being_deleted && has_finalizer("orphan"); }
};

class ownership_graph {
public:
  /// An object was added or changed (ADDED/MODIFIED). Returns the dirty uids.
  std::set<std::string> upsert(const config::kind_info& kind, const meta::ObjectMeta& meta);
  /// An object is gone (DELETED). Returns the dirty uids.
  std::set<std::string> remove(const std::string& uid);

  /// nullptr if the uid is not a known object.
  const graph_node* find(const std::string& uid) const;
  /// The known objects that name `uid` as an owner (whether or not `uid` itself is known).
  std::vector<const graph_node*> dependents_of(const std::string& uid) const;
  /// Every known object of `kind` (a scan: for re-listing after a watch was lost, not per event).
  std::vector<std::string> uids_of(const config::kind_info& kind) const;
  size_t size() const { return nodes_.size(); }

private:
  void link(const std::string& dependent, const std::vector<owner_ref>& owners);
  void unlink(const std::string& dependent, const std::vector<owner_ref>& owners);

  std::map<std::string, graph_node> nodes_;
  // owner uid -> dependents; kept for owners without a node too (not seen, or already gone).
  std::map<std::string, std::set<std::string>> dependents_;
};

std::vector<owner_ref> owner_refs_of(const meta::ObjectMeta& meta);

/// Every kind the collector watches: each storage kind the store keeps (namespaced or not; no
/// Binding, no metrics).
const std::vector<const config::kind_info*>& collected_kinds();

} // namespace troupe::controllers
