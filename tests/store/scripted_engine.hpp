#pragma once
// The memory engine with scripted commits, for tests of the store's commit pipeline: each commit
// can be held for a while or until released (a slow disk: writes queue behind it) or refused (a
// full disk).
#include "store/kv_engine.hpp"
#include "store/memory_engine.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace troupe::testing {

class scripted_engine : public store::kv_engine {
 public:
  struct control {
    std::atomic<bool> fail{false}; // refuse commits
    std::atomic<int> hold_ms{0};   // hold each commit this long first
    std::atomic<bool> paused{false}; // hold each commit until this is false again
    std::atomic<int> commits{0};   // commits asked for, refused or not
  };
  explicit scripted_engine(std::shared_ptr<control> c)
    : inner_(store::make_memory_engine())
    , c_(std::move(c)) {}
  std::unique_ptr<store::kv_reader> snapshot() override { return inner_->snapshot(); }
  store::result<std::optional<std::string>> get(const std::string& key) override {
    return inner_->get(key);
  }
  store::status commit(const store::kv_batch& batch, bool sync) override {
    c_->commits.fetch_add(1);
    if (int ms = c_->hold_ms.load(); ms > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    while (c_->paused.load())
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (c_->fail.load())
      return store::status::io_error("write to store memory: no space left on device");
    return inner_->commit(batch, sync);
  }
  const store::kv_recovered& recovered() const override { return inner_->recovered(); }
  bool keeps_history() const override { return inner_->keeps_history(); }
  const std::string& name() const override { return inner_->name(); }

 private:
  std::unique_ptr<store::kv_engine> inner_;
  std::shared_ptr<control> c_;
};

} // namespace troupe::testing
