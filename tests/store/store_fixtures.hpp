#pragma once
// What the store tests share: the two backends behind one shape (so one suite runs on both),
// temporary directories, pods and deployments to store, and small helpers.
//
// A backend type has `name`, `durable`, open(options) and, when durable, reopen after close.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "config/kinds.hpp"
#include "config/label_selector.hpp"
#include "store/object_meta.hpp"
#include "store/object_store.hpp"
#include "tests/config/object_factories.hpp"

namespace troupe::testing {

namespace fs = std::filesystem;

/// A fresh directory under the system temp dir, removed with everything in it.
class temp_dir {
public:
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "troupe-store-XXXXXX").string();
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path_, ec);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  const fs::path& path() const { return path_; }
  std::string sub(const std::string& name) const { return (path_ / name).string(); }

private:
  fs::path path_;
};

struct memory_backend {
  static constexpr const char* name = "memory";
  static constexpr bool durable = false;
  std::unique_ptr<store::object_store> open(const store::store_options& options = {}) {
    return store::make_memory_store(options);
  }
};

struct rocksdb_backend {
  static constexpr const char* name = "rocksdb";
  static constexpr bool durable = true;
  temp_dir dir;
  std::unique_ptr<store::object_store> open(const store::store_options& options = {}) {
    auto r = store::open_rocksdb_store(dir.sub("db"), options);
    INFO(r.status().to_string());
    REQUIRE(r.ok());
    return std::move(*r);
  }
};

inline const config::kind_info& pods() { return *config::find_kind("v1", "Pod"); }
inline const config::kind_info& nodes() { return *config::find_kind("v1", "Node"); }
inline const config::kind_info& deployments() { return *config::find_kind("apps/v1", "Deployment"); }

/// `proto` renamed: for threads, which must not run Catch's macros (make_pod() does).
inline core::v1::Pod pod_like(const core::v1::Pod& proto, const std::string& ns,
                              const std::string& name) {
  auto p = proto;
  p.mutable_metadata()->set_namespace_(ns);
  p.mutable_metadata()->set_name(name);
  return p;
}

inline core::v1::Pod pod(const std::string& ns, const std::string& name,
                         const std::map<std::string, std::string>& labels = {}) {
  auto p = make_pod();
  p.mutable_metadata()->set_namespace_(ns);
  p.mutable_metadata()->set_name(name);
  for (const auto& [k, v] : labels) (*p.mutable_metadata()->mutable_labels())[k] = v;
  return p;
}

/// A copy of a stored object as its concrete type, to change and write back.
template <class T>
T as(const store::stored_object& o) {
  T t;
  t.CopyFrom(*o.object);
  return t;
}

inline config::timestamp at(int64_t seconds) { return config::timestamp{seconds, 0}; }

/// A label selector from its text form ("app=web"); the test fails if it does not parse.
inline config::label_selector labels(const std::string& text) {
  auto r = config::parse_label_selector(text);
  REQUIRE(r);
  return *r.value;
}

inline const std::string& name_of(const google::protobuf::Message& m) {
  return store::object_meta(m).name();
}

/// Polls until `count` events arrived or `timeout` passed.
inline std::vector<store::watch_event> collect(store::watcher& w, size_t count,
                                               std::chrono::milliseconds timeout =
                                                   std::chrono::milliseconds(2000)) {
  std::vector<store::watch_event> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    for (auto& e : w.poll(count - out.size())) out.push_back(std::move(e));
    if (out.size() < count) w.wait_for(std::chrono::milliseconds(20));
  }
  return out;
}

/// "ADDED web-0@3" for comparing event sequences.
inline std::string describe(const store::watch_event& e) {
  std::string s = store::to_string(e.type);
  if (e.type == store::watch_event_type::error) return s + " " + e.error.to_string();
  if (e.object && !name_of(*e.object).empty()) s += " " + name_of(*e.object);
  return s + "@" + std::to_string(e.revision);
}

inline std::vector<std::string> describe(const std::vector<store::watch_event>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(describe(e));
  return out;
}

} // namespace troupe::testing
