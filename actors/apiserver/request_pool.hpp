#pragma once
// A fixed pool of threads for the blocking half of API requests (durable store writes wait for
// their group commit). HTTP io threads and CAF workers hand work here and never block themselves.
// The more requests wait on one sync, the more share it: size the pool for the concurrency the
// store should see (group commit needs concurrent writers to batch).

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace troupe::apiserver {

class request_pool {
public:
  explicit request_pool(unsigned threads);
  ~request_pool();
  request_pool(const request_pool&) = delete;
  request_pool& operator=(const request_pool&) = delete;

  /// Runs `job` on a pool thread. After stop(), jobs are dropped.
  void post(std::function<void()> job);
  /// Finishes queued jobs, then joins the threads.
  void stop();

private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace troupe::apiserver
