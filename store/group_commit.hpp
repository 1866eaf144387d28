#pragma once
// Group commit (leader/follower): writers enqueue their requests; whichever writer finds no
// leader becomes one, takes everything queued (up to max_batch), processes it as one batch (one
// durable write, one WAL sync) and wakes the others. Writers that queued meanwhile form the next
// batch, so the more writers wait on a sync, the more share the next one.
//
// Each submit() waits on a condition of its own: the leader wakes exactly the writers whose
// requests it finished, and hands leadership to the oldest writer still queued. (One shared
// condition with notify_all woke every waiter after every batch; with 256 writers that herd, not
// the disk, set the throughput.)

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
    if (mine.empty())
      return;
    waiter self;
    std::unique_lock<std::mutex> lock(mu_);
    for (auto* r : mine)
      queue_.push_back({r, &self});
    auto all_done = [&] {
      for (auto* r : mine)
        if (!r->done)
          return false;
      return true;
    };
    for (;;) {
      if (all_done())
        return;
      if (leading_ || queue_.front().owner != &self) {
        // Woken when our requests are done or when we are the oldest queued writer.
        self.wake = false;
        self.cv.wait(lock, [&] { return self.wake; });
        continue;
      }
      leading_ = true;
      std::vector<Request*> group;
      std::vector<waiter*> owners;
      while (!queue_.empty() && group.size() < max_batch_) {
        group.push_back(queue_.front().request);
        owners.push_back(queue_.front().owner);
        queue_.pop_front();
      }
      lock.unlock();
      process(group);
      lock.lock();
      for (auto* r : group)
        r->done = true;
      leading_ = false;
      // Wake the writers whose requests finished (once each), then the next leader.
      for (size_t i = 0; i < owners.size(); ++i) {
        auto* w = owners[i];
        if (w != &self && (i == 0 || owners[i - 1] != w))
          notify(w);
      }
      if (!queue_.empty() && queue_.front().owner != &self)
        notify(queue_.front().owner);
    }
  }

private:
  struct waiter {
    std::condition_variable cv;
    bool wake = false;
  };
  struct entry {
    Request* request;
    waiter* owner;
  };

  static void notify(waiter* w) {
    w->wake = true;
    w->cv.notify_one();
  }

  const size_t max_batch_;
  std::mutex mu_;
  std::deque<entry> queue_;
  bool leading_ = false;
};

} // namespace troupe::store
