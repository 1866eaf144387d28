// pod_start's troupe half; see pod_start_troupe.hpp.
#include "benchmarks/pod_start_troupe.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "actors/http/tls.hpp"
#include "benchmarks/pod_start_cri_log.hpp"

namespace troupe::bench {
namespace {

constexpr auto pod_timeout = std::chrono::seconds(120);
constexpr auto delete_timeout = std::chrono::seconds(180);

std::string tail(const std::string& text, size_t n) { return text.size() > n ? text.substr(text.size() - n) : text; }

std::string pod_json(const std::string& name, const std::string& node) {
  return json{{"apiVersion", "v1"},
              {"kind", "Pod"},
              {"metadata", {{"name", name}, {"namespace", "bench"}}},
              {"spec",
               {{"nodeName", node},
                // sleep as PID 1 ignores SIGTERM: a short grace keeps the deletes between modes short.
                {"terminationGracePeriodSeconds", 1},
                {"containers",
                 {{{"name", "app"},
                   {"image", "busybox:1.30"},
                   {"imagePullPolicy", "IfNotPresent"},
                   {"command", {"sleep", "3600"}}}}}}}}
    .dump();
}

bool node_ready(const json& node) {
  const auto status = node.find("status");
  if (status == node.end() || !status->contains("conditions"))
    return false;
  for (const auto& c : (*status)["conditions"])
    if (c.value("type", "") == "Ready")
      return c.value("status", "") == "True";
  return false;
}

} // namespace

troupe_cluster::troupe_cluster(troupe_options options) : options_(std::move(options)) {}

troupe_cluster::~troupe_cluster() { stop(); }

http::client_options troupe_cluster::client_options() const {
  http::client_options o;
  o.tls = http::make_client_tls_file(server_.ca_file()).context;
  o.bearer_token = server_.token();
  o.timeout = std::chrono::seconds(60);
  return o;
}

std::string troupe_cluster::log_tails() const {
  std::string out = "troupe-server log tail:\n" + tail(testing::slurp(server_.log()), 3000);
  if (node_)
    out += "\ntroupe-node log tail:\n" + tail(testing::slurp(node_->log()), 3000);
  return out;
}

bool troupe_cluster::start(std::string* why) {
  if (testing::server_binary().empty() || testing::node_binary().empty()) {
    *why = testing::build_dir() + "/actors/troupe-server or " + testing::build_dir() +
           "/node-agent/troupe-node is not built";
    return false;
  }
  if (!server_.start()) {
    *why = "troupe-server did not start";
    return false;
  }
  http::client admin(client_options());
  auto ns = admin.request("POST", server_.url() + "/api/v1/namespaces", {},
                          json{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "bench"}}}}.dump());
  if (ns.status != 201) {
    *why = "creating namespace bench: " + (ns.ok() ? std::to_string(ns.status) + " " + ns.body : ns.error);
    return false;
  }
  node_ = std::make_unique<testing::node_process>(server_, options_.node_name, options_.cri_socket);
  node_->node_ip = options_.node_ip;
  node_->cgroup_parent = options_.cgroup_parent;
  node_->extra_args = {"--profile", "default"};  // a later flag wins over node_process's "fast"
  if (!node_->start()) {
    *why = "troupe-node did not start";
    return false;
  }
  if (!wait_node_ready(why))
    return false;
  watch_ = std::make_unique<pod_watch>(client_options(), server_.url() + "/api/v1/namespaces/bench/pods");
  return watch_->start(why);
}

bool troupe_cluster::wait_node_ready(std::string* why) {
  http::client c(client_options());
  const auto deadline = clock_type::now() + std::chrono::seconds(60);
  while (!interrupted() && clock_type::now() < deadline) {
    auto r = c.request("GET", server_.url() + "/api/v1/nodes/" + options_.node_name);
    if (r.status == 200 && node_ready(json::parse(r.body, nullptr, false)))
      return true;
    if (node_->exited()) {
      *why = "troupe-node exited with " + std::to_string(node_->exit_code) + " before its Node was Ready";
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  *why = "Node " + options_.node_name + " was not Ready within 60 s";
  return false;
}

void troupe_cluster::run(int first, int count, int workers, const std::string& prefix, mode_result* out) {
  struct sample {
    double post = 0;
    std::optional<pod_times> times;
  };
  std::vector<sample> samples(static_cast<size_t>(count));
  std::atomic<int> next{0};
  std::mutex created_mu;
  const auto pods_url = server_.url() + "/api/v1/namespaces/bench/pods";
  std::vector<std::unique_ptr<http::client>> clients;
  for (int w = 0; w < workers; ++w) {
    clients.push_back(std::make_unique<http::client>(client_options()));
    clients.back()->request("GET", server_.url() + "/version");  // the TLS handshake is not timed
  }
  const auto t0 = clock_type::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&, w] {
      auto& c = *clients[static_cast<size_t>(w)];
      for (int i; !interrupted() && (i = next++) < count;) {
        const auto name = prefix + "-" + std::to_string(first + i);
        watch_->posted(name);
        const auto sent = clock_type::now();
        auto r = c.request("POST", pods_url, {}, pod_json(name, options_.node_name));
        const double post_ms = ms_since(sent);
        if (r.status != 201) {
          std::fprintf(stderr, "pod_start: creating pod %s: %s\n", name.c_str(),
                       r.ok() ? (std::to_string(r.status) + " " + r.body).c_str() : r.error.c_str());
          continue;
        }
        {
          std::lock_guard<std::mutex> lock(created_mu);
          created_.push_back(name);
        }
        auto& s = samples[static_cast<size_t>(i)];
        s.post = post_ms;
        s.times = watch_->wait_running(name, clock_type::now() + pod_timeout);
        if (!s.times)
          std::fprintf(stderr, "pod_start: pod %s not Running within %lld s\n", name.c_str(),
                       static_cast<long long>(pod_timeout.count()));
      }
    });
  }
  for (auto& t : threads)
    t.join();
  out->wall_ms += ms_since(t0);
  out->pods += count;
  for (int i = 0; i < count; ++i) {
    const auto& s = samples[static_cast<size_t>(i)];
    if (!s.times) {
      ++out->failures;
      continue;
    }
    const auto& t = *s.times;
    times_[prefix + "-" + std::to_string(first + i)] = t;
    out->latency_ms.push_back(ms_between(*t.posted, *t.running));
    out->parts["post"].push_back(s.post);
    if (t.added)
      out->parts["watch_added"].push_back(ms_between(*t.posted, *t.added));
    if (t.first_modified)
      out->parts["first_status"].push_back(ms_between(*t.posted, *t.first_modified));
  }
}

void troupe_cluster::add_cri_breakdown(const std::string& containerd_log, mode_result* out) const {
  const auto calls = parse_cri_log(testing::slurp(containerd_log));
  auto ms = [](int64_t a, int64_t b) { return static_cast<double>(b - a) / 1e6; };
  int missing = 0;
  for (const auto& [name, t] : times_) {
    auto it = calls.find(name);
    if (it == calls.end() || !it->second.complete()) {
      ++missing;
      continue;
    }
    const auto& c = it->second;
    out->parts["to_sandbox"].push_back(ms(unix_ns(*t.posted), c.sandbox_begin));
    out->parts["cri_calls"].push_back(ms(c.sandbox_begin, c.sandbox_end) + ms(c.create_begin, c.create_end) +
                                      ms(c.start_begin, c.start_end));
    out->parts["between_calls"].push_back(ms(c.sandbox_end, c.create_begin) + ms(c.create_end, c.start_begin));
    out->parts["to_running"].push_back(ms(c.start_end, unix_ns(*t.running)));
  }
  if (missing)
    std::fprintf(stderr, "pod_start: %d pods without all three calls in containerd's log\n", missing);
}

bool troupe_cluster::delete_pods(std::string* why) {
  if (created_.empty())
    return true;
  http::client c(client_options());
  const auto pods_url = server_.url() + "/api/v1/namespaces/bench/pods/";
  for (const auto& name : created_) {
    auto r = c.request("DELETE", pods_url + name);
    if (r.status != 200 && r.status != 202 && r.status != 404)
      std::fprintf(stderr, "pod_start: deleting pod %s: %s\n", name.c_str(),
                   r.ok() ? (std::to_string(r.status) + " " + r.body).c_str() : r.error.c_str());
  }
  const size_t left = watch_->wait_deleted(created_, clock_type::now() + delete_timeout);
  if (left > 0) {
    *why = std::to_string(left) + " of " + std::to_string(created_.size()) + " pods not deleted within " +
           std::to_string(delete_timeout.count()) + " s";
    return false;
  }
  watch_->forget(created_);
  created_.clear();
  times_.clear();
  return true;
}

void troupe_cluster::stop() {
  watch_.reset();
  if (node_)
    node_->stop();
  server_.stop();
}

} // namespace troupe::bench
