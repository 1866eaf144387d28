// A commit the engine refuses (a full disk, an I/O error): its writers hear the error, not a
// success; writes queued behind it fail too, none hangs; the store takes no more writes until
// reopened, and reads still answer with what was committed before.
#include <atomic>
#include <thread>

#include "store/engine_store.hpp"
#include "tests/store/scripted_engine.hpp"
#include "tests/store/store_fixtures.hpp"

using namespace troupe;
using namespace troupe::testing;

TEST_CASE("store: a failed commit fails its writers and every later write, and reads go on",
          "[unit][store]") {
  auto control = std::make_shared<scripted_engine::control>();
  auto s = std::make_unique<store::engine_store>(std::make_unique<scripted_engine>(control),
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
