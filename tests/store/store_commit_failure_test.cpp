// A commit the engine refuses (a full disk, an I/O error): its writers hear the error, not a
// success; writes queued behind it fail too, none hangs; the store takes no more writes until
// reopened, and reads still answer with what was committed before.
#include "store/engine_store.hpp"
#include "store/memory_engine.hpp"
#include "tests/store/store_fixtures.hpp"

#include <atomic>
#include <thread>

using namespace troupe;
using namespace troupe::testing;

namespace {

// The memory engine, with commits that fail on demand (and may be held first, so that writes
// queue behind the failing one).
class failing_engine : public store::kv_engine {
 public:
  struct control {
    std::atomic<bool> fail{false};
    std::atomic<int> hold_ms{0};
    std::atomic<int> commits{0};
  };
  explicit failing_engine(std::shared_ptr<control> c)
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

} // namespace

TEST_CASE("store: a failed commit fails its writers and every later write, and reads go on",
          "[unit][store]") {
  auto control = std::make_shared<failing_engine::control>();
  auto s = std::make_unique<store::engine_store>(std::make_unique<failing_engine>(control),
                                                 store::store_options{});
  REQUIRE(s->start());
  REQUIRE(s->create(pods(), pod("demo", "kept"), at(1700000000)).ok());
  const int64_t before = s->revision();

  // 16 writers at once against a commit held 100 ms then refused: every one hears an error
  // (from the refused commit or from the stopped store), none a success, none hangs.
  control->hold_ms = 100;
  control->fail = true;
  constexpr int threads = 16;
  std::atomic<int> ok{0}, failed{0}, io_errors{0};
  std::vector<std::thread> pool;
  const auto proto = pod("demo", "proto");
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto r = s->create(pods(), pod_like(proto, "demo", "w" + std::to_string(t)), at(1700000001));
      if (r.ok()) {
        ok.fetch_add(1);
      } else {
        failed.fetch_add(1);
        if (r.status().message().find("no space left on device") != std::string::npos)
          io_errors.fetch_add(1);
      }
    });
  }
  for (auto& t : pool)
    t.join();
  CHECK(ok.load() == 0);
  CHECK(failed.load() == threads);
  CHECK(io_errors.load() == threads); // the cause is in every message
  CHECK(s->revision() == before);

  // The store takes no more writes, even once the engine would accept them again.
  control->fail = false;
  control->hold_ms = 0;
  const int commits = control->commits.load();
  auto later = s->create(pods(), pod("demo", "later"), at(1700000002));
  REQUIRE_FALSE(later.ok());
  CHECK(later.status().get_code() == store::status::code::closed);
  CHECK(later.status().message().find("takes no more writes until reopened") != std::string::npos);
  CHECK(control->commits.load() == commits); // refused before the engine

  // Reads answer with what was committed before the failure, and nothing else.
  CHECK(s->get(pods(), "demo", "kept").ok());
  CHECK(s->get(pods(), "demo", "w0").status().get_code() == store::status::code::not_found);
  store::list_options all;
  all.ns = "demo";
  auto listed = s->list(pods(), all);
  REQUIRE(listed.ok());
  CHECK(listed->items.size() == 1);
}
