#pragma once
// The retained history (the last `window` events, contiguous revisions) and the watchers reading
// it. Watchers do not get copies pushed to them: each keeps a cursor and reads the shared log when
// it polls, so a writer only appends and sets flags, whatever the number or speed of watchers. A
// watcher whose cursor falls more than `max_lag` revisions behind, or off the front of the log,
// is failed with `gone` and dropped.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "store/history.hpp"
#include "store/status.hpp"

namespace troupe::store {

class watch_channel;

class event_log {
public:
  using event_ptr = std::shared_ptr<const history_event>;

  event_log(size_t window, size_t max_lag);

  /// The state at open: history after revision `compacted`, contiguous. Trims to the window.
  void reset(int64_t compacted, std::vector<event_ptr> events);

  /// Appends a committed batch (contiguous, following head()), trims to the window, wakes the
  /// watchers it concerns and fails those too far behind. Returns the number of events trimmed;
  /// with `trimmed`, they are moved there for the caller to free (outside this log's lock, and
  /// when it suits it), else freed here.
  size_t append(std::vector<event_ptr> events, std::vector<event_ptr>* trimmed = nullptr);

  int64_t head() const;
  /// Events after this revision are retained.
  int64_t compacted() const;
  size_t size() const;

  /// Events with revision in (after, upto] (upto 0 = no bound), at most `max`; gone when events
  /// after `after` were already trimmed.
  status read(int64_t after, int64_t upto, size_t max, std::vector<event_ptr>* out) const;

  /// Blocks until head() >= revision (a batch is appended just after it is committed).
  void wait_until(int64_t revision) const;

  void add_watcher(std::shared_ptr<watch_channel> w);
  void remove_watcher(const watch_channel* w);
  /// Fails every watcher with `why` (the store is closing).
  void close_all(const status& why);
  size_t watchers() const;
  uint64_t dropped_watchers() const;

  /// The message Kubernetes gives for a resourceVersion older than the history.
  static status too_old(int64_t revision, int64_t compacted);

private:
  size_t trim_locked(std::vector<event_ptr>* out);

  const size_t window_;
  const size_t max_lag_;
  mutable std::mutex mu_;
  mutable std::condition_variable appended_;
  std::deque<event_ptr> events_;
  int64_t compacted_ = 0;  // revision of the event before events_.front()
  std::vector<std::shared_ptr<watch_channel>> watchers_;
  uint64_t dropped_ = 0;
};

} // namespace troupe::store
