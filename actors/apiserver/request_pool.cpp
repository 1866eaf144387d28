#include "actors/apiserver/request_pool.hpp"

namespace troupe::apiserver {

request_pool::request_pool(unsigned threads) {
  if (threads == 0)
    threads = 1;
  for (unsigned i = 0; i < threads; ++i)
    threads_.emplace_back([this] { run(); });
}

request_pool::~request_pool() {
  stop();
}

void request_pool::post(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_)
      return;
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void request_pool::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && threads_.empty())
      return;
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable())
      t.join();
  threads_.clear();
}

void request_pool::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty())
        return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

} // namespace troupe::apiserver
