#pragma once
// The object_store implementation, shared by both backends: write rules (store/write_plan.hpp),
// group commit (store/group_commit.hpp), history and watchers (store/event_log.hpp) over a
// kv_engine that only stores bytes. Writes are in engine_store.cpp, reads and watch in
// engine_store_read.cpp.

#include <atomic>
#include <memory>
#include <mutex>

#include "store/event_log.hpp"
#include "store/group_commit.hpp"
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
  int64_t revision() const override { return revision_.load(); }
  store_stats stats() const override;

private:
  enum class op { create, update, remove };
  struct pending_write {
    op what = op::create;
    const config::kind_info* kind = nullptr;
    std::string key;
    std::string name;
    // create, update: a private copy of the caller's object, made in the caller's thread (the
    // plan changes it in place: no copy inside the serial section)
    std::shared_ptr<google::protobuf::Message> object;
    delete_options del;
    config::timestamp now;
    std::string uid;
    result<write_result> out{status::closed("write not processed")};
    bool done = false;
  };
  struct current_state {
    std::shared_ptr<const google::protobuf::Message> object;  // null: no object
    std::string bytes;
  };

  void submit(const std::vector<pending_write*>& writes);
  void process(std::vector<pending_write*>& group);
  status read_current(const pending_write& w, current_state* out);
  status failure() const;
  status check_kind(const config::kind_info& kind) const;
  result<std::shared_ptr<const google::protobuf::Message>> decode(const config::kind_info& kind,
                                                                  std::string_view bytes) const;

  std::unique_ptr<kv_engine> engine_;
  store_options options_;
  std::shared_ptr<event_log> log_;
  group_commit<pending_write> commits_;
  std::atomic<int64_t> revision_{0};
  int64_t disk_compacted_ = 0;  // the commit leader's

  mutable std::mutex failed_mu_;
  status failed_;  // set when a commit fails: the store takes no more writes

  std::atomic<uint64_t> writes_{0};
  std::atomic<uint64_t> rejected_{0};
  std::atomic<uint64_t> syncs_{0};
  std::atomic<uint64_t> max_batch_{0};
  std::atomic<uint64_t> compacted_events_{0};
};

} // namespace troupe::store
