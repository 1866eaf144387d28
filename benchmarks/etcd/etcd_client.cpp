#include "benchmarks/etcd/etcd_client.hpp"

namespace troupe::benchmarks::etcd {

call_status call_status::from(const grpc::Status& s) {
  if (s.ok())
    return {};
  return {"gRPC " + std::to_string(s.error_code()) + ": " + s.error_message()};
}

std::string prefix_range_end(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0'); // etcd's "to the end of the keyspace"
}

watch_stream::watch_stream(etcdserverpb::Watch::Stub& stub, const std::string& prefix,
                           int64_t start_revision) {
  stream_ = stub.Watch(&context_);
  etcdserverpb::WatchRequest req;
  auto* create = req.mutable_create_request();
  create->set_key(prefix);
  create->set_range_end(prefix_range_end(prefix));
  create->set_start_revision(start_revision);
  etcdserverpb::WatchResponse resp;
  if (!stream_->Write(req) || !stream_->Read(&resp)) {
    status_ = finish();
    if (status_.ok())
      status_.error = "watch stream closed before the watcher was created";
    return;
  }
  if (!resp.created() || resp.canceled())
    status_.error = "watch not created: " + resp.cancel_reason();
}

watch_stream::~watch_stream() {
  if (!finished_) {
    cancel();
    finish();
  }
}

bool watch_stream::next(std::vector<mvccpb::Event>& events) {
  etcdserverpb::WatchResponse resp;
  while (stream_->Read(&resp)) {
    if (resp.canceled())
      return false;
    if (resp.events_size() == 0)
      continue; // progress notifications carry no events
    events.assign(std::make_move_iterator(resp.mutable_events()->begin()),
                  std::make_move_iterator(resp.mutable_events()->end()));
    return true;
  }
  return false;
}

call_status watch_stream::finish() {
  if (finished_)
    return status_;
  finished_ = true;
  stream_->WritesDone();
  return call_status::from(stream_->Finish());
}

client::client(const std::string& endpoint, int connections) {
  for (int i = 0; i < std::max(connections, 1); ++i) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(-1); // a list of 10,000 pods is ~20 MB
    // Channels with identical arguments share one TCP connection; a distinct argument and a
    // local subchannel pool give each its own.
    args.SetInt("troupe.connection_index", i);
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    connection c;
    c.channel = grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args);
    c.kv = etcdserverpb::KV::NewStub(c.channel);
    c.watch = etcdserverpb::Watch::NewStub(c.channel);
    connections_.push_back(std::move(c));
  }
}

client::connection& client::pick() {
  return connections_[next_.fetch_add(1, std::memory_order_relaxed) % connections_.size()];
}

put_result client::put(const std::string& key, const std::string& value) {
  etcdserverpb::PutRequest req;
  req.set_key(key);
  req.set_value(value);
  etcdserverpb::PutResponse resp;
  grpc::ClientContext ctx;
  put_result r;
  r.status = call_status::from(pick().kv->Put(&ctx, req, &resp));
  r.revision = resp.header().revision();
  return r;
}

void client::put_async(const std::string& key, const std::string& value,
                       std::function<void(put_result)> done) {
  // What the call needs until it completes; the callback frees it.
  struct call {
    grpc::ClientContext ctx;
    etcdserverpb::PutRequest req;
    etcdserverpb::PutResponse resp;
    std::function<void(put_result)> done;
  };
  auto* c = new call;
  c->req.set_key(key);
  c->req.set_value(value);
  c->done = std::move(done);
  pick().kv->async()->Put(&c->ctx, &c->req, &c->resp, [c](grpc::Status s) {
    std::unique_ptr<call> owned(c);
    put_result r;
    r.status = call_status::from(s);
    r.revision = owned->resp.header().revision();
    owned->done(std::move(r));
  });
}

range_result client::range_prefix(const std::string& prefix, bool count_only, int64_t limit) {
  etcdserverpb::RangeRequest req;
  req.set_key(prefix);
  req.set_range_end(prefix_range_end(prefix));
  req.set_count_only(count_only);
  req.set_limit(limit);
  etcdserverpb::RangeResponse resp;
  grpc::ClientContext ctx;
  range_result r;
  r.status = call_status::from(pick().kv->Range(&ctx, req, &resp));
  r.revision = resp.header().revision();
  r.count = resp.count();
  r.kvs.assign(std::make_move_iterator(resp.mutable_kvs()->begin()),
               std::make_move_iterator(resp.mutable_kvs()->end()));
  return r;
}

bool client::ping(std::chrono::milliseconds deadline) {
  etcdserverpb::RangeRequest req;
  req.set_key("/troupe-ping");
  etcdserverpb::RangeResponse resp;
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + deadline);
  ctx.set_wait_for_ready(true);
  return connections_[0].kv->Range(&ctx, req, &resp).ok();
}

std::unique_ptr<watch_stream> client::watch_prefix(const std::string& prefix,
                                                   int64_t start_revision) {
  return std::make_unique<watch_stream>(*pick().watch, prefix, start_revision);
}

} // namespace troupe::benchmarks::etcd
