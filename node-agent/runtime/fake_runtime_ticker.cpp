#include "node-agent/runtime/fake_runtime_ticker.hpp"

namespace troupe::node_agent::runtime {

fake_runtime_ticker::fake_runtime_ticker(fake_runtime& fake, timeout period)
  : fake_(fake), period_(period.count() > 0 ? period : timeout(1)), thread_([this] { run(); }) {
}

fake_runtime_ticker::~fake_runtime_ticker() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void fake_runtime_ticker::run() {
  using clock = std::chrono::steady_clock;
  auto last = clock::now();
  // Whole milliseconds are advanced; the remainder carries over, so no time is lost to rounding.
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (cv_.wait_for(lock, period_, [this] { return stopping_; })) return;
    }
    const auto now = clock::now();
    const auto elapsed = std::chrono::duration_cast<timeout>(now - last);
    if (elapsed.count() > 0) {
      last += elapsed;
      fake_.advance(elapsed);
    }
  }
}

} // namespace troupe::node_agent::runtime
