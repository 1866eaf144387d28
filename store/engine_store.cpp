#include "store/engine_store.hpp"

#include <pthread.h>

#include <optional>
#include <unordered_map>

#include <algorithm>
#include <chrono>

#include "store/keys.hpp"
#include "store/object_meta.hpp"
#include "store/uuid.hpp"

namespace troupe::store {

using google::protobuf::Message;

engine_store::engine_store(std::unique_ptr<kv_engine> engine, store_options options)
    : engine_(std::move(engine)),
      options_(std::move(options)),
      log_(std::make_shared<event_log>(options_.history_window, options_.watcher_max_lag)) {}

engine_store::~engine_store() {
  {
    std::lock_guard<std::mutex> lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (committer_.joinable()) committer_.join();  // writes queued before are still written
  if (syncer_.joinable()) syncer_.join();
  {
    std::lock_guard<std::mutex> lock(reap_mu_);
    reap_stopping_ = true;
  }
  reap_cv_.notify_all();
  if (reaper_.joinable()) reaper_.join();
  log_->close_all(status::closed("the store at " + engine_->name() + " was closed"));
}

// Loads the recovered history from the newest record back, so that a record without its object
// (store/history.hpp) finds it in the key's next record (its prev, decoded once and shared), or,
// for the key's latest record, in the key's stored value.
status engine_store::start() {
  const auto& rec = engine_->recovered();
  std::vector<event_log::event_ptr> events(rec.history.size());
  // Per key: the prev of its next record (null when that record is a creation).
  std::unordered_map<std::string_view, std::shared_ptr<const Message>> next_prev;
  for (size_t i = rec.history.size(); i-- > 0;) {
    const int64_t rev = rec.history[i].first;
    auto bad = [&](const std::string& why) {
      return status::corruption("open store " + engine_->name() + ": history record " +
                                std::to_string(rev) + " " + why);
    };
    auto r = decode_history_record(rec.history[i].second);
    if (!r) return bad("does not decode");
    const auto* kind = kind_for_key(r->key);
    if (kind == nullptr) return bad("has a key of no known kind: " + std::string(r->key));
    auto e = std::make_shared<history_event>();
    e->revision = rev;
    e->type = r->type;
    e->key = std::string(r->key);
    if (!r->object.empty()) {
      auto object = decode(*kind, r->object);
      if (!object.ok()) return bad("has an object that does not decode");
      e->object = *object;
    } else if (r->type == watch_event_type::deleted) {
      return bad("is a deletion without the deleted object");
    } else if (auto next = next_prev.find(r->key); next != next_prev.end()) {
      if (!next->second) return bad("is followed by a creation of " + e->key + " without a deletion");
      e->object = next->second;
    } else {
      auto stored = engine_->get(e->key);
      if (!stored.ok()) return stored.status();
      if (!stored->has_value()) return bad("has no object, and " + e->key + " is not stored");
      auto object = decode(*kind, **stored);
      if (!object.ok()) return bad("has no object, and the stored " + e->key + " does not decode");
      if (parse_revision(object_meta(**object).resourceversion()).value_or(0) != rev)
        return bad("has no object, and the stored " + e->key + " is at another revision");
      e->object = *object;
    }
    if (!r->prev.empty()) {
      auto prev = decode(*kind, r->prev);
      if (!prev.ok()) return bad("has a previous object that does not decode");
      e->prev = *prev;
    }
    next_prev[r->key] = e->prev;
    events[i] = std::move(e);
  }
  log_->reset(rec.compacted, std::move(events));
  disk_compacted_ = rec.compacted;
  revision_.store(rec.revision);
  planned_rev_ = rec.revision;
  // Named for top -H, perf and gdb (15 characters at most).
  reaper_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-reap");
    reap_loop();
  });
  syncer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-commit");
    sync_loop();
  });
  committer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-plan");
    commit_loop();
  });
  return status::ok();
}

status engine_store::check_kind(const config::kind_info& kind) const {
  if (kind.descriptor == nullptr || kind.resource.empty() || !kind.is_storage_version()) {
    return status::invalid(kind.api_version() + " " + kind.kind +
                           " is not a stored kind (store its storage version)");
  }
  return status::ok();
}

result<std::shared_ptr<const Message>> engine_store::decode(const config::kind_info& kind,
                                                            std::string_view bytes) const {
  std::shared_ptr<Message> m = kind.new_object();
  if (!m->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return status::corruption("a stored " + kind.kind + " in " + engine_->name() +
                              " does not decode");
  }
  return std::shared_ptr<const Message>(std::move(m));
}

status engine_store::failure() const {
  std::lock_guard<std::mutex> lock(failed_mu_);
  return failed_;
}

status engine_store::prepare(const batch_write& in, bool take_over, config::timestamp now,
                             pending_write* w) {
  if (!in.kind) return status::invalid("batch write without a kind");
  if (auto s = check_kind(*in.kind); !s) return s;
  w->kind = in.kind;
  w->now = now;
  if (in.what == batch_write::op::remove) {
    w->what = op::remove;
    w->key = key_for(*in.kind, in.ns, in.name);
    w->name = in.name;
    w->del = in.options;
    return status::ok();
  }
  if (!in.object) return status::invalid("batch write without an object");
  if (in.object->GetDescriptor() != in.kind->descriptor) {
    return status::invalid("object is a " + in.object->GetDescriptor()->full_name() + ", not a " +
                           in.kind->kind);
  }
  const auto& m = object_meta(*in.object);
  w->what = in.what == batch_write::op::create ? op::create : op::update;
  w->key = key_for(*in.kind, m.namespace_(), m.name());
  w->name = m.name();
  if (take_over && in.object.use_count() == 1) {
    // The batch holds the only reference: the object was allocated non-const and handed over.
    w->object = std::const_pointer_cast<Message>(in.object);
  } else {
    w->object.reset(in.object->New());
    w->object->CopyFrom(*in.object);
  }
  if (w->what == op::create) w->uid = options_.new_uid ? options_.new_uid() : random_uuid();
  return status::ok();
}


// One write through the batch path (prepare copies a borrowed object, never takes it over).
result<write_result> engine_store::one(batch_write w, config::timestamp now) {
  std::vector<batch_write> single;
  single.push_back(std::move(w));
  return std::move(many(single, false, now)[0]);
}

namespace {
// A shared_ptr that borrows `object` (owns nothing): the store copies it.
std::shared_ptr<const Message> borrowed(const Message& object) {
  return std::shared_ptr<const Message>(std::shared_ptr<const Message>(), &object);
}
} // namespace

result<write_result> engine_store::create(const config::kind_info& kind, const Message& object,
                                          config::timestamp now) {
  return one({batch_write::op::create, &kind, borrowed(object)}, now);
}

result<write_result> engine_store::update(const config::kind_info& kind, const Message& object) {
  return one({batch_write::op::update, &kind, borrowed(object)}, config::timestamp{});
}

std::vector<result<write_result>> engine_store::many(const std::vector<batch_write>& writes,
                                                     bool take_over, config::timestamp now) {
  submission sub;
  sub.writes.resize(writes.size());
  for (size_t i = 0; i < writes.size(); ++i) {
    auto& w = sub.writes[i];
    if (auto s = prepare(writes[i], take_over, now, &w); !s)
      w.out = std::move(s);
    else
      w.owner = &sub;
  }
  run_blocking(sub);
  std::vector<result<write_result>> out;
  out.reserve(writes.size());
  for (auto& w : sub.writes) out.push_back(std::move(w.out));
  return out;
}

std::vector<result<write_result>> engine_store::write_many(const std::vector<batch_write>& writes,
                                                          config::timestamp now) {
  return many(writes, false, now);
}

std::vector<result<write_result>> engine_store::write_many(std::vector<batch_write>&& writes,
                                                          config::timestamp now) {
  return many(writes, true, now);
}

void engine_store::write_async(std::vector<batch_write> writes, config::timestamp now,
                               batch_done done) {
  auto sub = std::make_unique<submission>();
  sub->writes.resize(writes.size());
  bool any = false;
  for (size_t i = 0; i < writes.size(); ++i) {
    auto& w = sub->writes[i];
    if (auto s = prepare(writes[i], true, now, &w); !s) {
      w.out = std::move(s);
    } else {
      w.owner = sub.get();
      any = true;
    }
  }
  writes.clear();  // drops the caller's references before the commit thread sees the objects
  auto finish = [done = std::move(done)](submission* s) mutable {
    // This lambda lives in s->done: take the callback out before freeing s (and with it us).
    auto callback = std::move(done);
    std::unique_ptr<submission> owned(s);
    std::vector<result<write_result>> out;
    out.reserve(s->writes.size());
    for (auto& w : s->writes) out.push_back(std::move(w.out));
    owned.reset();
    callback(std::move(out));
  };
  if (!any) {
    finish(sub.release());
    return;
  }
  sub->done = std::move(finish);
  enqueue(sub.release());
}

result<write_result> engine_store::remove(const config::kind_info& kind, std::string_view ns,
                                          std::string_view name, const delete_options& options,
                                          config::timestamp now) {
  batch_write w;
  w.what = batch_write::op::remove;
  w.kind = &kind;
  w.ns = std::string(ns);
  w.name = std::string(name);
  w.options = options;
  return one(std::move(w), now);
}

result<std::vector<write_result>> engine_store::remove_collection(const config::kind_info& kind,
                                                                  const list_options& selection,
                                                                  const delete_options& options,
                                                                  config::timestamp now) {
  list_options all = selection;
  all.limit = 0;
  all.continue_token.clear();
  auto listed = list(kind, all);
  if (!listed.ok()) return listed.status();
  // One submission for the whole collection: its deletions share syncs.
  submission sub;
  sub.writes.resize(listed->items.size());
  for (size_t i = 0; i < sub.writes.size(); ++i) {
    const auto& m = object_meta(*listed->items[i].object);
    auto& w = sub.writes[i];
    w.what = op::remove;
    w.kind = &kind;
    w.key = listed->items[i].key;
    w.name = m.name();
    w.del = options;
    w.now = now;
    w.owner = &sub;
  }
  run_blocking(sub);
  std::vector<write_result> out;
  for (auto& w : sub.writes) {
    if (w.out.ok()) {
      out.push_back(std::move(*w.out));
    } else if (!w.out.status().is(status::code::not_found)) {
      return w.out.status();
    }
  }
  return out;
}


store_stats engine_store::stats() const {
  store_stats s;
  s.revision = revision_.load();
  s.compacted_revision = log_->compacted();
  s.writes = writes_.load();
  s.rejected_writes = rejected_.load();
  s.syncs = syncs_.load();
  s.max_batch = max_batch_.load();
  s.pending_writes = pending_.load();
  s.history_events = log_->size();
  s.compacted_events = compacted_events_.load();
  s.open_watchers = log_->watchers();
  s.dropped_watchers = log_->dropped_watchers();
  return s;
}

} // namespace troupe::store
