// The shared store suite, part 4: writers racing on one object, and group commit (the last case
// drives engine_store over a slow scripted engine).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "proto/core_v1.pb.h"
#include "store/engine_store.hpp"
#include "tests/store/scripted_engine.hpp"
#include "tests/store/store_fixtures.hpp"

namespace troupe::testing {

using store::status;

// N threads read-modify-write one counter annotation with its resourceVersion. Exactly one
// writer wins each revision; the losers conflict and retry; no increment is lost.
TEMPLATE_TEST_CASE("store: racing read-modify-write has one winner per revision, no lost update",
                   "[unit][store]", memory_backend, rocksdb_backend) {
  TestType backend;
  auto s = backend.open();
  REQUIRE(s->create(pods(), pod("demo", "counter"), at(1)).ok());
  const int64_t start = s->revision();
  constexpr int threads = 8;
  constexpr int increments = 25;
  std::mutex mu;
  std::vector<int64_t> won;    // revisions written
  int conflicts = 0;
  std::vector<std::string> unexpected;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int done = 0; done < increments;) {
        auto cur = s->get(pods(), "demo", "counter");
        if (!cur.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          unexpected.push_back(cur.status().to_string());
          return;
        }
        auto p = as<core::v1::Pod>(*cur);
        auto& ann = *p.mutable_metadata()->mutable_annotations();
        ann["count"] = std::to_string(ann.count("count") ? std::stoi(ann["count"]) + 1 : 1);
        auto r = s->update(pods(), p);
        std::lock_guard<std::mutex> lock(mu);
        if (r.ok()) {
          won.push_back(r->object.revision);
          ++done;
        } else if (r.status().is(status::code::conflict)) {
          ++conflicts;
        } else {
          unexpected.push_back(r.status().to_string());
          return;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  CHECK(unexpected.empty());
  REQUIRE(won.size() == threads * increments);
  std::set<int64_t> distinct(won.begin(), won.end());
  CHECK(distinct.size() == won.size());                       // one winner per revision
  CHECK(*distinct.begin() == start + 1);                       // and no gap
  CHECK(*distinct.rbegin() == start + threads * increments);
  auto final = as<core::v1::Pod>(*s->get(pods(), "demo", "counter"));
  CHECK(final.metadata().annotations().at("count") == std::to_string(threads * increments));
  CHECK(s->stats().rejected_writes == static_cast<uint64_t>(conflicts));
  INFO("conflicts: " << conflicts);
}

TEMPLATE_TEST_CASE("store: concurrent writers share group commits", "[unit][store]", memory_backend,
                   rocksdb_backend) {
  // The first group commit holds its committing thread for 200 ms (through the observer, which
  // runs there), so the other writers are certainly queued behind it: on a loaded machine the
  // threads could otherwise take turns and every commit carry one write.
  struct slow_first_commit : store::store_observer {
    std::atomic<bool> first{true};
    void write_done(std::string_view, double, bool) override {}
    void committed(size_t, double, int64_t) override {
      if (first.exchange(false))
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  };
  TestType backend;
  store::store_options options;
  options.observer = std::make_shared<slow_first_commit>();
  auto s = backend.open(options);
  constexpr int threads = 16;
  constexpr int each = 20;
  std::vector<std::thread> pool;
  std::atomic<int> failures{0};
  const auto proto = pod("demo", "proto");
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < each; ++i) {
        if (!s->create(pods(), pod_like(proto, "demo", "p" + std::to_string(t) + "-" + std::to_string(i)), at(1)).ok()) {
          failures.fetch_add(1);
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  CHECK(failures.load() == 0);
  auto st = s->stats();
  CHECK(st.writes == threads * each);
  CHECK(st.revision == threads * each);
  CHECK(st.syncs < st.writes);  // some commits carried several writes
  CHECK(st.max_batch > 1);
  INFO("syncs " << st.syncs << " max batch " << st.max_batch);
  store::list_options all;
  CHECK(s->list(pods(), all)->items.size() == threads * each);
}

TEST_CASE("store: writes that arrive while a group commits all join the next one",
          "[unit][store]") {
  // Each commit takes 25 ms (a slow disk), far longer than planning or waking writers. Writes
  // queued while a group commits form the next group, planned as they arrive, so the 16 writers
  // in flight are split over two groups: the committing one and the open one, ~8 writes per
  // commit. (Planning a group ahead while another waited for the committing one spread them over
  // four: ~4 per commit.)
  auto control = std::make_shared<scripted_engine::control>();
  control->hold_ms = 25;
  auto s = std::make_unique<store::engine_store>(std::make_unique<scripted_engine>(control),
                                                 store::store_options{});
  REQUIRE(s->start());
  constexpr int threads = 16;
  constexpr int each = 12;
  std::atomic<int> failures{0};
  const auto proto = pod("demo", "proto");
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int i = 0; i < each; ++i) {
        const auto name = "p" + std::to_string(t) + "-" + std::to_string(i);
        if (!s->create(pods(), pod_like(proto, "demo", name), at(1)).ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& t : pool) t.join();
  CHECK(failures.load() == 0);
  const auto st = s->stats();
  REQUIRE(st.writes == threads * each);
  const double per_commit = static_cast<double>(st.writes) / static_cast<double>(st.syncs);
  INFO("writes " << st.writes << " commits " << st.syncs << " per commit " << per_commit);
  CHECK(per_commit >= 6.0);
}

} // namespace troupe::testing
