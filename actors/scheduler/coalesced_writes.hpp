#pragma once
// Writes keyed by object (an Event's name, a pod's uid) where only the latest value matters and
// the writes of one key must not overtake each other: at most one write per key in flight, a
// newer value waits and replaces any value already waiting, and at most `limit` writes in flight
// over all keys (CAF's pending requests cost more when there are thousands: caf-0.17.md §5).
// Keys start in the order they first waited. Pure, header-only, CAF-free.

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace troupe::scheduler {

template <class T>
class coalesced_writes {
public:
  explicit coalesced_writes(size_t limit) : limit_(limit ? limit : 1) {}

  /// Waits to be written (replacing what waits for `key`).
  void put(const std::string& key, T value) {
    auto [it, fresh] = pending_.insert_or_assign(key, std::move(value));
    if (fresh)
      order_.push_back(key);
  }

  /// The writes to start now (they count as in flight until finished()).
  std::vector<std::pair<std::string, T>> start() {
    std::vector<std::pair<std::string, T>> out;
    std::deque<std::string> blocked;  // keys with a write in flight keep their place
    while (!order_.empty() && in_flight_.size() < limit_) {
      std::string key = std::move(order_.front());
      order_.pop_front();
      if (in_flight_.count(key)) {
        blocked.push_back(std::move(key));
        continue;
      }
      auto it = pending_.find(key);
      out.emplace_back(key, std::move(it->second));
      pending_.erase(it);
      in_flight_.insert(std::move(key));
    }
    while (!blocked.empty()) {
      order_.push_front(std::move(blocked.back()));
      blocked.pop_back();
    }
    return out;
  }

  /// The write of `key` is answered (whatever the answer).
  void finished(const std::string& key) { in_flight_.erase(key); }

  /// Drops what waits for `key` (the write no longer matters).
  void drop(const std::string& key) {
    if (pending_.erase(key))
      for (auto it = order_.begin(); it != order_.end(); ++it)
        if (*it == key) {
          order_.erase(it);
          break;
        }
  }

  size_t in_flight() const { return in_flight_.size(); }
  size_t waiting() const { return pending_.size(); }

private:
  size_t limit_;
  std::unordered_map<std::string, T> pending_;
  std::deque<std::string> order_;  // the keys of pending_, oldest first
  std::unordered_set<std::string> in_flight_;
};

} // namespace troupe::scheduler
