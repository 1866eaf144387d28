// pod_start's pod watch; see pod_start_watch.hpp.
#include "benchmarks/pod_start_watch.hpp"

#include <chrono>
#include <cstdio>

namespace troupe::bench {

bool pod_running(const json& pod) {
  const auto status = pod.find("status");
  if (status == pod.end() || status->value("phase", "") != "Running")
    return false;
  const auto cs = status->find("containerStatuses");
  if (cs == status->end() || !cs->is_array() || cs->empty())
    return false;
  for (const auto& c : *cs) {
    const auto state = c.find("state");
    if (state == c.end() || !state->contains("running"))
      return false;
  }
  return true;
}

pod_watch::pod_watch(http::client_options options, std::string pods_url)
    : options_(options), pods_url_(std::move(pods_url)), client_(std::move(options)) {}

pod_watch::~pod_watch() { stop(); }

bool pod_watch::start(std::string* why) {
  http::client lister(options_);
  auto r = lister.request("GET", pods_url_);
  auto list = json::parse(r.body, nullptr, false);
  if (!r.ok() || r.status != 200 || list.is_discarded()) {
    *why = "listing pods: " + (r.ok() ? std::to_string(r.status) + " " + r.body : r.error);
    return false;
  }
  resource_version_ = list["metadata"].value("resourceVersion", "");
  thread_ = std::thread([this] { run(); });
  // The stream replays from the listed version, so a late connect loses nothing; this pause only
  // keeps the connect out of the first pod's latency.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  return true;
}

void pod_watch::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  client_.cancel();
  if (thread_.joinable())
    thread_.join();
}

void pod_watch::run() {
  for (;;) {
    std::string url;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_)
        return;
      url = pods_url_ + "?watch=1&resourceVersion=" + resource_version_;
    }
    // The idle timeout bounds a stream that a stop() raced past (cancel() between requests does
    // nothing); a quiet stream that times out is simply reopened from the last version.
    auto r = client_.stream_lines(
      url, {},
      [this](std::string_view line) {
        on_line(line);
        std::lock_guard<std::mutex> lock(mu_);
        return !stopping_;
      },
      std::chrono::seconds(5));
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_)
        return;
      const bool idle = r.error.find("timeout") != std::string::npos;
      if (!idle) {
        ++reconnects_;
        std::fprintf(stderr, "pod_start: watch ended (%s %u %s); reopening\n", r.error.c_str(), r.status,
                     r.body.substr(0, 200).c_str());
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void pod_watch::on_line(std::string_view line) {
  const auto now = clock_type::now();
  auto ev = json::parse(line, nullptr, false);
  if (ev.is_discarded() || !ev.contains("object"))
    return;
  const std::string type = ev.value("type", "");
  const auto& obj = ev["object"];
  const auto& meta = obj.contains("metadata") ? obj["metadata"] : json::object();
  std::lock_guard<std::mutex> lock(mu_);
  if (auto rv = meta.value("resourceVersion", ""); !rv.empty())
    resource_version_ = rv;
  if (type != "ADDED" && type != "MODIFIED" && type != "DELETED")
    return;
  auto& p = pods_[meta.value("name", "")];
  if (type == "ADDED" && !p.added)
    p.added = now;
  if (type == "MODIFIED" && !p.first_modified)
    p.first_modified = now;
  if (type == "DELETED")
    p.deleted = true;
  else if (!p.running && pod_running(obj))
    p.running = now;
  cv_.notify_all();
}

void pod_watch::posted(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  pods_[name].posted = clock_type::now();
}

std::optional<pod_times> pod_watch::wait_running(const std::string& name, clock_type::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!interrupted() && clock_type::now() < deadline) {
    auto it = pods_.find(name);
    if (it != pods_.end() && it->second.running)
      return it->second;
    cv_.wait_for(lock, std::chrono::milliseconds(100));
  }
  return std::nullopt;
}

size_t pod_watch::wait_deleted(const std::vector<std::string>& names, clock_type::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    size_t left = 0;
    for (const auto& n : names) {
      auto it = pods_.find(n);
      left += it == pods_.end() || !it->second.deleted;
    }
    if (left == 0 || interrupted() || clock_type::now() >= deadline)
      return left;
    cv_.wait_for(lock, std::chrono::milliseconds(100));
  }
}

void pod_watch::forget(const std::vector<std::string>& names) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& n : names)
    pods_.erase(n);
}

int pod_watch::reconnects() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reconnects_;
}

} // namespace troupe::bench
