#include "store/watch_channel.hpp"

#include "store/object_meta.hpp"

namespace troupe::store {

namespace {

// The previous state, at the revision of the event that made it leave the selection.
std::shared_ptr<const google::protobuf::Message> at_revision(
    const google::protobuf::Message& object, int64_t revision) {
  std::shared_ptr<google::protobuf::Message> copy(object.New());
  copy->CopyFrom(object);
  mutable_object_meta(*copy)->set_resourceversion(std::to_string(revision));
  return copy;
}

} // namespace

watch_channel::watch_channel(std::shared_ptr<event_log> log, const config::kind_info& kind,
                             selection sel, int64_t cursor, bool bookmarks,
                             std::function<void()> notify)
    : log_(std::move(log)),
      kind_(kind),
      sel_(std::move(sel)),
      bookmarks_(bookmarks),
      notify_(std::move(notify)),
      cursor_(cursor) {}

void watch_channel::set_initial(std::vector<watch_event> events) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& e : events) initial_.push_back(std::move(e));
  if (bookmarks_) initial_.push_back(bookmark(true));
}

watch_event watch_channel::bookmark(bool initial_end) const {
  std::shared_ptr<google::protobuf::Message> object = kind_.new_object();
  auto* m = mutable_object_meta(*object);
  const int64_t rev = cursor_.load();
  m->set_resourceversion(std::to_string(rev));
  if (initial_end) (*m->mutable_annotations())["k8s.io/initial-events-end"] = "true";
  watch_event e;
  e.type = watch_event_type::bookmark;
  e.revision = rev;
  e.object = std::move(object);
  return e;
}

void watch_channel::emit(const history_event& e, std::vector<watch_event>* out) const {
  if (!sel_.matches_key(e.key)) return;
  const bool now_in = e.type != watch_event_type::deleted && sel_.matches(*e.object);
  const bool was_in = e.prev != nullptr && sel_.matches(*e.prev);
  watch_event w;
  w.revision = e.revision;
  if (e.type == watch_event_type::deleted) {
    if (!was_in) return;
    w.type = watch_event_type::deleted;
    w.object = e.object;
  } else if (now_in) {
    w.type = was_in ? watch_event_type::modified : watch_event_type::added;
    w.object = e.object;
  } else if (was_in) {
    w.type = watch_event_type::deleted;
    w.object = at_revision(*e.prev, e.revision);
  } else {
    return;
  }
  out->push_back(std::move(w));
}

std::vector<watch_event> watch_channel::poll(size_t max) {
  std::vector<watch_event> out;
  if (max == 0) return out;
  std::lock_guard<std::mutex> lock(mu_);
  if (stopped_) return out;
  if (failed_) {
    watch_event e;
    e.type = watch_event_type::error;
    e.revision = cursor_.load();
    e.error = failure_;
    out.push_back(std::move(e));
    failed_ = false;
    stopped_ = true;
    return out;
  }
  while (!initial_.empty() && out.size() < max) {
    out.push_back(std::move(initial_.front()));
    initial_.pop_front();
  }
  if (!initial_.empty()) return out;
  // Cleared before reading: an append after the read sets it again and wakes us.
  pending_.store(false);
  std::vector<event_log::event_ptr> raw;
  bool drained = false;
  while (out.size() < max && !drained) {
    raw.clear();
    const size_t want = max - out.size();
    status s = log_->read(cursor_.load(), 0, want, &raw);
    if (!s) {
      log_->remove_watcher(this);
      watch_event e;
      e.type = watch_event_type::error;
      e.revision = cursor_.load();
      e.error = std::move(s);
      out.push_back(std::move(e));
      stopped_ = true;
      return out;
    }
    for (const auto& e : raw) {
      emit(*e, &out);
      cursor_.store(e->revision);
    }
    drained = raw.size() < want;
  }
  if (!drained) pending_.store(true);  // more to read: wait_for() must not sleep
  if (drained && bookmarks_ && bookmark_requested_) {
    out.push_back(bookmark(false));
    bookmark_requested_ = false;
  }
  return out;
}

bool watch_channel::ready_locked() const {
  return stopped_ || failed_ || !initial_.empty() || pending_.load() ||
         (bookmarks_ && bookmark_requested_);
}

bool watch_channel::wait_for(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return ready_locked(); });
}

void watch_channel::request_bookmark() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!bookmarks_ || stopped_) return;
    bookmark_requested_ = true;
  }
  wake();
}

void watch_channel::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_ && !failed_) return;
    stopped_ = true;
    failed_ = false;
  }
  log_->remove_watcher(this);
  cv_.notify_all();
}

bool watch_channel::closed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopped_;
}

void watch_channel::wake() {
  {
    // Taking the lock orders this with a waiter between its check and its sleep.
    std::lock_guard<std::mutex> lock(mu_);
  }
  cv_.notify_all();
  if (notify_) notify_();
}

void watch_channel::fail(status why) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    failed_ = true;
    failure_ = std::move(why);
  }
  cv_.notify_all();
  if (notify_) notify_();
}

} // namespace troupe::store
