#include "store/event_log.hpp"

#include <algorithm>

#include "store/watch_channel.hpp"

namespace troupe::store {

event_log::event_log(size_t window, size_t max_lag)
    : window_(std::max<size_t>(window, 1)), max_lag_(max_lag == 0 ? window_ : max_lag) {}

status event_log::too_old(int64_t revision, int64_t compacted) {
  return status::gone("too old resource version: " + std::to_string(revision) + " (" +
                      std::to_string(compacted) + ")");
}

void event_log::reset(int64_t compacted, std::vector<event_ptr> events) {
  std::lock_guard<std::mutex> lock(mu_);
  compacted_ = compacted;
  events_.assign(std::make_move_iterator(events.begin()), std::make_move_iterator(events.end()));
  trim_locked(nullptr);
}

size_t event_log::trim_locked(std::vector<event_ptr>* out) {
  size_t trimmed = 0;
  while (events_.size() > window_) {
    compacted_ = events_.front()->revision;
    if (out) out->push_back(std::move(events_.front()));
    events_.pop_front();
    ++trimmed;
  }
  return trimmed;
}

size_t event_log::append(std::vector<event_ptr> events, std::vector<event_ptr>* trimmed_out) {
  if (events.empty()) return 0;
  std::vector<event_ptr> dropped;  // freed after the lock, unless the caller takes them
  if (!trimmed_out) trimmed_out = &dropped;
  std::vector<std::shared_ptr<watch_channel>> wake, fail;
  size_t trimmed = 0;
  int64_t head_now = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& e : events) events_.push_back(std::move(e));
    trimmed = trim_locked(trimmed_out);
    head_now = events_.back()->revision;
    for (auto it = watchers_.begin(); it != watchers_.end();) {
      auto& w = *it;
      const int64_t cursor = w->cursor();
      if (head_now - cursor > static_cast<int64_t>(max_lag_) || cursor < compacted_) {
        fail.push_back(std::move(w));
        it = watchers_.erase(it);
        ++dropped_;
        continue;
      }
      if (!w->is_pending()) {
        const auto& sel = w->sel();
        const bool concerned = std::any_of(
            events_.end() - static_cast<long>(std::min(events.size(), events_.size())),
            events_.end(), [&](const event_ptr& e) { return sel.matches_key(e->key); });
        if (concerned && w->mark_pending()) wake.push_back(w);
      }
      ++it;
    }
  }
  appended_.notify_all();
  for (auto& w : fail) {
    w->fail(status::gone("the watcher fell " + std::to_string(head_now - w->cursor()) +
                         " revisions behind (limit " + std::to_string(max_lag_) +
                         "); list again and watch from the list's resourceVersion"));
  }
  for (auto& w : wake) w->wake();
  return trimmed;
}

int64_t event_log::head() const {
  std::lock_guard<std::mutex> lock(mu_);
  return compacted_ + static_cast<int64_t>(events_.size());
}

int64_t event_log::compacted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return compacted_;
}

size_t event_log::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return events_.size();
}

status event_log::read(int64_t after, int64_t upto, size_t max, std::vector<event_ptr>* out) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (after < compacted_) return too_old(after, compacted_);
  const int64_t head_now = compacted_ + static_cast<int64_t>(events_.size());
  const int64_t last = upto > 0 ? std::min(upto, head_now) : head_now;
  for (int64_t rev = after + 1; rev <= last && out->size() < max; ++rev) {
    out->push_back(events_[static_cast<size_t>(rev - compacted_ - 1)]);
  }
  return status::ok();
}

void event_log::wait_until(int64_t revision) const {
  std::unique_lock<std::mutex> lock(mu_);
  appended_.wait(lock, [&] {
    return compacted_ + static_cast<int64_t>(events_.size()) >= revision;
  });
}

void event_log::add_watcher(std::shared_ptr<watch_channel> w) {
  std::lock_guard<std::mutex> lock(mu_);
  watchers_.push_back(std::move(w));
}

void event_log::remove_watcher(const watch_channel* w) {
  std::lock_guard<std::mutex> lock(mu_);
  watchers_.erase(std::remove_if(watchers_.begin(), watchers_.end(),
                                 [&](const auto& p) { return p.get() == w; }),
                  watchers_.end());
}

void event_log::close_all(const status& why) {
  std::vector<std::shared_ptr<watch_channel>> all;
  {
    std::lock_guard<std::mutex> lock(mu_);
    all.swap(watchers_);
  }
  for (auto& w : all) w->fail(why);
}

size_t event_log::watchers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return watchers_.size();
}

uint64_t event_log::dropped_watchers() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_;
}

} // namespace troupe::store
