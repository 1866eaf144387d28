// pod_start's troupe half; see pod_start_troupe.hpp.
#include "benchmarks/pod_start_troupe.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "actors/http/tls.hpp"

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

mode_result troupe_cluster::run(int pods, int workers, const std::string& prefix) {
  struct sample {
    double total = -1, post = 0, added = 0, first_status = 0;
  };
  std::vector<sample> samples(static_cast<size_t>(pods));
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
      for (int i; !interrupted() && (i = next++) < pods;) {
        const auto name = prefix + "-" + std::to_string(i);
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
        auto times = watch_->wait_running(name, clock_type::now() + pod_timeout);
        if (!times) {
          std::fprintf(stderr, "pod_start: pod %s not Running within %lld s\n", name.c_str(),
                       static_cast<long long>(pod_timeout.count()));
          continue;
        }
        auto& s = samples[static_cast<size_t>(i)];
        s.total = ms_between(*times->posted, *times->running);
        s.post = post_ms;
        s.added = times->added ? ms_between(*times->posted, *times->added) : 0;
        s.first_status = times->first_modified ? ms_between(*times->posted, *times->first_modified) : 0;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  mode_result r;
  r.wall_ms = ms_since(t0);
  r.pods = pods;
  r.workers = workers;
  std::vector<double> post, added, first_status, status_to_running;
  for (const auto& s : samples) {
    if (s.total < 0) {
      ++r.failures;
      continue;
    }
    r.latency_ms.push_back(s.total);
    post.push_back(s.post);
    added.push_back(s.added);
    first_status.push_back(s.first_status);
    status_to_running.push_back(s.total - s.first_status);
  }
  // Where the time goes, as the watch sees it: the create's answer, its ADDED event, the node's
  // first status write (its first MODIFIED event), and from there to Running.
  r.details["post_p50_ms"] = round2(percentile(post, 0.5));
  r.details["watch_added_p50_ms"] = round2(percentile(added, 0.5));
  r.details["first_status_p50_ms"] = round2(percentile(first_status, 0.5));
  r.details["first_status_p99_ms"] = round2(percentile(first_status, 0.99));
  r.details["first_status_to_running_p50_ms"] = round2(percentile(status_to_running, 0.5));
  r.details["first_status_to_running_p99_ms"] = round2(percentile(status_to_running, 0.99));
  r.details["watch_reconnects"] = watch_->reconnects();
  return r;
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
  return true;
}

void troupe_cluster::stop() {
  watch_.reset();
  if (node_)
    node_->stop();
  server_.stop();
}

} // namespace troupe::bench
