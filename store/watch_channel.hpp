#pragma once
// One watcher's state: its selection, its cursor in the event log, the initial ADDED events still
// to deliver, and the flags a writer sets (events pending, failed). poll() does the filtering in
// the caller's thread, turning each history event into what this watcher must see.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

#include "store/event_log.hpp"
#include "store/object_store.hpp"
#include "store/selection.hpp"

namespace troupe::store {

class watch_channel : public std::enable_shared_from_this<watch_channel> {
public:
  watch_channel(std::shared_ptr<event_log> log, const config::kind_info& kind, selection sel,
                int64_t cursor, bool bookmarks, std::function<void()> notify);

  /// Events to deliver before the log's (the state at the start revision), then a bookmark.
  void set_initial(std::vector<watch_event> events);

  std::vector<watch_event> poll(size_t max);
  bool wait_for(std::chrono::milliseconds timeout);
  void request_bookmark();
  void stop();
  bool closed() const;
  int64_t revision() const { return cursor_.load(); }

  // Called by the event log.
  const selection& sel() const { return sel_; }
  int64_t cursor() const { return cursor_.load(); }
  /// Marks events as pending; true if the watcher was idle (it must be woken).
  bool mark_pending() { return !pending_.exchange(true); }
  bool is_pending() const { return pending_.load(); }
  void wake();
  void fail(status why);

private:
  bool ready_locked() const;
  void emit(const history_event& e, std::vector<watch_event>* out) const;
  watch_event bookmark(bool initial_end) const;

  std::shared_ptr<event_log> log_;
  const config::kind_info& kind_;
  selection sel_;
  bool bookmarks_;
  std::function<void()> notify_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<watch_event> initial_;
  bool bookmark_requested_ = false;
  bool stopped_ = false;
  bool failed_ = false;         // an ERROR event is waiting to be polled
  status failure_;
  std::atomic<int64_t> cursor_;
  std::atomic<bool> pending_{true};
};

/// What object_store::watch returns: stops the channel when dropped.
class watch_handle : public watcher {
public:
  explicit watch_handle(std::shared_ptr<watch_channel> ch) : ch_(std::move(ch)) {}
  ~watch_handle() override { ch_->stop(); }
  std::vector<watch_event> poll(size_t max) override { return ch_->poll(max); }
  bool wait_for(std::chrono::milliseconds timeout) override { return ch_->wait_for(timeout); }
  void request_bookmark() override { ch_->request_bookmark(); }
  void stop() override { ch_->stop(); }
  bool closed() const override { return ch_->closed(); }
  int64_t revision() const override { return ch_->revision(); }

private:
  std::shared_ptr<watch_channel> ch_;
};

} // namespace troupe::store
