// benchmarks/async_writers.hpp: W writes in flight from C client threads, completions on a
// store's commit thread, drained at the end. Driven here with a fake asynchronous store.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "benchmarks/async_writers.hpp"

using troupe::bench::run_async_writes;
using troupe::bench::write_done;

namespace {

struct submission {
  std::thread::id thread;
  int writer;
  uint64_t seq;
};

// Completes queued writes from its own thread in groups after `delay` (a group commit), or, when
// `inline_done`, in the submitting thread before start returns. Fails write number `fail_at`.
class fake_store {
public:
  explicit fake_store(std::chrono::microseconds delay, bool inline_done = false,
                      int64_t fail_at = -1)
      : delay_(delay), inline_done_(inline_done), fail_at_(fail_at) {
    commit_ = std::thread([this] { run(); });
    commit_id_ = commit_.get_id();
  }
  ~fake_store() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    commit_.join();
  }

  void start(int writer, uint64_t seq, write_done done) {
    int64_t n;
    {
      std::lock_guard<std::mutex> lock(mu_);
      n = static_cast<int64_t>(submissions_.size());
      submissions_.push_back({std::this_thread::get_id(), writer, seq});
    }
    int now = ++in_flight_;
    int seen = max_in_flight_.load();
    while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
    }
    std::string error = n == fail_at_ ? "boom" : "";
    if (inline_done_) {
      --in_flight_;
      done(error);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back({std::move(done), error});
    }
    cv_.notify_one();
  }

  std::vector<submission> submissions() {
    std::lock_guard<std::mutex> lock(mu_);
    return submissions_;
  }
  int in_flight() const { return in_flight_.load(); }
  int max_in_flight() const { return max_in_flight_.load(); }
  std::thread::id commit_thread() const { return commit_id_; }

private:
  struct pending {
    write_done done;
    std::string error;
  };
  void run() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_ && queue_.empty())
        return;
      std::vector<pending> group;
      group.swap(queue_);
      lock.unlock();
      std::this_thread::sleep_for(delay_);
      for (auto& p : group) {
        --in_flight_;  // before done: done lets the next write of the writer start
        p.done(p.error);
      }
      lock.lock();
    }
  }

  std::chrono::microseconds delay_;
  bool inline_done_;
  int64_t fail_at_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<pending> queue_;
  std::vector<submission> submissions_;
  bool stop_ = false;
  std::atomic<int> in_flight_{0}, max_in_flight_{0};
  std::thread commit_;
  std::thread::id commit_id_;
};

} // namespace

TEST_CASE("run_async_writes keeps W writes in flight from min(W, C) client threads", "[bench]") {
  struct row {
    int writers, client_threads;
  };
  for (const auto& r : std::initializer_list<row>{{1, 2}, {3, 2}, {16, 2}, {5, 3}, {256, 2}}) {
    INFO("writers " << r.writers << ", client threads " << r.client_threads);
    fake_store store(std::chrono::microseconds(200));
    auto run = run_async_writes(r.writers, r.client_threads, 0.15,
                                [&](int w, uint64_t seq, write_done done) {
                                  store.start(w, seq, std::move(done));
                                });
    auto subs = store.submissions();
    CHECK(run.error.empty());
    CHECK(store.max_in_flight() == r.writers);  // every writer busy, never more
    CHECK(store.in_flight() == 0);              // drained before returning
    CHECK(run.acknowledged == subs.size());
    CHECK(run.writes > 0);
    CHECK(run.writes <= run.acknowledged);
    CHECK(run.latencies_ms.size() == run.writes);
    CHECK(run.seconds == Approx(0.15));

    // Each writer on one client thread, its writes numbered 0, 1, 2, ...; never from the commit
    // thread (completions do not start writes).
    std::map<int, std::thread::id> owner;
    std::map<int, uint64_t> next_seq;
    std::map<std::thread::id, std::set<int>> writers_of;
    bool same_thread = true, in_order = true, from_commit = false;
    for (const auto& s : subs) {
      auto [it, fresh] = owner.emplace(s.writer, s.thread);
      same_thread = same_thread && (fresh || it->second == s.thread);
      in_order = in_order && s.seq == next_seq[s.writer]++;
      from_commit = from_commit || s.thread == store.commit_thread();
      writers_of[s.thread].insert(s.writer);
    }
    CHECK(same_thread);
    CHECK(in_order);
    CHECK_FALSE(from_commit);
    CHECK(owner.size() == static_cast<size_t>(r.writers));
    CHECK(writers_of.size() == static_cast<size_t>(std::min(r.writers, r.client_threads)));
    size_t fewest = SIZE_MAX, most = 0;
    for (const auto& [thread, ws] : writers_of) {
      fewest = std::min(fewest, ws.size());
      most = std::max(most, ws.size());
    }
    CHECK(most - fewest <= 1);  // the remainder spread
  }
}

TEST_CASE("run_async_writes reports the first failed write, stops and still drains", "[bench]") {
  fake_store store(std::chrono::microseconds(200), false, 40);
  auto t0 = std::chrono::steady_clock::now();
  auto run = run_async_writes(8, 1, 5.0, [&](int w, uint64_t seq, write_done done) {
    store.start(w, seq, std::move(done));
  });
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(run.error == "boom");
  CHECK(store.in_flight() == 0);
  CHECK(run.acknowledged == store.submissions().size());
  // No write starts after the failure is seen: at most the 7 other writers' writes then in
  // flight follow write 40; the 5 s window is not waited out.
  CHECK(store.submissions().size() <= 48);
  CHECK(took < 2.0);
  CHECK(run.writes == run.acknowledged - 1);
}

TEST_CASE("run_async_writes works when done runs in the submitting thread", "[bench]") {
  fake_store store(std::chrono::microseconds(0), true);
  auto run = run_async_writes(4, 2, 0.05, [&](int w, uint64_t seq, write_done done) {
    store.start(w, seq, std::move(done));
  });
  CHECK(run.error.empty());
  CHECK(run.writes > 0);
  CHECK(store.in_flight() == 0);
  CHECK(run.acknowledged == store.submissions().size());
}
