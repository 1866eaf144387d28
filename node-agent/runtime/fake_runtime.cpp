// fake_runtime, first half: setup, fault injection, the manual clock and delayed answers.
// The CRI methods are in fake_runtime_calls.cpp; the shared model in fake_runtime_state.hpp.
#include "node-agent/runtime/fake_runtime_state.hpp"

namespace troupe::node_agent::runtime {

using namespace fake_detail;
fake_runtime::fake_runtime(fake_runtime_options opts)
  : opts_(std::move(opts)), st_(std::make_unique<state>()) {
  st_->now = opts_.start_time_ns;
}

fake_runtime::~fake_runtime() = default;

// ---- setup and faults ----

void fake_runtime::add_registry_image(const std::string& ref) {
  auto norm = normalize_image_reference(ref);
  std::lock_guard<std::mutex> lock(mutex_);
  st_->registry.insert(norm ? *norm : ref);
}

void fake_runtime::add_local_image(const std::string& ref) {
  auto norm = normalize_image_reference(ref);
  const std::string key = norm ? *norm : ref;
  std::lock_guard<std::mutex> lock(mutex_);
  image_info img;
  img.id = "sha256:" + hex_id(std::hash<std::string>{}(key));
  img.repo_tags = {key};
  img.size = 2 * 1024 * 1024;
  st_->images[key] = img;
}

void fake_runtime::fail_pull(const std::string& ref, status s) {
  auto norm = normalize_image_reference(ref);
  std::lock_guard<std::mutex> lock(mutex_);
  st_->pull_failures[norm ? *norm : ref] = std::move(s);
}

void fake_runtime::clear_pull_failure(const std::string& ref) {
  auto norm = normalize_image_reference(ref);
  std::lock_guard<std::mutex> lock(mutex_);
  st_->pull_failures.erase(norm ? *norm : ref);
}

void fake_runtime::set_behavior(const std::string& container_name, fake_container_behavior b) {
  std::lock_guard<std::mutex> lock(mutex_);
  st_->behaviors[container_name] = std::move(b);
}

void fake_runtime::set_delay(const std::string& method, timeout d) {
  std::lock_guard<std::mutex> lock(mutex_);
  st_->delays[method] = d;
}

void fake_runtime::set_exec_handler(exec_handler h) {
  std::lock_guard<std::mutex> lock(mutex_);
  st_->exec = std::move(h);
}

void fake_runtime::hang_exec(const std::string& container_name, bool hang) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (hang) st_->hung_exec.insert(container_name);
  else st_->hung_exec.erase(container_name);
}

void fake_runtime::kill_container(const std::string& id, int32_t exit_code, std::string reason) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = st_->containers.find(id); it != st_->containers.end())
    st_->exit_now(it->second, exit_code, std::move(reason));
}

void fake_runtime::set_condition(runtime_condition c) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& existing : st_->conditions) {
    if (existing.type == c.type) {
      existing = std::move(c);
      return;
    }
  }
  st_->conditions.push_back(std::move(c));
}

// ---- clock and observation ----

int64_t fake_runtime::now_ns() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return st_->now;
}

void fake_runtime::advance(timeout d) {
  int64_t target;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    target = st_->now + d.count() * ns_per_ms;
  }
  // Answer due calls in time order, moving the clock to each one's due time, so a callback that
  // reads now_ns() sees the time it was answered at.
  for (;;) {
    std::function<void()> fn;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto& p = st_->pending;
      auto it = std::min_element(p.begin(), p.end(), [](const auto& a, const auto& b) {
        return a.due != b.due ? a.due < b.due : a.seq < b.seq;
      });
      if (it == p.end() || it->due > target) {
        st_->now = target;
        return;
      }
      st_->now = std::max(st_->now, it->due);
      fn = std::move(it->fn);
      p.erase(it);
    }
    fn();
  }
}

std::vector<std::string> fake_runtime::calls() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return st_->calls;
}

void fake_runtime::clear_calls() {
  std::lock_guard<std::mutex> lock(mutex_);
  st_->calls.clear();
}

std::size_t fake_runtime::pending_callbacks() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return st_->pending.size();
}

void fake_runtime::schedule(int64_t due_ns, std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  st_->pending.push_back({due_ns, st_->next_seq++, std::move(fn)});
}

void fake_runtime::reply_status(const std::string& method, timeout t, status_callback cb,
                                status answer, timeout extra) {
  reply<bool>(method, t, [cb](result<bool> r) { cb(r ? status::ok() : r.status()); },
              answer ? result<bool>(true) : result<bool>(answer), extra);
}

} // namespace troupe::node_agent::runtime
