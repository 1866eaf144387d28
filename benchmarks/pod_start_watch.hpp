#pragma once
// pod_start's view of the pods: ONE watch on the pods of a namespace (the admin token, streamed
// JSON lines), opened from a listed resourceVersion before anything is created, so no event is
// missed even if the stream connects late. Per pod name it keeps when the create was sent, when
// the watch showed it first (ADDED), first changed (the node's first status write), when it showed
// phase Running with the container running, and whether it was DELETED. A stream that ends early is
// reopened from the last resourceVersion seen. Waits end at their deadline or on interrupted().

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actors/http/client.hpp"
#include "benchmarks/pod_start_common.hpp"

namespace troupe::bench {

struct pod_times {
  std::optional<clock_type::time_point> posted, added, first_modified, running;
  bool deleted = false;
};

class pod_watch {
public:
  pod_watch(http::client_options options, std::string pods_url);
  ~pod_watch();
  pod_watch(const pod_watch&) = delete;
  pod_watch& operator=(const pod_watch&) = delete;

  /// Lists the pods for a resourceVersion, then opens the watch from it. false + `why` if the list fails.
  bool start(std::string* why);
  void stop();

  /// Records the moment the create of `name` is sent (before the POST).
  void posted(const std::string& name);
  /// Waits until `name` is Running with its container running; its times, or nullopt on timeout.
  std::optional<pod_times> wait_running(const std::string& name, clock_type::time_point deadline);
  /// Waits until every one of `names` was DELETED; how many were not, at the deadline.
  size_t wait_deleted(const std::vector<std::string>& names, clock_type::time_point deadline);
  /// Forgets `names` (their next create starts afresh).
  void forget(const std::vector<std::string>& names);
  int reconnects() const;

private:
  void run();
  void on_line(std::string_view line);

  http::client_options options_;
  std::string pods_url_;
  http::client client_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, pod_times> pods_;
  std::string resource_version_;
  bool stopping_ = false;
  int reconnects_ = 0;
};

/// Whether a Pod (JSON) is phase Running with every container status in state running.
bool pod_running(const json& pod);

} // namespace troupe::bench
