#pragma once
// Drives a fake_runtime's manual clock with real time, for hollow nodes (many node agents on fake
// runtimes in one process, for scale tests): every `period` it advances the fake by the real time
// that passed, so containers exit and delayed calls answer as they would on a real node. Delayed
// callbacks then run on the ticker's thread, which the container_runtime contract allows.
// Unit tests do not use it: they advance the clock by hand.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "node-agent/runtime/fake_runtime.hpp"

namespace troupe::node_agent::runtime {

class fake_runtime_ticker {
public:
  fake_runtime_ticker(fake_runtime& fake, timeout period = std::chrono::milliseconds(10));
  /// Stops and joins the thread; the fake's clock stays where it was.
  ~fake_runtime_ticker();
  fake_runtime_ticker(const fake_runtime_ticker&) = delete;
  fake_runtime_ticker& operator=(const fake_runtime_ticker&) = delete;

private:
  void run();

  fake_runtime& fake_;
  timeout period_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after the members it reads
};

} // namespace troupe::node_agent::runtime
