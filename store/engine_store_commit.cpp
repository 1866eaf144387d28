// The write path of engine_store: the commit pipeline (store/engine_store.hpp explains it).
// Writers queue submissions (enqueue, run_blocking); stage 1 plans groups (commit_loop,
// read_current, remember, plan_writes, close_group); stage 2 commits them (sync_loop,
// commit_planned); both complete writers through finish_group; the reaper frees what they let
// go of (discard, reap_loop). The public calls that build submissions are in engine_store.cpp.
#include "store/engine_store.hpp"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "config/object_codec.hpp"
#include "store/object_meta.hpp"
#include "store/write_plan.hpp"

namespace troupe::store {

using google::protobuf::Message;
void engine_store::enqueue(submission* s) {
  s->start = std::chrono::steady_clock::now();
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    for (auto& w : s->writes) {
      if (w.owner) {
        queue_.push_back(&w);
        ++s->queued;
      }
    }
    pending_.fetch_add(s->queued);
    wake = committer_waiting_ && s->queued > 0;
    if (wake) committer_waiting_ = false;
  }
  if (wake) queue_cv_.notify_one();
}

void engine_store::run_blocking(submission& s) {
  bool any = false;
  for (auto& w : s.writes) any = any || w.owner != nullptr;
  if (!any) return;
  sem_init(&s.wake, 0, 0);
  enqueue(&s);
  while (sem_wait(&s.wake) != 0) {
  }
  // Wake two more writers of the same group (a binary tree rooted where the commit thread woke).
  if (s.wake_list) {
    const auto& list = *s.wake_list;
    for (size_t child = 2 * s.wake_index + 1; child <= 2 * s.wake_index + 2; ++child)
      if (child < list.size()) sem_post(&list[child]->wake);
  }
  sem_destroy(&s.wake);
}

// Stage 1 (the commit thread): plans queued writes as they come into the open group, and hands
// that group to stage 2 as soon as stage 2 is free (or the group is full): meanwhile the writes
// that arrive join it, so a group holds everything that came while the previous one committed,
// already planned when stage 2 takes it.
void engine_store::commit_loop() {
  const size_t most = std::max<size_t>(options_.max_batch, 1);
  std::unique_ptr<planned_batch> open;  // planned, not yet handed to stage 2
  for (;;) {
    std::vector<pending_write*> chunk;
    bool stage2_free = false, more_queued = false, stopping = false;
    {
      std::unique_lock<std::mutex> lock(queue_mu_);
      // Sleep until there are writes to plan, or stage 2 is free for the open group.
      while (queue_.empty() && !stopping_ && !(open && !committing_)) {
        committer_waiting_ = true;
        queue_cv_.wait(lock);
      }
      committer_waiting_ = false;
      const size_t room = most - (open ? open->group.size() : 0);
      while (!queue_.empty() && chunk.size() < room) {
        chunk.push_back(queue_.front());
        queue_.pop_front();
      }
      stage2_free = !committing_;
      more_queued = !queue_.empty();
      stopping = stopping_;
      if (stopping && chunk.empty() && !open) break;  // everything queued was committed
    }
    if (!chunk.empty()) {
      if (!open) {
        open = std::make_unique<planned_batch>();
        open->seq = ++planned_seq_;
      }
      plan_writes(*open, chunk);
    }
    if (!open) continue;
    const bool full = open->group.size() >= most;
    if (!stage2_free) {
      if (!full && !stopping) continue;  // gather more while stage 2 commits
      std::unique_lock<std::mutex> lock(queue_mu_);
      while (committing_) {
        committer_waiting_ = true;
        queue_cv_.wait(lock);
      }
      committer_waiting_ = false;
      more_queued = !queue_.empty();
    }
    close_group(*open);
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      committing_ = true;
    }
    if (!more_queued) {
      // Nothing else to plan and stage 2 idle: commit here, sparing a hand-over (a lone
      // writer's write would otherwise wake three threads in turn).
      commit_and_finish(*open);
      open.reset();
      std::lock_guard<std::mutex> lock(queue_mu_);
      committing_ = false;
    } else {
      std::lock_guard<std::mutex> lock(sync_mu_);
      sync_queue_.push_back(std::move(open));
      sync_cv_.notify_one();
    }
  }
  {
    std::lock_guard<std::mutex> lock(sync_mu_);
    sync_stopping_ = true;
  }
  sync_cv_.notify_all();
}

// Commits a planned group, marks it committed (stage 1 may forget its keys' recent states
// then), and completes its writers: stage 2's work, done by stage 1 itself when idle.
void engine_store::commit_and_finish(planned_batch& b) {
  garbage g;
  g.states = std::move(b.evicted);
  commit_planned(b, &g.events);
  committed_seq_.store(b.seq);
  finish_group(b.group);
  discard(std::move(g));
}

// Stage 2 (the sync thread): commits each planned group in one durable write, in plan order,
// publishes its events, then completes its writers.
void engine_store::sync_loop() {
  for (;;) {
    std::unique_ptr<planned_batch> batch;
    {
      std::unique_lock<std::mutex> lock(sync_mu_);
      sync_cv_.wait(lock, [&] { return !sync_queue_.empty() || sync_stopping_; });
      if (sync_queue_.empty()) return;
      batch = std::move(sync_queue_.front());
      sync_queue_.pop_front();
    }
    commit_and_finish(*batch);
    batch.reset();
    bool wake = false;
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      committing_ = false;  // stage 1 may hand over its open group
      wake = committer_waiting_;
      committer_waiting_ = false;
    }
    if (wake) queue_cv_.notify_one();
  }
}

void engine_store::discard(garbage&& g) {
  if (g.empty()) return;
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(reap_mu_);
    reap_queue_.push_back(std::move(g));
    wake = reaper_waiting_;
    reaper_waiting_ = false;
  }
  if (wake) reap_cv_.notify_one();
}

// The reaper: frees what the stages discarded, a batch at a time, until stopped and drained.
void engine_store::reap_loop() {
  std::vector<garbage> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(reap_mu_);
      while (reap_queue_.empty() && !reap_stopping_) {
        reaper_waiting_ = true;
        reap_cv_.wait(lock);
      }
      reaper_waiting_ = false;
      if (reap_queue_.empty()) return;
      batch.swap(reap_queue_);
    }
    batch.clear();
  }
}

// Completes the submissions whose last write was in `group` (on the commit thread).
void engine_store::finish_group(std::vector<pending_write*>& group) {
  std::vector<submission*> finished;
  for (auto* w : group) {
    if (--w->owner->queued == 0) finished.push_back(w->owner);
  }
  pending_.fetch_sub(group.size());
  if (auto* observer = options_.observer.get()) {
    const auto now = std::chrono::steady_clock::now();
    for (auto* s : finished) {
      const double seconds = std::chrono::duration<double>(now - s->start).count();
      for (const auto& w : s->writes) {
        if (!w.owner) continue;
        const char* name = w.what == op::create ? "create" : w.what == op::update ? "update" : "delete";
        observer->write_done(name, seconds, w.out.ok());
      }
    }
  }
  auto blocked = std::make_shared<std::vector<submission*>>();
  for (auto* s : finished) {
    if (s->done)
      s->done(s);  // frees s
    else
      blocked->push_back(s);
  }
  for (size_t i = 0; i < blocked->size(); ++i) {
    (*blocked)[i]->wake_list = blocked;
    (*blocked)[i]->wake_index = i;
  }
  // The root of the tree; after the last use of the list here (a woken writer may return at once
  // and take the list with it).
  submission* root = blocked->empty() ? nullptr : blocked->front();
  blocked.reset();
  if (root) sem_post(&root->wake);
}

status engine_store::read_current(const pending_write& w, current_state* out) {
  // Planned by an earlier group that stage 2 has not committed yet?
  // Written recently (or planned and not yet committed): the commit thread knows it already.
  if (auto it = recent_.find(w.key); it != recent_.end()) {
    *out = it->second.state;
    return status::ok();
  }
  auto r = engine_->get(w.key);
  if (!r.ok()) return r.status();
  if (!r->has_value()) return status::ok();
  auto obj = decode(*w.kind, **r);
  if (!obj.ok()) return obj.status();
  out->object = *obj;
  out->bytes = std::move(**r);
  return status::ok();
}

// Stage 1: keeps `cur` as the latest state of `key` (newest last), then forgets the oldest
// entries beyond store_options::recent_objects, never one stage 2 has not committed yet (reads of
// later plans must see it before the engine has it).
void engine_store::remember(const std::string& key, current_state cur, uint64_t seq,
                            std::vector<current_state>* evicted) {
  auto it = recent_.find(key);
  if (it == recent_.end()) {
    recent_order_.push_back(key);
    it = recent_.emplace(key, recent_entry{{}, 0, std::prev(recent_order_.end())}).first;
  } else {
    recent_order_.splice(recent_order_.end(), recent_order_, it->second.pos);
  }
  it->second.state = std::move(cur);
  it->second.seq = seq;
  const uint64_t committed = committed_seq_.load();
  while (recent_.size() > options_.recent_objects && !recent_order_.empty()) {
    auto oldest = recent_.find(recent_order_.front());
    if (oldest->second.seq > committed) break;  // not durable yet
    evicted->push_back(std::move(oldest->second.state));
    recent_.erase(oldest);
    recent_order_.pop_front();
  }
}

// Stage 1: adds `chunk` to the open group `b`, planning each write against the state as the
// earlier writes (of this group and of planned groups not yet committed) leave it, and adds
// their records to the group's durable batch.
void engine_store::plan_writes(planned_batch& b, const std::vector<pending_write*>& chunk) {
  b.group.insert(b.group.end(), chunk.begin(), chunk.end());
  if (auto f = failure(); !f) {
    for (auto* w : chunk) w->out = f;
    return;
  }
  std::map<std::string, current_state, std::less<>> state;
  const int64_t first_rev = planned_rev_;
  int64_t rev = first_rev;
  const bool keep_history = engine_->keeps_history();
  for (auto* w : chunk) {
    auto it = state.find(w->key);
    if (it == state.end()) {
      current_state cur;
      if (auto s = read_current(*w, &cur); !s) {
        w->out = s;
        continue;
      }
      it = state.emplace(w->key, std::move(cur)).first;
    }
    current_state& cur = it->second;
    write_plan plan;
    switch (w->what) {
      case op::create: plan = plan_create(*w->kind, cur.object.get(), std::move(w->object), rev + 1, w->now, w->uid); break;
      case op::update: plan = plan_update(*w->kind, cur.object.get(), std::move(w->object), rev + 1, cur.bytes); break;
      case op::remove: plan = plan_delete(*w->kind, w->name, cur.object.get(), w->del, rev + 1, w->now); break;
    }
    if (plan.act == write_plan::action::reject) {
      w->out = plan.error;
      rejected_.fetch_add(1);
      continue;
    }
    if (plan.act == write_plan::action::none) {
      write_result r;
      r.object = {w->key, parse_revision(object_meta(*cur.object).resourceversion()).value_or(0),
                  cur.object};
      r.changed = false;
      w->out = std::move(r);
      continue;
    }
    ++rev;
    std::string bytes = config::serialize_deterministic(*plan.object);
    std::shared_ptr<const Message> object = plan.object;
    auto e = std::make_shared<history_event>();
    e->revision = rev;
    e->type = plan.event;
    e->key = w->key;
    e->object = object;
    e->prev = cur.object;
    if (keep_history) {
      // An added or modified record leaves its object out: that is the prev of the key's next
      // record, or the key's stored value (store/history.hpp). A deletion's is not.
      const std::string_view written =
        plan.event == watch_event_type::deleted ? std::string_view(bytes) : std::string_view();
      b.batch.history.emplace_back(rev, encode_history_record({plan.event, w->key, written, cur.bytes}));
    }
    write_result r;
    r.object = {w->key, rev, object};
    if (plan.act == write_plan::action::remove) {
      b.batch.objects.emplace_back(w->key, std::nullopt);
      cur = current_state{};
      r.deleted = true;
    } else {
      b.batch.objects.emplace_back(w->key, bytes);
      cur = current_state{object, std::move(bytes)};
    }
    w->out = std::move(r);
    b.events.push_back(std::move(e));
    b.written.push_back(w);
  }
  if (rev == first_rev) return;  // nothing written
  planned_rev_ = rev;
  for (auto& [key, cur] : state) remember(key, std::move(cur), b.seq, &b.evicted);
  b.batch.revision = rev;
}

// Stage 1, as the open group goes to stage 2: the history it lets go of from disk.
void engine_store::close_group(planned_batch& b) {
  if (b.events.empty() || !engine_->keeps_history()) return;
  const int64_t rev = b.batch.revision;
  // Drop history beyond the window, at most twice what this batch adds (plus a floor), so a
  // shrunken window is caught up over several commits instead of one long one.
  const int64_t target = rev - static_cast<int64_t>(std::max<size_t>(options_.history_window, 1));
  if (target > disk_compacted_) {
    const int64_t most = std::max<int64_t>(2 * static_cast<int64_t>(b.events.size()), 1024);
    b.batch.compact_from = disk_compacted_;
    b.batch.compact_to = std::min(target, disk_compacted_ + most);
    disk_compacted_ = b.batch.compact_to;
  }
}

// Stage 2: one durable write for the group, then its events go to the history (and watchers).
// After a failed commit the store takes no more writes: later groups, planned on top of this
// one, fail too. Events the history drops go to `trimmed`, to be freed later.
void engine_store::commit_planned(planned_batch& b, std::vector<event_log::event_ptr>* trimmed) {
  if (b.events.empty()) return;
  if (auto f = failure(); !f) {
    for (auto* w : b.written) w->out = f;
    return;
  }
  const auto commit_start = std::chrono::steady_clock::now();
  if (auto s = engine_->commit(b.batch, options_.sync); !s) {
    {
      std::lock_guard<std::mutex> lock(failed_mu_);
      failed_ = status::closed(s.message() + "; the store takes no more writes until reopened");
    }
    for (auto* w : b.written) w->out = s;
    return;
  }
  syncs_.fetch_add(1);
  writes_.fetch_add(b.events.size());
  uint64_t seen = max_batch_.load();
  while (b.events.size() > seen && !max_batch_.compare_exchange_weak(seen, b.events.size())) {
  }
  const size_t written_now = b.events.size();
  const int64_t rev = b.batch.revision;
  compacted_events_.fetch_add(log_->append(std::move(b.events), trimmed));
  revision_.store(rev);
  if (options_.observer) {
    options_.observer->committed(
      written_now, std::chrono::duration<double>(std::chrono::steady_clock::now() - commit_start).count(), rev);
  }
}

} // namespace troupe::store
