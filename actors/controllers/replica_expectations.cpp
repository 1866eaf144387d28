#include "actors/controllers/replica_expectations.hpp"

namespace troupe::controllers {

void replica_expectations::expect(int64_t creates, std::vector<std::string> delete_uids,
                                  config::timestamp now) {
  creates_ = creates;
  deletes_ = std::set<std::string>(delete_uids.begin(), delete_uids.end());
  set_at_ = now;
}

void replica_expectations::creation_observed(int64_t n) {
  if (set_at_)
    creates_ -= n;
}

void replica_expectations::deletion_observed(const std::string& uid) { deletes_.erase(uid); }

bool replica_expectations::satisfied(config::timestamp now, std::chrono::seconds ttl) const {
  if (!set_at_ || fulfilled())
    return true;
  auto at = expires_at(ttl);
  return at->seconds != now.seconds ? at->seconds < now.seconds : at->nanos < now.nanos;
}

std::optional<config::timestamp> replica_expectations::expires_at(std::chrono::seconds ttl) const {
  if (!set_at_ || fulfilled())
    return std::nullopt;
  return config::timestamp{set_at_->seconds + ttl.count(), set_at_->nanos};
}

} // namespace troupe::controllers
