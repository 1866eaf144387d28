#include "store/memory_engine.hpp"

#include <map>
#include <mutex>
#include <shared_mutex>

namespace troupe::store {

namespace {

class memory_engine;

class memory_reader : public kv_reader {
public:
  memory_reader(const std::map<std::string, std::string, std::less<>>& data, int64_t revision,
                std::shared_lock<std::shared_mutex> lock)
      : data_(data), revision_(revision), lock_(std::move(lock)) {}

  int64_t revision() const override { return revision_; }

  result<std::optional<std::string>> get(const std::string& key) override {
    auto it = data_.find(key);
    if (it == data_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  status scan(const std::string& begin, const std::string& end,
              const std::function<bool(std::string_view, std::string_view)>& fn) override {
    for (auto it = data_.lower_bound(begin); it != data_.end() && it->first < end; ++it) {
      if (!fn(it->first, it->second)) break;
    }
    return status::ok();
  }

private:
  const std::map<std::string, std::string, std::less<>>& data_;
  int64_t revision_;
  std::shared_lock<std::shared_mutex> lock_;
};

class memory_engine : public kv_engine {
public:
  std::unique_ptr<kv_reader> snapshot() override {
    std::shared_lock<std::shared_mutex> lock(mu_);
    const int64_t rev = revision_;
    return std::make_unique<memory_reader>(data_, rev, std::move(lock));
  }

  result<std::optional<std::string>> get(const std::string& key) override {
    std::shared_lock<std::shared_mutex> lock(mu_);
    auto it = data_.find(key);
    if (it == data_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  status commit(const kv_batch& batch, bool) override {
    std::unique_lock<std::shared_mutex> lock(mu_);
    for (const auto& [key, value] : batch.objects) {
      if (value) {
        data_[key] = *value;
      } else {
        data_.erase(key);
      }
    }
    revision_ = batch.revision;
    return status::ok();
  }

  const kv_recovered& recovered() const override { return recovered_; }
  bool keeps_history() const override { return false; }
  const std::string& name() const override { return name_; }

private:
  std::shared_mutex mu_;
  std::map<std::string, std::string, std::less<>> data_;
  int64_t revision_ = 0;
  kv_recovered recovered_;
  std::string name_ = "memory";
};

} // namespace

std::unique_ptr<kv_engine> make_memory_engine() { return std::make_unique<memory_engine>(); }

} // namespace troupe::store
