#pragma once
// Drives an asynchronous write interface the way Troupe's actors use the store: W logical writers,
// each with exactly one write in flight at all times, served by C client threads (a CAF
// scheduler's few workers), never by a thread per writer.
//
// Contract of run_async_writes(writers W, client_threads C, seconds, start):
// - Thread t of min(W, C) owns writers [W*t/C', W*(t+1)/C') (C' = min(W, C)): the remainder is
//   spread, shares differ by at most one. Only that thread calls `start` for its writers, never
//   while holding a lock the completion takes; `start(writer, seq, done)` begins the writer's
//   seq-th write (seq 0, 1, 2, ... per writer) and returns without waiting.
// - `done(error)` ("" = acknowledged) must be called exactly once per write, from any thread (the
//   store's commit thread, or the caller's before start returns). It only records the latency
//   (start -> done) and queues the writer's id for its client thread (mutex + condition variable;
//   it notifies only when that thread is waiting); it never starts a write itself.
// - The client thread starts the writer's next write while the window is open; after it, every
//   writer retires as its last write comes back, so the call returns with nothing in flight.
// - Counted: writes acknowledged within the window (`writes`, `latencies_ms`); `acknowledged`
//   also counts those of the drain. The first failure is `error`; its client thread then starts
//   no more writes.
// Pure C++ (no store, no CAF): tests/benchmarks/async_writers_test.cpp drives it with a fake.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace troupe::bench {

/// A write's outcome: "" = acknowledged (durable), otherwise why it failed.
using write_done = std::function<void(const std::string& error)>;
/// Begins writer `writer`'s `seq`-th write and returns at once; `done` follows later.
using start_write = std::function<void(int writer, uint64_t seq, write_done done)>;

struct async_write_run {
  uint64_t writes = 0;               // acknowledged within the window
  uint64_t acknowledged = 0;         // every write that came back, also while draining
  double seconds = 0;                // the window
  std::vector<double> latencies_ms;  // start -> done of the writes counted
  std::string error;                 // the first failure, "" = none
};

/// The first writer of client thread t when `writers` are spread over `threads`.
inline int first_writer_of(int writers, int threads, int t) {
  return static_cast<int>(static_cast<int64_t>(writers) * t / threads);
}

namespace detail {
struct async_client {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int> ready;  // writers whose write came back: their next one is due
  bool waiting = false;    // the thread sleeps on cv
  std::vector<double> latencies_ms;
  uint64_t in_window = 0, acknowledged = 0;
  std::string error;
};
} // namespace detail

inline async_write_run run_async_writes(int writers, int client_threads, double seconds,
                                        const start_write& start) {
  using clock = std::chrono::steady_clock;
  const int threads = std::max(1, std::min(writers, client_threads));
  std::vector<std::unique_ptr<detail::async_client>> clients;
  for (int t = 0; t < threads; ++t)
    clients.push_back(std::make_unique<detail::async_client>());

  std::mutex go_mu;
  std::condition_variable go_cv;
  bool go = false;
  clock::time_point begin, deadline;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto& c = *clients[t];
      const int first = first_writer_of(writers, threads, t);
      const int last = first_writer_of(writers, threads, t + 1);
      std::vector<uint64_t> seq(last - first, 0);
      clock::time_point end;
      {
        std::unique_lock<std::mutex> lock(go_mu);
        go_cv.wait(lock, [&] { return go; });
        end = deadline;
      }
      auto submit = [&](int w) {
        auto t0 = clock::now();
        start(w, seq[w - first]++, [&c, w, t0, end](const std::string& error) {
          auto t1 = clock::now();
          bool wake;
          {
            std::lock_guard<std::mutex> lock(c.mu);
            ++c.acknowledged;
            if (!error.empty()) {
              if (c.error.empty())
                c.error = error;
            } else if (t1 <= end) {
              ++c.in_window;
              c.latencies_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            }
            c.ready.push_back(w);
            wake = c.waiting;
          }
          if (wake)
            c.cv.notify_one();
        });
      };
      for (int w = first; w < last; ++w)
        submit(w);
      int active = last - first;
      std::vector<int> batch;
      while (active > 0) {
        bool failed;
        {
          std::unique_lock<std::mutex> lock(c.mu);
          while (c.ready.empty()) {
            c.waiting = true;
            c.cv.wait(lock);
            c.waiting = false;
          }
          batch.swap(c.ready);
          failed = !c.error.empty();
        }
        for (int w : batch) {
          if (!failed && clock::now() < end)
            submit(w);
          else
            --active;  // window closed (or a write failed): this writer is done
        }
        batch.clear();
      }
    });
  }
  {
    std::lock_guard<std::mutex> lock(go_mu);
    begin = clock::now();
    deadline = begin + std::chrono::duration_cast<clock::duration>(
                           std::chrono::duration<double>(seconds));
    go = true;
  }
  go_cv.notify_all();
  for (auto& th : pool)
    th.join();

  async_write_run r;
  r.seconds = std::chrono::duration<double>(deadline - begin).count();
  for (auto& c : clients) {
    r.writes += c->in_window;
    r.acknowledged += c->acknowledged;
    r.latencies_ms.insert(r.latencies_ms.end(), c->latencies_ms.begin(), c->latencies_ms.end());
    if (r.error.empty())
      r.error = c->error;
  }
  return r;
}

} // namespace troupe::bench
