#include "node-agent/pod/pod_events.hpp"


#include <algorithm>

namespace troupe::node_agent::pod {
namespace {

namespace v1 = troupe::core::v1;

void set_time(troupe::meta::Time* out, event_time t) {
  out->set_seconds(std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count());
}

} // namespace

v1::Event make_pod_event(const v1::Pod& pod, const event_target& on, const std::string& type,
                         const std::string& reason, const std::string& message,
                         const std::string& node, event_time now) {
  v1::Event e;
  e.mutable_metadata()->set_namespace_(pod.metadata().namespace_());
  auto* obj = e.mutable_involvedobject();
  obj->set_kind("Pod");
  obj->set_apiversion("v1");
  obj->set_namespace_(pod.metadata().namespace_());
  obj->set_name(pod.metadata().name());
  obj->set_uid(pod.metadata().uid());
  if (!on.container.empty())
    obj->set_fieldpath((on.init ? "spec.initContainers{" : "spec.containers{") + on.container +
                       "}");
  e.set_reason(reason);
  e.set_message(message);
  e.set_type(type);
  e.mutable_source()->set_component("kubelet");
  e.mutable_source()->set_host(node);
  e.set_reportingcomponent("kubelet");
  e.set_reportinginstance(node);
  set_time(e.mutable_firsttimestamp(), now);
  set_time(e.mutable_lasttimestamp(), now);
  e.set_count(1);
  return e;
}

void event_recorder::record(v1::Event e, event_time now) {
  key k{e.involvedobject().fieldpath(), e.type(), e.reason(), e.message()};
  auto it = seen_.find(k);
  if (it == seen_.end()) {
    if (e.metadata().name().empty()) {
      const int64_t ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
      e.mutable_metadata()->set_name(names_.next(e.involvedobject().name(), ns));
    }
    seen_.emplace(k, std::move(e));
  } else {
    it->second.set_count(it->second.count() + 1);
    set_time(it->second.mutable_lasttimestamp(), now);
  }
  if (std::find(pending_.begin(), pending_.end(), k) == pending_.end())
    pending_.push_back(k);
}

std::vector<v1::Event> event_recorder::take() {
  std::vector<v1::Event> out;
  for (const auto& k : pending_)
    out.push_back(seen_.at(k));
  pending_.clear();
  return out;
}

std::string go_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms == 0)
    return "0s";
  if (ms < 1000)
    return std::to_string(ms) + "ms";
  auto frac = [](int64_t millis) {  // "1.2s": seconds with trailing zeros dropped
    std::string s = std::to_string(millis / 1000);
    if (int64_t rest = millis % 1000) {
      std::string f = std::to_string(1000 + rest).substr(1);
      while (!f.empty() && f.back() == '0')
        f.pop_back();
      s += "." + f;
    }
    return s + "s";
  };
  if (ms < 60'000)
    return frac(ms);
  int64_t minutes = ms / 60'000;
  if (minutes < 60)
    return std::to_string(minutes) + "m" + frac(ms % 60'000);
  return std::to_string(minutes / 60) + "h" + std::to_string(minutes % 60) + "m" +
         frac(ms % 60'000);
}

namespace wording {

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

std::string pulling(const std::string& image) { return "Pulling image " + quoted(image); }

std::string pulled(const std::string& image, std::chrono::milliseconds took) {
  auto t = go_duration(took);
  return "Successfully pulled image " + quoted(image) + " in " + t + " (" + t +
         " including waiting)";
}

std::string already_present(const std::string& image) {
  return "Container image " + quoted(image) + " already present on machine";
}

std::string failed_pull(const std::string& image, const std::string& error) {
  return "Failed to pull image " + quoted(image) + ": " + error;
}

std::string back_off_pull(const std::string& image) {
  return "Back-off pulling image " + quoted(image);
}

std::string created(const std::string& container) { return "Created container: " + container; }

std::string started(const std::string& container) { return "Started container " + container; }

std::string stopping(const std::string& container) { return "Stopping container " + container; }

std::string back_off_restart(const v1::Pod& pod, const std::string& container) {
  return "Back-off restarting failed container " + container + " in pod " +
         pod.metadata().name() + "_" + pod.metadata().namespace_() + "(" + pod.metadata().uid() +
         ")";
}

std::string liveness_restart(const std::string& container) {
  return "Container " + container + " failed liveness probe, will be restarted";
}

std::string probe_failed(const std::string& kind, const std::string& output) {
  return kind + " probe failed: " + output;
}

} // namespace wording
} // namespace troupe::node_agent::pod
