#pragma once
// Internal to fake_runtime: the in-memory model its three files share (fake_runtime.cpp: setup,
// clock, answers; fake_runtime_calls.cpp: RuntimeService; fake_runtime_images.cpp: ImageService).
// Not part of the runtime's interface.

#include <algorithm>
#include <cstdio>

#include "node-agent/runtime/fake_runtime.hpp"
#include "node-agent/runtime/image_reference.hpp"

namespace troupe::node_agent::runtime {

namespace fake_detail {

constexpr int64_t ns_per_ms = 1000000;

inline uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// 64 hex digits, as containerd's ids look.
inline std::string hex_id(uint64_t seed) {
  std::string out;
  char buf[17];
  for (uint64_t i = 0; i < 4; ++i) {
    std::snprintf(buf, sizeof buf, "%016llx",
                  static_cast<unsigned long long>(splitmix(seed * 4 + i)));
    out += buf;
  }
  return out;
}

inline std::string not_found_container(const std::string& id) {
  return "an error occurred when try to find container \"" + id + "\": not found";
}

inline std::string not_found_sandbox(const std::string& id) {
  return "an error occurred when try to find sandbox \"" + id + "\": not found";
}

inline bool labels_match(const string_map& labels, const string_map& selector) {
  for (const auto& [k, v] : selector) {
    auto it = labels.find(k);
    if (it == labels.end() || it->second != v) return false;
  }
  return true;
}

inline bool id_matches(const std::string& id, const std::string& wanted) {
  return wanted.empty() || id.compare(0, wanted.size(), wanted) == 0;  // containerd: prefix
}

inline std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out;
}

} // namespace fake_detail

struct fake_runtime::sandbox_rec {
  sandbox_info info;
  sandbox_config cfg;
  std::string reserved_name;
  uint64_t seq = 0;
};

struct fake_runtime::container_rec {
  runtime::container_status st;
  fake_container_behavior behavior;
  std::string reserved_name;
  std::string pod_name;
  uint64_t seq = 0;
  // A pending exit: when the clock reaches exit_at the container is exited with these.
  std::optional<int64_t> exit_at;
  int32_t exit_code = 0;
  std::string exit_reason;
};

struct fake_runtime::state {
  int64_t now = 0;
  uint64_t next_seq = 1;
  int next_ip = 2;
  std::map<std::string, sandbox_rec> sandboxes;
  std::map<std::string, container_rec> containers;
  std::map<std::string, std::string> reserved;  // containerd name -> id
  std::set<std::string> registry;
  std::map<std::string, image_info> images;  // normalized ref -> image
  std::map<std::string, status> pull_failures;
  std::map<std::string, fake_container_behavior> behaviors;
  std::map<std::string, timeout> delays;
  std::set<std::string> hung_exec;
  exec_handler exec;
  std::vector<std::string> calls;
  std::vector<runtime_condition> conditions = {{"RuntimeReady", true, "", ""},
                                               {"NetworkReady", true, "", ""}};
  struct pending_call {
    int64_t due;
    uint64_t seq;
    std::function<void()> fn;
  };
  std::vector<pending_call> pending;

  /// Applies a pending exit whose time has come (containers change state only through time).
  void refresh(container_rec& c) {
    if (c.st.state != container_state::running || !c.exit_at || now < *c.exit_at) return;
    c.st.state = container_state::exited;
    c.st.finished_at = *c.exit_at;
    c.st.exit_code = c.exit_code;
    c.st.reason = c.exit_reason;
    c.exit_at.reset();
  }

  void exit_now(container_rec& c, int32_t code, std::string reason) {
    refresh(c);
    if (c.st.state == container_state::exited) return;
    if (c.st.state == container_state::running) c.st.finished_at = now;
    c.st.state = container_state::exited;
    c.st.exit_code = code;
    c.st.reason = std::move(reason);
    c.exit_at.reset();
  }

  std::string describe(const std::string& container_id) const {
    auto it = containers.find(container_id);
    if (it == containers.end()) return container_id;
    return it->second.pod_name + "/" + it->second.st.name + "#" +
           std::to_string(it->second.st.attempt);
  }

  std::string sandbox_name(const std::string& sandbox_id) const {
    auto it = sandboxes.find(sandbox_id);
    return it == sandboxes.end() ? sandbox_id : it->second.cfg.name;
  }

  std::optional<image_info> find_image(const std::string& ref) const {
    if (auto it = images.find(ref); it != images.end()) return it->second;
    for (const auto& [_, img] : images)
      if (img.id == ref) return img;
    auto norm = runtime::normalize_image_reference(ref);
    if (!norm) return std::nullopt;
    if (auto it = images.find(*norm); it != images.end()) return it->second;
    return std::nullopt;
  }
};

template <class T>
void fake_runtime::reply(const std::string& method, timeout t, callback<T> cb, result<T> answer,
                         timeout extra) {
  int64_t now;
  timeout delay = extra;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    now = st_->now;
    if (auto it = st_->delays.find(method); it != st_->delays.end()) delay += it->second;
  }
  if (delay.count() <= 0) {
    cb(std::move(answer));
  } else if (delay > t) {
    schedule(now + t.count() * fake_detail::ns_per_ms, [cb] {
      cb(status::deadline_exceeded("context deadline exceeded"));
    });
  } else {
    schedule(now + delay.count() * fake_detail::ns_per_ms, [cb, answer] { cb(answer); });
  }
}

} // namespace troupe::node_agent::runtime
