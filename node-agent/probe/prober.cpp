#include "node-agent/probe/prober.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "node-agent/probe/grpc_probe.hpp"
#include "node-agent/probe/http_get.hpp"
#include "node-agent/probe/http_response.hpp"
#include "node-agent/runtime/call_pool.hpp"

namespace troupe::node_agent::probe {

namespace v1 = troupe::core::v1;
using clock = std::chrono::steady_clock;

namespace {

constexpr const char* stopped_message = "probe cancelled: the prober is stopping";

probe_outcome success(std::string msg = {}) {
  return {probe_outcome::result::success, std::move(msg)};
}
probe_outcome failure(std::string msg) { return {probe_outcome::result::failure, std::move(msg)}; }

std::string joined(const std::vector<std::string>& cmd, const char* sep = " ") {
  std::string out;
  for (const auto& c : cmd)
    out += (out.empty() ? "" : sep) + c;
  return out;
}

// One call's callback, answered exactly once whoever gets there first (the work, or the
// prober's destructor).
struct call_state {
  std::mutex m;
  bool done = false;
  probe_callback cb;
  void finish(probe_outcome o) {
    probe_callback c;
    {
      std::lock_guard<std::mutex> g(m);
      if (done)
        return;
      done = true;
      c = std::move(cb);
    }
    if (c)
      c(std::move(o));
  }
};

// The calls not yet answered. Shared with runtime callbacks, which may run after the prober is
// gone.
struct tracker {
  std::mutex m;
  bool stopping = false;
  std::set<std::shared_ptr<call_state>> pending;

  std::shared_ptr<call_state> start(probe_callback cb) {
    auto s = std::make_shared<call_state>();
    s->cb = std::move(cb);
    std::lock_guard<std::mutex> g(m);
    if (!stopping)
      pending.insert(s);
    else
      s->done = true;  // the caller answers it at once (see prober::impl::begin)
    return s;
  }
  void finish(const std::shared_ptr<call_state>& s, probe_outcome o) {
    {
      std::lock_guard<std::mutex> g(m);
      pending.erase(s);
    }
    s->finish(std::move(o));
  }
  void stop_all() {
    std::set<std::shared_ptr<call_state>> all;
    {
      std::lock_guard<std::mutex> g(m);
      stopping = true;
      all.swap(pending);
    }
    for (const auto& s : all)
      s->finish(failure(stopped_message));
  }
  bool is_stopping() {
    std::lock_guard<std::mutex> g(m);
    return stopping;
  }
};

// Go's %v of a []string: "[a b c]".
std::string go_list(const std::vector<std::string>& v) { return "[" + joined(v) + "]"; }

// Go's %v of an IntOrString struct: "{0 8080 }" / "{1 0 http}".
std::string go_int_or_string(const troupe::meta::IntOrString& p) {
  return "{" + std::to_string(p.type()) + " " + std::to_string(p.intval()) + " " + p.strval() + "}";
}

// Go's %v of a LifecycleHandler pointer as handlerRunner prints an invalid one.
std::string go_handler(const v1::LifecycleHandler& h) {
  std::string out = "&LifecycleHandler{Exec:nil,HTTPGet:nil,TCPSocket:";
  if (h.has_tcpsocket())
    out += "&TCPSocketAction{Port:" + go_int_or_string(h.tcpsocket().port()) +
           ",Host:" + h.tcpsocket().host() + ",}";
  else
    out += "nil";
  return out + ",Sleep:nil,}";
}

std::string exec_output(const runtime::exec_result& r) {
  std::string out = r.stdout_data + r.stderr_data;  // RunInContainer: stdout then stderr
  if (out.size() > max_exec_output)
    out.resize(max_exec_output);
  return out;
}

} // namespace

struct prober::impl {
  std::shared_ptr<runtime::container_runtime> runtime;
  std::shared_ptr<tracker> calls = std::make_shared<tracker>();
  int stop_pipe[2] = {-1, -1};
  std::unique_ptr<runtime::call_pool> pool;

  // Sleep hooks wait here rather than on a pool thread, so that a long preStop sleep never holds
  // up the node's probes.
  std::mutex timer_m;
  std::condition_variable timer_cv;
  bool timer_stop = false;
  std::multimap<clock::time_point, std::function<void()>> timers;
  std::thread timer_thread;

  void timer_loop() {
    std::unique_lock<std::mutex> l(timer_m);
    while (!timer_stop) {
      if (timers.empty()) {
        timer_cv.wait(l);
        continue;
      }
      auto first = timers.begin();
      if (clock::now() < first->first) {
        timer_cv.wait_until(l, first->first);
        continue;
      }
      auto fn = std::move(first->second);
      timers.erase(first);
      l.unlock();
      fn();
      l.lock();
    }
  }

  void after(clock::time_point when, std::function<void()> fn) {
    std::lock_guard<std::mutex> g(timer_m);
    timers.emplace(when, std::move(fn));
    timer_cv.notify_one();
  }

  // Registers a call; when the prober is already stopping the callback fails at once (null).
  std::shared_ptr<call_state> begin(probe_callback cb) {
    auto s = calls->start(std::move(cb));
    if (s->done) {
      auto c = std::move(s->cb);
      if (c)
        c(failure(stopped_message));
      return nullptr;
    }
    return s;
  }

  void answer(const std::shared_ptr<call_state>& s, probe_outcome o) { calls->finish(s, std::move(o)); }

  // Runs `work` on a prober thread; it answers through `s`. A queued task that starts after the
  // prober began stopping only answers "cancelled".
  void post(const std::shared_ptr<call_state>& s, std::function<probe_outcome()> work) {
    auto t = calls;
    bool queued = pool->post([t, s, work = std::move(work)] {
      t->finish(s, t->is_stopping() ? failure(stopped_message) : work());
    });
    if (!queued)
      answer(s, failure(stopped_message));
  }

  void exec(const std::shared_ptr<call_state>& s, const std::string& container_id,
            const std::vector<std::string>& cmd, std::chrono::milliseconds timeout,
            std::function<probe_outcome(const runtime::result<runtime::exec_result>&)> judge) {
    auto t = calls;
    runtime->exec_sync(container_id, cmd, timeout,
                       [t, s, judge = std::move(judge)](runtime::result<runtime::exec_result> r) {
                         t->finish(s, judge(r));
                       });
  }
};

prober::prober(std::shared_ptr<runtime::container_runtime> runtime, int threads)
    : impl_(std::make_unique<impl>()) {
  impl_->runtime = std::move(runtime);
  if (::pipe2(impl_->stop_pipe, O_CLOEXEC) != 0)
    impl_->stop_pipe[0] = impl_->stop_pipe[1] = -1;
  impl_->pool = std::make_unique<runtime::call_pool>(static_cast<std::size_t>(std::max(1, threads)));
  impl_->timer_thread = std::thread([i = impl_.get()] { i->timer_loop(); });
}

prober::~prober() {
  // Answer what is pending first (so no work can answer with its own error), then wake every
  // socket wait (the pipe stays readable) and join.
  impl_->calls->stop_all();
  if (impl_->stop_pipe[1] >= 0) {
    char b = 1;
    [[maybe_unused]] auto n = ::write(impl_->stop_pipe[1], &b, 1);
  }
  impl_->pool.reset();
  {
    std::lock_guard<std::mutex> g(impl_->timer_m);
    impl_->timer_stop = true;
    impl_->timer_cv.notify_one();
  }
  impl_->timer_thread.join();
  for (int fd : impl_->stop_pipe)
    if (fd >= 0)
      ::close(fd);
}

void prober::run_probe(const v1::Probe& p, const probe_target& target, probe_callback cb) {
  auto s = impl_->begin(std::move(cb));
  if (!s)
    return;
  auto timeout = std::chrono::seconds(p.timeoutseconds() > 0 ? p.timeoutseconds() : 1);
  const auto& h = p.handler();
  int stop_fd = impl_->stop_pipe[0];
  if (h.has_exec()) {
    std::vector<std::string> cmd(h.exec().command().begin(), h.exec().command().end());
    impl_->exec(s, target.container_id, cmd, timeout,
                [cmd](const runtime::result<runtime::exec_result>& r) {
                  if (!r.ok()) {
                    if (r.status().is_deadline_exceeded())
                      return failure("command " + go_quote(joined(cmd)) + " timed out");
                    return failure(r.status().to_string());
                  }
                  auto out = exec_output(r.value());
                  return r.value().exit_code == 0 ? success(out) : failure(out);
                });
  } else if (h.has_tcpsocket()) {
    auto port = resolve_port(h.tcpsocket().port(), target.container);
    if (!port.error.empty())
      return impl_->answer(s, failure(port.error));
    std::string host = h.tcpsocket().host().empty() ? target.pod_ip : h.tcpsocket().host();
    // A probe's timeout starts when it is tried, not while it waits for a thread (the kubelet
    // has a goroutine per probe; a busy pool must not turn into failed probes).
    impl_->post(s, [host, port = port.port, timeout, stop_fd] {
      auto r = tcp_connect(host, port, clock::now() + timeout, stop_fd);
      return r.empty() ? success() : failure(r);
    });
  } else if (h.has_httpget()) {
    auto port = resolve_port(h.httpget().port(), target.container);
    if (!port.error.empty())
      return impl_->answer(s, failure(port.error));
    std::string host = h.httpget().host().empty() ? target.pod_ip : h.httpget().host();
    auto url = make_url(h.httpget().scheme(), host, port.port, h.httpget().path());
    auto headers = request_headers(h.httpget().httpheaders(), probe_user_agent);
    impl_->post(s, [url, headers, timeout, stop_fd] {
      auto r = http_get(url, headers, clock::now() + timeout, stop_fd);
      if (!r.error.empty())
        return failure(r.error);
      auto v = judge_http_response(r.response);
      switch (v.what) {
        case probe_verdict::kind::success: return success(v.message);
        case probe_verdict::kind::warning:
          return probe_outcome{probe_outcome::result::warning, v.message};
        default: return failure(v.message);
      }
    });
  } else if (h.has_grpc()) {
    int port = h.grpc().port();
    if (port <= 0 || port >= 65536)
      return impl_->answer(s, failure("invalid port number: " + std::to_string(port)));
    std::string host = target.pod_ip, service = h.grpc().service();
    impl_->post(s, [host, port, service, timeout, stop_fd] {
      auto v = grpc_health_check(host, port, service, timeout, stop_fd);
      return v.what == probe_verdict::kind::success ? success(v.message) : failure(v.message);
    });
  } else {
    impl_->answer(s, failure("missing probe handler for " + target.pod + ":" +
                             target.container.name()));
  }
}

void prober::run_hook(const v1::LifecycleHandler& h, const probe_target& target,
                      std::chrono::milliseconds limit, probe_callback cb) {
  auto s = impl_->begin(std::move(cb));
  if (!s)
    return;
  const std::string where =
      " for Container " + go_quote(target.container.name()) + " in Pod " + go_quote(target.pod);
  int stop_fd = impl_->stop_pipe[0];
  if (h.has_exec()) {
    std::vector<std::string> cmd(h.exec().command().begin(), h.exec().command().end());
    std::string head = "Exec lifecycle hook (" + go_list(cmd) + ")" + where + " failed - error: ";
    impl_->exec(s, target.container_id, cmd, limit,
                [cmd, head](const runtime::result<runtime::exec_result>& r) {
                  if (!r.ok())
                    return failure(head + r.status().to_string() + ", message: \"\"");
                  if (r.value().exit_code == 0)
                    return success();
                  // remote runtime ExecSync: a non-zero exit is a CodeExitError.
                  std::string err = "command '" + joined(cmd) + "' exited with " +
                                    std::to_string(r.value().exit_code) + ": " +
                                    r.value().stderr_data;
                  return failure(head + err + ", message: " + go_quote(exec_output(r.value())));
                });
  } else if (h.has_httpget()) {
    const auto& g = h.httpget();
    std::string head = "HTTP lifecycle hook (" + g.path() + ")" + where + " failed - error: ";
    auto port = resolve_port(g.port(), target.container);
    if (!port.error.empty())
      return impl_->answer(s, failure(head + port.error));
    std::string host = g.host().empty() ? target.pod_ip : g.host();
    auto url = make_url(g.scheme(), host, port.port, g.path());
    auto headers = request_headers(g.httpheaders(), hook_user_agent);
    auto deadline = clock::now() + limit;
    impl_->post(s, [url, headers, deadline, stop_fd, head] {
      auto r = http_get(url, headers, deadline, stop_fd);
      // handlerRunner does not look at the status code: any answer is a run hook.
      if (r.error.empty())
        return success();
      if (url.scheme == "https" &&
          r.error.find("server gave HTTP response to HTTPS client") != std::string::npos) {
        // The kubelet retries such a hook over plain HTTP without Authorization, and says so
        // in a LifecycleHTTPFallback event (here: a warning).
        auto plain = url;
        plain.scheme = "http";
        auto h = headers;
        h.erase(std::remove_if(h.begin(), h.end(),
                               [](const auto& kv) { return kv.first == "Authorization"; }),
                h.end());
        if (http_get(plain, h, deadline, stop_fd).error.empty())
          return probe_outcome{probe_outcome::result::warning,
                               "request to HTTPS lifecycle hook " + join_host_port(url.host, url.port) +
                                   " got HTTP response, retry with HTTP succeeded"};
      }
      return failure(head + r.error);
    });
  } else if (h.has_sleep()) {
    auto seconds = h.sleep().seconds();
    std::string msg = "Sleep lifecycle hook (" + std::to_string(seconds) + ")" + where +
                      " failed - error: container terminated before sleep hook finished";
    auto until = clock::now() + std::chrono::seconds(seconds);
    auto deadline = clock::now() + limit;
    bool completes = until <= deadline;
    impl_->after(std::min(until, deadline), [t = impl_->calls, s, completes, msg] {
      t->finish(s, completes ? success() : failure(msg));
    });
  } else {
    // tcpSocket (deprecated, never run) or nothing: handlerRunner's default case.
    impl_->answer(s, failure("Cannot run handler: invalid handler: " + go_handler(h)));
  }
}

} // namespace troupe::node_agent::probe
