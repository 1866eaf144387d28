#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>
#include <fstream>

#include "node-agent/pod/pod_cleanup.hpp"

namespace fs = std::filesystem;
namespace pod = troupe::node_agent::pod;
namespace v1 = troupe::core::v1;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    path = fs::temp_directory_path() / ("pod_cleanup_test_" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~temp_dir() { fs::remove_all(path); }
};

v1::Pod make_pod(const std::string& uid) {
  v1::Pod p;
  p.mutable_metadata()->set_name("web");
  p.mutable_metadata()->set_namespace_("default");
  p.mutable_metadata()->set_uid(uid);
  return p;
}

void touch(const fs::path& p) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << "x";
}

} // namespace

TEST_CASE("remove_pod_leftovers removes the pod's logs and cgroups in every hierarchy",
          "[podactor]") {
  temp_dir tmp;
  auto logs = tmp.path / "logs";
  auto cg = tmp.path / "cgroup";
  touch(logs / "default_web_u1" / "app" / "0.log");
  touch(logs / "default_web_u2" / "app" / "0.log");  // another pod's
  for (auto ctl : {"cpu,cpuacct", "memory", "pids"})
    fs::create_directories(cg / ctl / "troupe" / "node1" / "podu1" / "abc123");
  fs::create_directories(cg / "memory" / "troupe" / "node1" / "podu2");
  fs::create_directory_symlink("cpu,cpuacct", cg / "cpu");

  auto r = pod::remove_pod_leftovers(make_pod("u1"), logs.string(), "/troupe/node1", cg.string());
  INFO(r.errors.size());
  CHECK(r.errors.empty());
  CHECK(r.removed.size() == 4);  // logs + 3 hierarchies
  CHECK_FALSE(fs::exists(logs / "default_web_u1"));
  CHECK(fs::exists(logs / "default_web_u2" / "app" / "0.log"));
  CHECK_FALSE(fs::exists(cg / "memory" / "troupe" / "node1" / "podu1"));
  CHECK_FALSE(fs::exists(cg / "cpu,cpuacct" / "troupe" / "node1" / "podu1"));
  CHECK(fs::exists(cg / "memory" / "troupe" / "node1" / "podu2"));
  CHECK(fs::exists(cg / "memory" / "troupe" / "node1"));

  // Again: nothing left, nothing to do, no error.
  auto again = pod::remove_pod_leftovers(make_pod("u1"), logs.string(), "/troupe/node1", cg.string());
  CHECK(again.removed.empty());
  CHECK(again.errors.empty());
}

TEST_CASE("remove_pod_leftovers on cgroup v2 and without a cgroup parent", "[podactor]") {
  temp_dir tmp;
  auto cg = tmp.path / "cgroup";
  touch(cg / "cgroup.controllers");
  fs::create_directories(cg / "troupe" / "podu1" / "c1");
  CHECK(pod::remove_pod_leftovers(make_pod("u1"), "", "", cg.string()).removed.empty());
  CHECK(fs::exists(cg / "troupe" / "podu1"));  // the runtime's default cgroup is not ours
  auto r = pod::remove_pod_leftovers(make_pod("u1"), "", "/troupe", cg.string());
  CHECK(r.errors.empty());
  CHECK_FALSE(fs::exists(cg / "troupe" / "podu1"));
  // A file where a cgroup dir would hold only control files: rmdir fails, reported as a value.
  fs::create_directories(cg / "troupe" / "podu3");
  touch(cg / "troupe" / "podu3" / "tasks");
  auto busy = pod::remove_pod_leftovers(make_pod("u3"), "", "/troupe", cg.string());
  CHECK(busy.removed.empty());
  REQUIRE(busy.errors.size() == 1);
  CHECK(busy.errors[0].find("podu3") != std::string::npos);
}
