#pragma once
// Waiting on one object the way kubectl's informers do: list it with
// fieldSelector=metadata.name=<name>, then watch from the list's resourceVersion (re-listing when
// the server ends a watch), until a condition holds. The condition sees the object, or nullptr
// once it is gone (404 or a DELETED event). Progress is reported every `progress_every` while
// waiting, so a long wait (namespace deletion, a rollout) is visibly alive.

#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>

#include "cli/api_client.hpp"

namespace troupe::cli {

enum class wait_outcome { done, timed_out, failed };

struct wait_result {
  wait_outcome outcome = wait_outcome::failed;
  api_response failure;  // when failed
  nlohmann::json last;   // the last object seen (null when gone)
};

struct wait_options {
  std::chrono::milliseconds timeout{std::chrono::hours(24 * 7)}; // kubectl: --timeout=0 waits a week
  std::chrono::milliseconds progress_every{std::chrono::seconds(5)};
  std::function<void(const nlohmann::json* obj, std::chrono::milliseconds waited)> on_progress;
  std::function<void(const nlohmann::json* obj)> on_change; // every state seen, first one included
};

wait_result wait_for_object(api_client& api, const resource_info& r, const std::string& ns,
                            const std::string& name,
                            const std::function<bool(const nlohmann::json* obj)>& done,
                            const wait_options& o = {});

/// Go duration text ("30s", "5m", "0") as milliseconds; nullopt if malformed.
std::optional<std::chrono::milliseconds> parse_timeout(const std::string& text);

} // namespace troupe::cli
