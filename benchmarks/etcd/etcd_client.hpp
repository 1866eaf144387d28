#pragma once
// A minimal etcd v3 client for the benchmarks: Put, prefix Range and prefix Watch over gRPC++,
// using our own wire-compatible subset of etcd's API (etcd_kv.proto). Thread-safe: many writer
// threads share one client, whose calls are spread over a few HTTP/2 connections.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "etcd/etcd_kv.grpc.pb.h"

namespace troupe::benchmarks::etcd {

/// The outcome of one call: ok, or the gRPC error as text.
struct call_status {
  std::string error; // empty when ok
  bool ok() const { return error.empty(); }
  static call_status from(const grpc::Status& s);
};

struct put_result {
  call_status status;
  int64_t revision = 0; // the store revision of this write
};

struct range_result {
  call_status status;
  int64_t revision = 0;
  int64_t count = 0; // keys in the range (even when count_only or limited)
  std::vector<mvccpb::KeyValue> kvs;
};

/// The keys after every key starting with `prefix`: etcd's range_end for a prefix.
std::string prefix_range_end(const std::string& prefix);

/// One Watch stream with one watcher on a key prefix. Not thread-safe except cancel().
class watch_stream {
public:
  /// Opens the stream and creates the watcher; check status() before reading.
  watch_stream(etcdserverpb::Watch::Stub& stub, const std::string& prefix, int64_t start_revision);
  ~watch_stream();

  const call_status& status() const { return status_; }
  /// Blocks for the next batch of events; false when the stream ended (see finish()).
  bool next(std::vector<mvccpb::Event>& events);
  /// Ends the stream from any thread; a blocked next() returns false.
  void cancel() { context_.TryCancel(); }
  call_status finish();

private:
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<etcdserverpb::WatchRequest, etcdserverpb::WatchResponse>>
      stream_;
  call_status status_;
  bool finished_ = false;
};

class client {
public:
  /// `endpoint` is host:port; `connections` separate HTTP/2 connections are opened.
  explicit client(const std::string& endpoint, int connections = 1);

  put_result put(const std::string& key, const std::string& value);
  /// The same Put without waiting: returns at once; `done` follows on one of gRPC's threads.
  void put_async(const std::string& key, const std::string& value,
                 std::function<void(put_result)> done);
  /// Every key under `prefix` (or only their number when count_only), at the latest revision.
  range_result range_prefix(const std::string& prefix, bool count_only = false, int64_t limit = 0);
  /// One Range with a deadline: true once the server answers.
  bool ping(std::chrono::milliseconds deadline);
  std::unique_ptr<watch_stream> watch_prefix(const std::string& prefix, int64_t start_revision = 0);

private:
  struct connection {
    std::shared_ptr<grpc::Channel> channel;
    std::unique_ptr<etcdserverpb::KV::Stub> kv;
    std::unique_ptr<etcdserverpb::Watch::Stub> watch;
  };
  connection& pick();

  std::vector<connection> connections_;
  std::atomic<size_t> next_{0};
};

} // namespace troupe::benchmarks::etcd
