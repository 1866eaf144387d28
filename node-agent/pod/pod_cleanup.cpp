#include "node-agent/pod/pod_cleanup.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "node-agent/pod/pod_runtime_config.hpp"

namespace troupe::node_agent::pod {
namespace {

namespace fs = std::filesystem;

// Removes `dir` and the directories below it, deepest first, with rmdir only.
void remove_dirs(const fs::path& dir, bool files_too, cleanup_result& out) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return;
  if (files_too) {  // a log directory: plain files
    fs::remove_all(dir, ec);
    if (ec)
      out.errors.push_back(dir.string() + ": " + ec.message());
    else
      out.removed.push_back(dir.string());
    return;
  }
  std::vector<fs::path> dirs;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec))
      dirs.push_back(it->path());
  std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
    return a.native().size() > b.native().size();
  });
  dirs.push_back(dir);
  for (const auto& d : dirs) {
    fs::remove(d, ec);
    if (ec) {
      out.errors.push_back(d.string() + ": " + ec.message());
      return;
    }
  }
  out.removed.push_back(dir.string());
}

} // namespace

cleanup_result remove_pod_leftovers(const troupe::core::v1::Pod& pod, const std::string& log_root,
                                    const std::string& cgroup_parent,
                                    const std::string& cgroup_root) {
  cleanup_result out;
  if (!log_root.empty())
    remove_dirs(pod_log_directory(log_root, pod), true, out);
  if (cgroup_parent.empty() || pod.metadata().uid().empty())
    return out;
  const std::string rel = pod_cgroup(cgroup_parent, pod.metadata().uid());  // "/troupe/n1/pod<uid>"
  std::error_code ec;
  if (fs::exists(fs::path(cgroup_root) / "cgroup.controllers", ec)) {  // cgroup v2
    remove_dirs(fs::path(cgroup_root + rel), false, out);
    return out;
  }
  for (auto it = fs::directory_iterator(cgroup_root, ec); !ec && it != fs::end(it);
       it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec))  // cpu -> cpu,cpuacct: once
      remove_dirs(fs::path(it->path().string() + rel), false, out);
  return out;
}

} // namespace troupe::node_agent::pod
