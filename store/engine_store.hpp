#pragma once
// The object_store implementation, shared by both backends: write rules (store/write_plan.hpp),
// history and watchers (store/event_log.hpp) over a kv_engine that only stores bytes. Writes are
// in engine_store.cpp (the calls) and engine_store_commit.cpp (the commit pipeline), reads and
// watch in engine_store_read.cpp.
//
// Group commit, a two-stage pipeline that owns the write path. Writers (blocking calls and
// write_async alike) queue their writes. Stage 1 (the commit thread) plans queued writes as they
// arrive into the open group, each against the state the earlier ones leave (including groups
// not yet committed); stage 2 (the sync thread) commits each group in one durable batch (one WAL
// sync), in plan order, publishes it to the history, then completes the writers. The open group
// goes to stage 2 the moment stage 2 is free (or it holds max_batch writes): so a group is
// everything that arrived while the previous one committed, already planned, and the writes in
// flight are spread over two groups, not three or four (store_bench at 16 writers: ~8.5 writes
// per sync instead of ~4.3). When nothing else is queued and stage 2 is idle, stage 1 commits the
// group itself (a lone writer then wakes one thread, not three). No writer hears of an outcome
// (a rejection included) before every group planned before its own is durable. A blocking
// writer waits on a semaphore of its own; the commit thread wakes the first of a group's blocked
// writers and each woken writer wakes two more (a binary tree), so the wake-ups are spread over
// the cores instead of serialising the commit thread. What the stages let go of (history events
// trimmed off the window, decoded objects evicted from the recent cache) is freed by a third
// thread, the reaper: destroying a Pod is hundreds of frees, and on either stage it would hold up
// the pipeline.

#include <semaphore.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <unordered_map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/event_log.hpp"
#include "store/kv_engine.hpp"
#include "store/object_store.hpp"

namespace troupe::store {

class engine_store : public object_store {
public:
  engine_store(std::unique_ptr<kv_engine> engine, store_options options);
  ~engine_store() override;

  /// Loads the history the engine recovered; corruption if a record does not decode.
  status start();

  result<write_result> create(const config::kind_info& kind, const google::protobuf::Message& object,
                              config::timestamp now) override;
  result<stored_object> get(const config::kind_info& kind, std::string_view ns,
                            std::string_view name) override;
  result<list_result> list(const config::kind_info& kind, const list_options& options) override;
  result<write_result> update(const config::kind_info& kind,
                              const google::protobuf::Message& object) override;
  result<write_result> remove(const config::kind_info& kind, std::string_view ns,
                              std::string_view name, const delete_options& options,
                              config::timestamp now) override;
  result<std::vector<write_result>> remove_collection(const config::kind_info& kind,
                                                      const list_options& selection,
                                                      const delete_options& options,
                                                      config::timestamp now) override;
  result<std::unique_ptr<watcher>> watch(const config::kind_info& kind,
                                         const watch_options& options) override;
  std::vector<result<write_result>> write_many(const std::vector<batch_write>& writes,
                                               config::timestamp now) override;
  std::vector<result<write_result>> write_many(std::vector<batch_write>&& writes,
                                               config::timestamp now) override;
  void write_async(std::vector<batch_write> writes, config::timestamp now,
                   batch_done done) override;
  int64_t revision() const override { return revision_.load(); }
  store_stats stats() const override;

private:
  enum class op { create, update, remove };
  struct submission;
  struct pending_write {
    op what = op::create;
    const config::kind_info* kind = nullptr;
    std::string key;
    std::string name;
    // create, update: a private copy of the caller's object, made in the caller's thread (the
    // plan changes it in place: no copy inside the serial section), or the caller's own object
    // when it was handed over
    std::shared_ptr<google::protobuf::Message> object;
    delete_options del;
    config::timestamp now;
    std::string uid;
    result<write_result> out{status::closed("write not processed")};
    submission* owner = nullptr;  // null: rejected before it was queued
  };
  // The writes of one call, completed together once all were processed.
  struct submission {
    std::vector<pending_write> writes;
    size_t queued = 0;  // writes handed to the commit thread and not yet processed
    std::chrono::steady_clock::time_point start;
    // Asynchronous: runs on the commit thread and frees the submission.
    std::function<void(submission*)> done;
    // Blocking: the caller waits on `wake`; once woken it wakes wake_list[2i+1] and [2i+2]
    // (i = wake_index; the commit thread wakes [0]).
    sem_t wake;
    std::shared_ptr<std::vector<submission*>> wake_list;
    size_t wake_index = 0;
  };
  struct current_state {
    std::shared_ptr<const google::protobuf::Message> object;  // null: no object
    std::string bytes;
  };

  /// Fills `w` from `in` (copying or taking over the object); a status when `in` is malformed.
  status prepare(const batch_write& in, bool take_over, config::timestamp now, pending_write* w);
  std::vector<result<write_result>> many(const std::vector<batch_write>& writes, bool take_over,
                                         config::timestamp now);
  result<write_result> one(batch_write w, config::timestamp now);
  /// Queues the submission's writes that have an owner; blocks until done when blocking.
  void enqueue(submission* s);
  void run_blocking(submission& s);
  // What the write path lets go of: history events trimmed off the window and decoded objects
  // evicted from recent_. Freed by the reaper thread (a Pod is hundreds of frees).
  struct garbage {
    std::vector<event_log::event_ptr> events;
    std::vector<current_state> states;
    bool empty() const { return events.empty() && states.empty(); }
  };
  // A group planned by stage 1 (the open group until handed over), for stage 2 to commit.
  struct planned_batch {
    uint64_t seq = 0;
    std::vector<pending_write*> group;
    std::vector<pending_write*> written;  // those with a new revision
    kv_batch batch;
    std::vector<event_log::event_ptr> events;
    std::vector<current_state> evicted;  // from recent_ while planning it: freed after the commit
  };
  struct recent_entry {
    current_state state;
    uint64_t seq = 0;  // the planned group that wrote it
    std::list<std::string>::iterator pos;  // in recent_order_
  };
  void commit_loop();
  void sync_loop();
  void plan_writes(planned_batch& b, const std::vector<pending_write*>& chunk);
  void close_group(planned_batch& b);
  void remember(const std::string& key, current_state cur, uint64_t seq,
                std::vector<current_state>* evicted);
  void commit_planned(planned_batch& b, std::vector<event_log::event_ptr>* trimmed);
  void commit_and_finish(planned_batch& b);
  void finish_group(std::vector<pending_write*>& group);
  /// Hands `g` to the reaper thread (reap_loop), which frees it.
  void discard(garbage&& g);
  void reap_loop();
  status read_current(const pending_write& w, current_state* out);
  status failure() const;
  status check_kind(const config::kind_info& kind) const;
  result<std::shared_ptr<const google::protobuf::Message>> decode(const config::kind_info& kind,
                                                                  std::string_view bytes) const;

  std::unique_ptr<kv_engine> engine_;
  store_options options_;
  std::shared_ptr<event_log> log_;
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<pending_write*> queue_;
  bool committer_waiting_ = false;
  // A group is being committed (handed to stage 2, or committed inline by stage 1); under queue_mu_
  bool committing_ = false;
  bool stopping_ = false;
  std::thread committer_;  // stage 1; started by start()
  // Stage 1's own state: the last revision planned, the disk compaction planned, and the latest
  // state of recently written keys, decoded, with their bytes: every key a group planned but
  // stage 2 has not committed (reads of later plans must see it first), and the most recent
  // others up to store_options::recent_objects (an update of one skips reading and decoding it).
  int64_t planned_rev_ = 0;
  int64_t disk_compacted_ = 0;
  uint64_t planned_seq_ = 0;
  std::unordered_map<std::string, recent_entry> recent_;
  std::list<std::string> recent_order_;  // oldest write first
  // The hand-over to stage 2 (at most one planned group waits).
  std::mutex sync_mu_;
  std::condition_variable sync_cv_;
  std::deque<std::unique_ptr<planned_batch>> sync_queue_;
  bool sync_stopping_ = false;
  std::thread syncer_;  // stage 2
  // The reaper: frees what both stages discard, off their threads.
  std::mutex reap_mu_;
  std::condition_variable reap_cv_;
  std::vector<garbage> reap_queue_;
  bool reaper_waiting_ = false;
  bool reap_stopping_ = false;
  std::thread reaper_;
  std::atomic<uint64_t> committed_seq_{0};
  std::atomic<int64_t> revision_{0};  // the last revision committed

  mutable std::mutex failed_mu_;
  status failed_;  // set when a commit fails: the store takes no more writes

  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> rejected_{0};
  std::atomic<uint64_t> syncs_{0};
  std::atomic<uint64_t> max_batch_{0};
  std::atomic<uint64_t> pending_{0};  // queued writes not yet completed (stats().pending_writes)
  std::atomic<uint64_t> compacted_events_{0};
};

} // namespace troupe::store
