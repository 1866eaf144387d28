#pragma once
// A small fixed pool of threads for blocking calls (CONVENTIONS 13): cri_runtime runs each
// synchronous gRPC call here so the caller (a CAF actor) never blocks. Tasks run in FIFO order on
// whichever thread is free. The destructor stops taking tasks, runs the ones already queued and
// joins; queued tasks are bounded by their call deadlines, so that wait is bounded too.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace troupe::node_agent::runtime {

class call_pool {
public:
  explicit call_pool(std::size_t threads);
  ~call_pool();
  call_pool(const call_pool&) = delete;
  call_pool& operator=(const call_pool&) = delete;

  /// Queues `task`; false (task dropped) once the pool is shutting down.
  bool post(std::function<void()> task);
  std::size_t size() const { return threads_.size(); }

private:
  void run();

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

} // namespace troupe::node_agent::runtime
