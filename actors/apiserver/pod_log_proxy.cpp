#include "actors/apiserver/pod_log_proxy.hpp"

#include <thread>

#include "actors/api/status_errors.hpp"
#include "proto/core_v1.pb.h"

namespace troupe::apiserver {

namespace {

http::response text_response(std::string body) {
  http::response r;
  r.status = 200;
  r.body = std::move(body);
  r.headers.set("Content-Type", "text/plain");
  return r;
}

http::response status_response(const api::api_status& s) {
  return http::response::json(static_cast<unsigned>(s.code), s.body.dump());
}

bool flag(const http::request& req, const char* name) {
  auto v = req.query_param(name);
  return v && (*v == "true" || *v == "1");
}

// An integer query parameter; `bad` names it when it is not a number >= `min`.
int64_t number(const http::request& req, const char* name, int64_t fallback, int64_t min,
               std::string& bad) {
  auto v = req.query_param(name);
  if (!v || v->empty())
    return fallback;
  try {
    size_t used = 0;
    long long n = std::stoll(*v, &used);
    if (used == v->size() && n >= min)
      return n;
  } catch (...) {
  }
  if (bad.empty())
    bad = std::string(name) + ": Invalid value: \"" + *v + "\"";
  return fallback;
}

} // namespace

std::string pick_log_container(const core::v1::Pod& pod, const std::string& requested,
                               std::string& out) {
  const auto& spec = pod.spec();
  if (requested.empty()) {
    if (spec.containers_size() == 1) {
      out = spec.containers(0).name();
      return {};
    }
    std::string names;
    for (const auto& c : spec.containers())
      names += (names.empty() ? "" : " ") + c.name();
    return "a container name must be specified for pod " + pod.metadata().name() +
           ", choose one of: [" + names + "]";
  }
  for (const auto& list : {&spec.containers(), &spec.initcontainers()})
    for (const auto& c : *list)
      if (c.name() == requested) {
        out = requested;
        return {};
      }
  return "container " + requested + " is not valid for pod " + pod.metadata().name();
}

bool serve_pod_log(const pod_log_options& options, const core::v1::Pod& pod,
                   const http::request& req, http::responder res) {
  if (!options.source || pod.spec().nodename().empty())
    return false;
  pod_log_request q;
  q.node = pod.spec().nodename();
  q.ns = pod.metadata().namespace_();
  q.pod = pod.metadata().name();
  std::string bad;
  q.previous = flag(req, "previous");
  q.timestamps = flag(req, "timestamps");
  q.tail_lines = number(req, "tailLines", -1, 0, bad);
  q.since_seconds = number(req, "sinceSeconds", 0, 1, bad);
  q.limit_bytes = number(req, "limitBytes", 0, 1, bad);
  const bool follow = flag(req, "follow");
  if (!bad.empty()) {
    res.send(status_response(api::bad_request(bad)));
    return true;
  }
  if (auto why = pick_log_container(pod, req.query_param("container").value_or(""), q.container);
      !why.empty()) {
    res.send(status_response(api::bad_request(why)));
    return true;
  }
  auto first = options.source(q);
  if (first.what == pod_log_chunk::outcome::no_session)
    return false;
  if (first.what == pod_log_chunk::outcome::failed) {
    res.send(status_response(api::bad_request(first.error)));
    return true;
  }
  if (!follow || !first.more) {
    res.send(text_response(std::move(first.text)));
    return true;
  }
  http::header_list headers;
  headers.set("Content-Type", "text/plain");
  auto stream = res.open_stream(200, std::move(headers));
  if (!stream)
    return true;
  // Follow on its own thread, as watches do: it sleeps between reads and never holds a pool
  // thread or an io thread.
  std::thread([options, q, stream, first]() mutable {
    // limitBytes bounds the whole answer: each later read asks for what is left.
    const int64_t limit = q.limit_bytes;
    int64_t written = static_cast<int64_t>(first.text.size());
    stream->write_chunk(std::move(first.text));
    auto next = first;
    while (next.more && stream->is_open() && !(options.stopping && options.stopping->load())) {
      if (limit > 0 && written >= limit)
        break;
      std::this_thread::sleep_for(options.follow_interval);
      if (!stream->is_open() || (options.stopping && options.stopping->load()))
        break;  // the source may belong to an actor system that is going away
      q.offset = next.next_offset;
      if (limit > 0)
        q.limit_bytes = limit - written;
      auto chunk = options.source(q);
      if (chunk.what != pod_log_chunk::outcome::ok)
        break;
      if (limit > 0 && written + static_cast<int64_t>(chunk.text.size()) > limit)
        chunk.text.resize(static_cast<size_t>(limit - written));
      written += static_cast<int64_t>(chunk.text.size());
      if (!chunk.text.empty())
        stream->write_chunk(chunk.text);
      next = std::move(chunk);
    }
    stream->close();
  }).detach();
  return true;
}

} // namespace troupe::apiserver
