#include "cli/object_wait.hpp"

#include <algorithm>

#include "config/time_format.hpp"

namespace troupe::cli {

using nlohmann::json;
using namespace std::chrono;

std::optional<milliseconds> parse_timeout(const std::string& text) {
  if (text.empty())
    return std::nullopt;
  if (std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return milliseconds(std::stoll(text) * 1000);
  auto ns = config::parse_go_duration(text);
  if (!ns)
    return std::nullopt;
  return duration_cast<milliseconds>(nanoseconds(*ns));
}

wait_result wait_for_object(api_client& api, const resource_info& r, const std::string& ns,
                            const std::string& name, const std::function<bool(const json*)>& done,
                            const wait_options& o) {
  wait_result result;
  auto start = steady_clock::now();
  auto deadline = start + o.timeout;
  auto next_progress = start + o.progress_every;
  std::string selector = query_string({{"fieldSelector", "metadata.name=" + name}});
  json current;
  bool first = true;
  auto seen = [&](const json* obj) {
    current = obj ? *obj : json();
    if (o.on_change)
      o.on_change(obj);
  };
  while (true) {
    auto list = api.get(resource_path(r, ns) + selector);
    if (!list.ok()) {
      result.failure = list;
      return result;
    }
    const json& items = list.body.value("items", json::array()).empty() ? json() : list.body["items"][0];
    json item = items;
    if (!item.is_null()) {
      item["apiVersion"] = r.api_version();
      item["kind"] = r.kind;
    }
    if (first || item != current)
      seen(item.is_null() ? nullptr : &item);
    first = false;
    if (done(current.is_null() ? nullptr : &current)) {
      result.outcome = wait_outcome::done;
      result.last = current;
      return result;
    }
    std::string rv = list.body.value("metadata", json::object()).value("resourceVersion", "");
    // Short watches, so progress and the deadline are checked even when nothing happens.
    auto left = duration_cast<seconds>(deadline - steady_clock::now()).count();
    if (left <= 0) {
      result.outcome = wait_outcome::timed_out;
      result.last = current;
      return result;
    }
    long chunk = std::max<long>(1, std::min<long>(left, duration_cast<seconds>(o.progress_every).count()));
    bool finished = false;
    auto w = api.stream_lines(resource_path(r, ns) + selector + "&watch=true&resourceVersion=" + rv
                                + "&timeoutSeconds=" + std::to_string(chunk),
                              "application/json", [&](std::string_view line) {
                                json ev = json::parse(line, nullptr, false);
                                if (!ev.is_object() || !ev.contains("object"))
                                  return true;
                                std::string type = ev.value("type", "");
                                if (type == "BOOKMARK" || type == "ERROR")
                                  return type != "ERROR";
                                if (type == "DELETED") {
                                  seen(nullptr);
                                } else {
                                  json obj = ev["object"];
                                  seen(&obj);
                                }
                                if (done(current.is_null() ? nullptr : &current)) {
                                  finished = true;
                                  return false;
                                }
                                return steady_clock::now() < deadline;
                              });
    if (finished) {
      result.outcome = wait_outcome::done;
      result.last = current;
      return result;
    }
    if (!w.transport_error.empty() && w.transport_error != "cancelled") {
      result.failure.transport_error = w.transport_error;
      return result;
    }
    if (w.status >= 300) {
      result.failure.status = w.status;
      result.failure.body = w.body;
      result.failure.text = w.text;
      return result;
    }
    auto now = steady_clock::now();
    if (now >= next_progress && o.on_progress) {
      o.on_progress(current.is_null() ? nullptr : &current, duration_cast<milliseconds>(now - start));
      next_progress = now + o.progress_every;
    }
  }
}

} // namespace troupe::cli
