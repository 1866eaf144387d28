#include "actors/http/stream.hpp"

namespace troupe::http {

const char* to_string(close_reason r) {
  switch (r) {
    case close_reason::open:
      return "open";
    case close_reason::closed_by_server:
      return "closed by server";
    case close_reason::client_gone:
      return "client gone";
    case close_reason::overflow:
      return "overflow";
    case close_reason::server_stopping:
      return "server stopping";
  }
  return "?";
}

std::string frame_chunk(const std::string& data) {
  static const char digits[] = "0123456789abcdef";
  char size[2 * sizeof(size_t)];
  size_t n = data.size(), len = 0;
  do {
    size[sizeof(size) - 1 - len++] = digits[n & 15];
    n >>= 4;
  } while (n != 0);
  std::string out;
  out.reserve(len + data.size() + 4);
  out.append(size + sizeof(size) - len, len);
  out.append("\r\n");
  out.append(data);
  out.append("\r\n");
  return out;
}

stream::stream(std::weak_ptr<stream_sink> sink, size_t buffer_limit)
  : sink_(std::move(sink)), buffer_limit_(buffer_limit) {}

bool stream::write_chunk(std::string data) {
  if (!is_open())
    return false;
  if (data.empty())
    return true;
  size_t counted = data.size();
  if (buffered_.fetch_add(counted, std::memory_order_relaxed) + counted > buffer_limit_) {
    buffered_.fetch_sub(counted, std::memory_order_relaxed);
    if (auto sink = sink_.lock())
      sink->finish(false);
    ended(close_reason::overflow);
    return false;
  }
  auto sink = sink_.lock();
  if (!sink) {
    ended(close_reason::client_gone);
    return false;
  }
  sink->deliver(frame_chunk(data), counted);
  return true;
}

void stream::close() {
  if (!is_open())
    return;
  if (auto sink = sink_.lock())
    sink->finish(true);
  ended(close_reason::closed_by_server);
}

void stream::written(size_t counted) { buffered_.fetch_sub(counted, std::memory_order_relaxed); }

bool stream::mark_closed(close_reason r) {
  std::lock_guard<std::mutex> guard{mu_};
  if (reason_ != close_reason::open)
    return false;
  reason_ = r;
  open_.store(false, std::memory_order_release);
  return true;
}

void stream::ended(close_reason r) {
  if (!mark_closed(r))
    return;
  std::function<void()> fn;
  {
    std::lock_guard<std::mutex> guard{mu_};
    fn = std::move(on_close_);
  }
  if (fn)
    fn();
}

void stream::on_close(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> guard{mu_};
    if (reason_ == close_reason::open) {
      on_close_ = std::move(fn);
      return;
    }
  }
  if (fn)
    fn();
}

close_reason stream::reason() const {
  std::lock_guard<std::mutex> guard{mu_};
  return reason_;
}

} // namespace troupe::http
