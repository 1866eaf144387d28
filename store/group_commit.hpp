#pragma once
// Group commit (leader/follower): writers enqueue their requests; whichever writer finds no
// leader becomes one, takes everything queued (up to max_batch), processes it as one batch (one
// durable write, one WAL sync) and wakes the others. Writers that queued meanwhile form the next
// batch, so the more writers wait on a sync, the more share the next one.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

namespace troupe::store {

/// Request must have a `bool done` member, set here once its batch was processed.
template <class Request>
class group_commit {
public:
  explicit group_commit(size_t max_batch) : max_batch_(max_batch == 0 ? 1 : max_batch) {}

  /// Returns once every request of `mine` was processed (by this thread or another leader).
  /// `process(std::vector<Request*>&)` runs in one thread at a time, in queue order.
  template <class Process>
  void submit(const std::vector<Request*>& mine, Process&& process) {
    std::unique_lock<std::mutex> lock(mu_);
    for (auto* r : mine) queue_.push_back(r);
    auto all_done = [&] {
      for (auto* r : mine) {
        if (!r->done) return false;
      }
      return true;
    };
    while (!all_done()) {
      if (leading_) {
        cv_.wait(lock);
        continue;
      }
      leading_ = true;
      std::vector<Request*> group;
      while (!queue_.empty() && group.size() < max_batch_) {
        group.push_back(queue_.front());
        queue_.pop_front();
      }
      lock.unlock();
      process(group);
      lock.lock();
      for (auto* r : group) r->done = true;
      leading_ = false;
      cv_.notify_all();
    }
  }

private:
  const size_t max_batch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Request*> queue_;
  bool leading_ = false;
};

} // namespace troupe::store
