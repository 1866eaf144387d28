#pragma once
// A streaming (chunked) response, the transport of watches. The handler opens one through its
// responder and may then write from any thread:
//   auto s = res.open_stream(200);
//   s->on_close([id] { unsubscribe(id); });   // fires once, whatever ended the stream
//   s->write_chunk(event_json + "\n");         // false once the stream is closed
//   s->close();                                // terminating chunk, then the connection closes
// Each chunk is posted onto the connection's strand and written as soon as the socket takes it.
// Bytes queued but not yet written are bounded: past buffer_limit (a client that stopped
// reading) the stream is closed with reason overflow, not grown. A client that disconnects is
// noticed at once, by a read kept pending on its socket, not at the next write.

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace troupe::http {

enum class close_reason {
  open,            // not closed yet
  closed_by_server, // close() was called
  client_gone,     // the peer closed the connection or the socket failed
  overflow,        // the client did not read and buffered bytes passed the limit
  server_stopping, // server::stop()
};

const char* to_string(close_reason r);

/// What a stream writes into: implemented by the server's connection. Both calls may come from
/// any thread; implementations post onto their strand.
class stream_sink {
public:
  virtual ~stream_sink() = default;
  /// One framed chunk; `counted` is its data size, to hand back through stream::written().
  virtual void deliver(std::string framed, size_t counted) = 0;
  /// Ends the response: graceful writes the terminating chunk first, otherwise the socket closes.
  virtual void finish(bool graceful) = 0;
};

class stream {
public:
  stream(std::weak_ptr<stream_sink> sink, size_t buffer_limit);

  /// Queues `data` as one chunk (empty data is ignored). False if the stream is closed.
  bool write_chunk(std::string data);
  /// Terminating chunk, then the connection closes. Idempotent.
  void close();
  bool is_open() const { return open_.load(std::memory_order_acquire); }
  /// Called exactly once when the stream ends, on whatever thread ended it (an io thread or the
  /// caller of close()); at once if it already has. Keep it short; it must not block.
  void on_close(std::function<void()> fn);
  close_reason reason() const;
  /// Bytes queued but not yet written to the socket.
  size_t buffered() const { return buffered_.load(std::memory_order_relaxed); }

  // For the connection (the sink side).
  void written(size_t counted);
  void ended(close_reason r);

private:
  bool mark_closed(close_reason r);

  std::weak_ptr<stream_sink> sink_;
  const size_t buffer_limit_;
  std::atomic<bool> open_{true};
  std::atomic<size_t> buffered_{0};
  mutable std::mutex mu_;
  close_reason reason_ = close_reason::open;
  std::function<void()> on_close_;
};

/// "<hex size>\r\n<data>\r\n", one chunk of chunked transfer coding.
std::string frame_chunk(const std::string& data);

} // namespace troupe::http
