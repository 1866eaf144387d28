#pragma once
// Kubernetes' ControllerExpectations for one ReplicaSet (UIDTrackingControllerExpectations for
// the deletions), CAF-free: after the controller issues N creates and deletes of given pods, it
// does not create or delete for that ReplicaSet again until its pod view has shown them — every
// expected pod seen created, every expected pod seen deleted or terminating — or until
// `ttl` (5 minutes, ExpectationsTimeout) has passed since they were set. So a view that lags the
// controller's own writes never makes it create or delete twice.
//
// A create or delete that failed will never be observed: the controller lowers the expectation by
// hand (creation_observed / deletion_observed), as Kubernetes does.

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/time_format.hpp"

namespace troupe::controllers {

class replica_expectations {
public:
  static constexpr std::chrono::seconds default_ttl{300};

  /// Replaces the record: `creates` pods to be seen created, the pods with `delete_uids` to be
  /// seen gone. Set at `now`.
  void expect(int64_t creates, std::vector<std::string> delete_uids, config::timestamp now);
  /// A pod this ReplicaSet controls appeared (or a create failed / was skipped).
  void creation_observed(int64_t n = 1);
  /// The pod `uid` was deleted or got a deletionTimestamp (or its delete failed). Only counts
  /// for an expected uid, and only once.
  void deletion_observed(const std::string& uid);

  /// True with no record, when everything was observed, or when the record is older than `ttl`.
  bool satisfied(config::timestamp now, std::chrono::seconds ttl = default_ttl) const;
  /// When the current record expires (nullopt: no pending record).
  std::optional<config::timestamp> expires_at(std::chrono::seconds ttl = default_ttl) const;

  int64_t pending_creates() const { return creates_; }
  const std::set<std::string>& pending_deletes() const { return deletes_; }

private:
  bool fulfilled() const { return creates_ <= 0 && deletes_.empty(); }

  int64_t creates_ = 0;
  std::set<std::string> deletes_;
  std::optional<config::timestamp> set_at_;
};

} // namespace troupe::controllers
