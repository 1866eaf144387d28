// fake_runtime, second half: the RuntimeService methods over the in-memory model
// (fake_runtime_state.hpp); the ImageService methods are in fake_runtime_images.cpp.
// Each method changes the model under the lock, records the call, then answers through reply()
// with the lock released. Names, codes and messages follow containerd 1.6.
// Just over 400 lines: the RuntimeService methods belong together (each is a few lines over the
// shared model); the ImageService half is already separate.
#include "node-agent/runtime/fake_runtime_state.hpp"

namespace troupe::node_agent::runtime {

using namespace fake_detail;

namespace {

/// containerd's reserved names: "<pod>_<namespace>_<uid>_<attempt>" for sandboxes,
/// "<container>_<pod>_<namespace>_<uid>_<attempt>" for containers.
std::string sandbox_reserved_name(const sandbox_config& c) {
  return c.name + "_" + c.namespace_ + "_" + c.uid + "_" + std::to_string(c.attempt);
}

std::string container_reserved_name(const container_config& c, const sandbox_config& s) {
  return c.name + "_" + s.name + "_" + s.namespace_ + "_" + s.uid + "_" + std::to_string(c.attempt);
}

} // namespace

void fake_runtime::version(timeout t, callback<version_info> cb) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("Version");
  }
  reply<version_info>("Version", t, std::move(cb),
                      version_info{"0.1.0", opts_.runtime_name, opts_.runtime_version, "v1"});
}

void fake_runtime::runtime_conditions(timeout t, callback<std::vector<runtime_condition>> cb) {
  std::vector<runtime_condition> out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("Status");
    out = st_->conditions;
  }
  reply<std::vector<runtime_condition>>("Status", t, std::move(cb), std::move(out));
}

void fake_runtime::run_pod_sandbox(const sandbox_config& cfg, timeout t, callback<std::string> cb) {
  result<std::string> answer = status::unknown("");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("RunPodSandbox " + cfg.namespace_ + "/" + cfg.name);
    const auto name = sandbox_reserved_name(cfg);
    if (auto it = st_->reserved.find(name); it != st_->reserved.end()) {
      answer = status::unknown("failed to reserve sandbox name \"" + name + "\": name \"" + name +
                               "\" is reserved for \"" + it->second + "\"");
    } else {
      sandbox_rec rec;
      rec.seq = st_->next_seq++;
      rec.cfg = cfg;
      rec.reserved_name = name;
      auto& i = rec.info;
      i.id = hex_id(rec.seq);
      i.name = cfg.name;
      i.uid = cfg.uid;
      i.namespace_ = cfg.namespace_;
      i.attempt = cfg.attempt;
      i.state = sandbox_state::ready;
      i.created_at = st_->now;
      i.labels = cfg.labels;
      i.annotations = cfg.annotations;
      if (cfg.network != namespace_mode::node) i.ip = opts_.pod_ip_prefix + std::to_string(st_->next_ip++);
      st_->reserved[name] = i.id;
      answer = i.id;
      st_->sandboxes.emplace(i.id, std::move(rec));
    }
  }
  reply<std::string>("RunPodSandbox", t, std::move(cb), std::move(answer));
}

void fake_runtime::stop_pod_sandbox(const std::string& id, timeout t, status_callback cb) {
  status answer;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("StopPodSandbox " + st_->sandbox_name(id));
    auto it = st_->sandboxes.find(id);
    if (it == st_->sandboxes.end()) {
      answer = status::not_found(not_found_sandbox(id));
    } else {
      // Containers still running are killed (containerd stops them with timeout 0).
      for (auto& [_, c] : st_->containers)
        if (c.st.sandbox_id == id) st_->exit_now(c, 137, "Error");
      it->second.info.state = sandbox_state::not_ready;
      it->second.info.ip.clear();
    }
  }
  reply_status("StopPodSandbox", t, std::move(cb), std::move(answer));
}

void fake_runtime::remove_pod_sandbox(const std::string& id, timeout t, status_callback cb) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("RemovePodSandbox " + st_->sandbox_name(id));
    if (auto it = st_->sandboxes.find(id); it != st_->sandboxes.end()) {
      for (auto c = st_->containers.begin(); c != st_->containers.end();) {
        if (c->second.st.sandbox_id == id) {
          st_->reserved.erase(c->second.reserved_name);
          c = st_->containers.erase(c);
        } else {
          ++c;
        }
      }
      st_->reserved.erase(it->second.reserved_name);
      st_->sandboxes.erase(it);
    }
  }
  reply_status("RemovePodSandbox", t, std::move(cb), status::ok());  // idempotent, as CRI
}

void fake_runtime::pod_sandbox_status(const std::string& id, timeout t, callback<sandbox_info> cb) {
  result<sandbox_info> answer = status::not_found(not_found_sandbox(id));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("PodSandboxStatus " + st_->sandbox_name(id));
    if (auto it = st_->sandboxes.find(id); it != st_->sandboxes.end()) answer = it->second.info;
  }
  reply<sandbox_info>("PodSandboxStatus", t, std::move(cb), std::move(answer));
}

void fake_runtime::list_pod_sandbox(const sandbox_filter& f, timeout t,
                                    callback<std::vector<sandbox_info>> cb) {
  std::vector<std::pair<uint64_t, sandbox_info>> found;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("ListPodSandbox");
    for (const auto& [id, rec] : st_->sandboxes) {
      if (!id_matches(id, f.id) || (f.state && *f.state != rec.info.state) ||
          !labels_match(rec.info.labels, f.label_selector))
        continue;
      sandbox_info i = rec.info;
      i.ip.clear();  // ListPodSandbox carries no network status
      found.emplace_back(rec.seq, std::move(i));
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<sandbox_info> out;
  for (auto& p : found) out.push_back(std::move(p.second));
  reply<std::vector<sandbox_info>>("ListPodSandbox", t, std::move(cb), std::move(out));
}

void fake_runtime::create_container(const std::string& sandbox_id, const container_config& cfg,
                                    const sandbox_config& sandbox, timeout t,
                                    callback<std::string> cb) {
  result<std::string> answer = status::unknown("");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("CreateContainer " + sandbox.name + "/" + cfg.name + "#" +
                         std::to_string(cfg.attempt));
    const auto name = container_reserved_name(cfg, sandbox);
    auto sb = st_->sandboxes.find(sandbox_id);
    auto image = st_->find_image(cfg.image);
    if (sb == st_->sandboxes.end()) {
      answer = status::not_found(not_found_sandbox(sandbox_id));
    } else if (sb->second.info.state != sandbox_state::ready) {
      answer = status::unknown("sandbox container \"" + sandbox_id + "\" is not running");
    } else if (!image) {
      answer = status::not_found("failed to resolve image \"" + cfg.image + "\": not found");
    } else if (auto r = st_->reserved.find(name); r != st_->reserved.end()) {
      answer = status::unknown("failed to reserve container name \"" + name + "\": name \"" +
                               name + "\" is reserved for \"" + r->second + "\"");
    } else {
      container_rec rec;
      rec.seq = st_->next_seq++;
      rec.reserved_name = name;
      rec.pod_name = sandbox.name;
      if (auto b = st_->behaviors.find(cfg.name); b != st_->behaviors.end()) rec.behavior = b->second;
      auto& s = rec.st;
      s.id = hex_id(rec.seq);
      s.sandbox_id = sandbox_id;
      s.name = cfg.name;
      s.attempt = cfg.attempt;
      s.image = cfg.image;
      s.image_ref = image->id;
      s.state = container_state::created;
      s.created_at = st_->now;
      s.labels = cfg.labels;
      s.annotations = cfg.annotations;
      s.log_path = sb->second.cfg.log_directory + "/" + cfg.log_path;
      s.resources = cfg.resources;
      st_->reserved[name] = s.id;
      answer = s.id;
      st_->containers.emplace(s.id, std::move(rec));
    }
  }
  reply<std::string>("CreateContainer", t, std::move(cb), std::move(answer));
}

void fake_runtime::start_container(const std::string& id, timeout t, status_callback cb) {
  status answer;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("StartContainer " + st_->describe(id));
    auto it = st_->containers.find(id);
    if (it == st_->containers.end()) {
      answer = status::not_found(not_found_container(id));
    } else if (auto& c = it->second; c.st.state != container_state::created) {
      answer = status::unknown("container is in " + std::string(to_string(c.st.state)) + " state");
    } else if (c.behavior.start_error) {
      c.st.state = container_state::exited;
      c.st.started_at = 0;
      c.st.finished_at = st_->now;
      c.st.exit_code = 128;
      c.st.reason = "StartError";
      c.st.message = *c.behavior.start_error;
      answer = status::unknown("failed to create containerd task: " + *c.behavior.start_error);
    } else {
      c.st.state = container_state::running;
      c.st.started_at = st_->now;
      if (c.behavior.exit_after) {
        c.exit_at = st_->now + c.behavior.exit_after->count() * ns_per_ms;
        c.exit_code = c.behavior.oom_killed ? 137 : c.behavior.exit_code;
        c.exit_reason = c.behavior.oom_killed ? "OOMKilled" : c.exit_code == 0 ? "Completed" : "Error";
      }
      st_->refresh(c);
    }
  }
  reply_status("StartContainer", t, std::move(cb), std::move(answer));
}

void fake_runtime::stop_container(const std::string& id, timeout grace, status_callback cb) {
  status answer;
  timeout takes(0);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("StopContainer " + st_->describe(id));
    auto it = st_->containers.find(id);
    if (it == st_->containers.end()) {
      answer = status::not_found(not_found_container(id));
    } else {
      auto& c = it->second;
      st_->refresh(c);
      if (c.st.state == container_state::running) {
        if (grace.count() <= 0) {
          st_->exit_now(c, 137, "Error");  // SIGKILL at once
        } else if (c.behavior.ignores_sigterm) {
          // SIGTERM is ignored: SIGKILL when the grace period ends; the call returns then.
          const int64_t at = st_->now + grace.count() * ns_per_ms;
          if (!c.exit_at || *c.exit_at > at) {
            c.exit_at = at;
            c.exit_code = 137;
            c.exit_reason = "Error";
          }
          takes = timeout((*c.exit_at - st_->now) / ns_per_ms);
        } else {
          st_->exit_now(c, 0, "Completed");  // a TERM handler that exits cleanly
        }
      }
      // A created (never started) or exited container: nothing to stop; containerd answers OK
      // and leaves its state as it is.
    }
  }
  // The call's own deadline is the grace period plus a margin, as cri_runtime sets it.
  reply_status("StopContainer", grace + std::chrono::seconds(10), std::move(cb), std::move(answer),
               takes);
}

void fake_runtime::remove_container(const std::string& id, timeout t, status_callback cb) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("RemoveContainer " + st_->describe(id));
    if (auto it = st_->containers.find(id); it != st_->containers.end()) {
      st_->reserved.erase(it->second.reserved_name);  // a running one is force-removed
      st_->containers.erase(it);
    }
  }
  reply_status("RemoveContainer", t, std::move(cb), status::ok());  // idempotent, as CRI
}

void fake_runtime::list_containers(const container_filter& f, timeout t,
                                   callback<std::vector<container_info>> cb) {
  std::vector<std::pair<uint64_t, container_info>> found;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("ListContainers");
    for (auto& [id, c] : st_->containers) {
      st_->refresh(c);
      if (!id_matches(id, f.id) || (!f.sandbox_id.empty() && c.st.sandbox_id != f.sandbox_id) ||
          (f.state && *f.state != c.st.state) || !labels_match(c.st.labels, f.label_selector))
        continue;
      found.emplace_back(c.seq, static_cast<const container_info&>(c.st));
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<container_info> out;
  for (auto& p : found) out.push_back(std::move(p.second));
  reply<std::vector<container_info>>("ListContainers", t, std::move(cb), std::move(out));
}

void fake_runtime::container_status(const std::string& id, timeout t,
                                    callback<runtime::container_status> cb) {
  result<runtime::container_status> answer = status::not_found(not_found_container(id));
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("ContainerStatus " + st_->describe(id));
    if (auto it = st_->containers.find(id); it != st_->containers.end()) {
      st_->refresh(it->second);
      answer = it->second.st;
    }
  }
  reply<runtime::container_status>("ContainerStatus", t, std::move(cb), std::move(answer));
}

void fake_runtime::update_container_resources(const std::string& id, const linux_resources& r,
                                              timeout t, status_callback cb) {
  status answer;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("UpdateContainerResources " + st_->describe(id));
    if (auto it = st_->containers.find(id); it != st_->containers.end()) it->second.st.resources = r;
    else answer = status::not_found(not_found_container(id));
  }
  reply_status("UpdateContainerResources", t, std::move(cb), std::move(answer));
}

void fake_runtime::reopen_container_log(const std::string& id, timeout t, status_callback cb) {
  status answer;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("ReopenContainerLog " + st_->describe(id));
    auto it = st_->containers.find(id);
    if (it == st_->containers.end()) answer = status::not_found(not_found_container(id));
    else if (st_->refresh(it->second), it->second.st.state != container_state::running)
      answer = status::unknown("container is not running");
  }
  reply_status("ReopenContainerLog", t, std::move(cb), std::move(answer));
}

void fake_runtime::exec_sync(const std::string& id, const std::vector<std::string>& cmd,
                             timeout exec_timeout, callback<exec_result> cb) {
  std::optional<status> error;
  bool hung = false;
  container_info target;
  exec_handler handler;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = st_->containers.find(id);
    st_->calls.push_back("ExecSync " +
                         (it == st_->containers.end() ? id : it->second.pod_name + "/" + it->second.st.name) +
                         " [" + join(cmd) + "]");
    if (it == st_->containers.end()) {
      error = status::not_found(not_found_container(id));
    } else if (st_->refresh(it->second), it->second.st.state != container_state::running) {
      error = status::unknown("container " + id + " is not running");
    } else {
      target = it->second.st;
      hung = st_->hung_exec.count(target.name) > 0;
      handler = st_->exec;
    }
  }
  if (hung) {
    const auto secs = std::to_string((exec_timeout.count() + 999) / 1000);
    schedule(now_ns() + exec_timeout.count() * ns_per_ms, [cb, secs] {
      cb(status::deadline_exceeded("failed to exec in container: timeout " + secs +
                                   "s exceeded: context deadline exceeded"));
    });
    return;
  }
  result<exec_result> answer = error ? result<exec_result>(*error)
                               : handler ? handler(target, cmd)
                                         : result<exec_result>(exec_result{});
  reply<exec_result>("ExecSync", exec_timeout, std::move(cb), std::move(answer));
}

void fake_runtime::container_stats(const std::string& id, timeout t,
                                   callback<runtime::container_stats> cb) {
  container_filter f;
  f.id = id;
  list_container_stats(f, t, [cb, id](result<std::vector<runtime::container_stats>> r) {
    if (!r) cb(r.status());
    else if (r->empty()) cb(status::not_found(not_found_container(id)));
    else cb(r->front());
  });
}

void fake_runtime::list_container_stats(const container_filter& f, timeout t,
                                        callback<std::vector<runtime::container_stats>> cb) {
  std::vector<runtime::container_stats> out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    st_->calls.push_back("ListContainerStats");
    for (auto& [id, c] : st_->containers) {
      st_->refresh(c);
      if (!id_matches(id, f.id) || (!f.sandbox_id.empty() && c.st.sandbox_id != f.sandbox_id) ||
          !labels_match(c.st.labels, f.label_selector))
        continue;
      runtime::container_stats s;
      s.id = id;
      s.name = c.st.name;
      s.labels = c.st.labels;
      s.cpu_timestamp = st_->now;
      if (c.st.started_at != 0) {
        const int64_t end = c.st.state == container_state::running ? st_->now : c.st.finished_at;
        s.cpu_usage_core_nano_seconds =
            static_cast<uint64_t>(c.behavior.cpu_cores * static_cast<double>(end - c.st.started_at));
      }
      if (c.st.state == container_state::running) {
        s.memory_working_set_bytes = c.behavior.memory_bytes;
        s.memory_usage_bytes = c.behavior.memory_bytes;
      }
      s.writable_layer_bytes = 20480;
      out.push_back(std::move(s));
    }
  }
  reply<std::vector<runtime::container_stats>>("ListContainerStats", t, std::move(cb), std::move(out));
}

} // namespace troupe::node_agent::runtime
