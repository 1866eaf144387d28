#pragma once
// Waiting for an asynchronous runtime call, for tests, benchmarks and tools (never inside an
// actor: that is what the callback API is for).
//   auto id = await_result<std::string>([&](auto cb) { rt.run_pod_sandbox(cfg, 5s, cb); });
//   status s = await_status([&](auto cb) { rt.start_container(id, 5s, cb); });

#include <future>
#include <memory>

#include "node-agent/runtime/container_runtime.hpp"

namespace troupe::node_agent::runtime {

template <class T, class Start>
result<T> await_result(Start&& start) {
  // The promise is shared with the callback: the waiter may return (and unwind) while the
  // runtime thread is still inside set_value.
  auto p = std::make_shared<std::promise<result<T>>>();
  auto f = p->get_future();
  start(callback<T>([p](result<T> r) { p->set_value(std::move(r)); }));
  return f.get();
}

template <class Start>
status await_status(Start&& start) {
  auto p = std::make_shared<std::promise<status>>();
  auto f = p->get_future();
  start(status_callback([p](status s) { p->set_value(std::move(s)); }));
  return f.get();
}

} // namespace troupe::node_agent::runtime
