#include "node-agent/pod/runtime_snapshot.hpp"

#include <algorithm>
#include <mutex>

#include "node-agent/runtime/runtime_labels.hpp"

namespace troupe::node_agent::pod {
namespace {

namespace rt = troupe::node_agent::runtime;

std::string container_name(const rt::container_info& c) {
  auto it = c.labels.find(rt::labels::container_name);
  return it == c.labels.end() || it->second.empty() ? c.name : it->second;
}

// The answers arrive on runtime threads in any order: every call holds one count of `pending`;
// a call that issues follow-up calls adds their counts before giving up its own, so the count
// reaches 0 exactly once, after the last answer.
struct collector : std::enable_shared_from_this<collector> {
  std::shared_ptr<rt::container_runtime> runtime;
  rt::timeout timeout{};
  snapshot_request req;
  snapshot_callback done;
  std::mutex mutex;
  int pending = 0;
  runtime_snapshot snap;

  void fail(const rt::status& s) {  // under the lock
    if (snap.error.is_ok())
      snap.error = s;
  }

  void finish_one() {
    bool last = false;
    {
      std::lock_guard<std::mutex> lock(mutex);
      last = --pending == 0;
    }
    if (last) {
      std::sort(snap.containers.begin(), snap.containers.end(), [](const auto& a, const auto& b) {
        return a.created_at != b.created_at ? a.created_at < b.created_at : a.attempt < b.attempt;
      });
      done(std::move(snap));
    }
  }

  void add(int n) {
    std::lock_guard<std::mutex> lock(mutex);
    pending += n;
  }

  void on_sandboxes(rt::result<std::vector<rt::sandbox_info>> r) {
    if (!r) {
      std::lock_guard<std::mutex> lock(mutex);
      fail(r.status());
    } else if (!r->empty()) {
      auto latest = *std::max_element(r->begin(), r->end(), [](const auto& a, const auto& b) {
        return a.attempt != b.attempt ? a.attempt < b.attempt : a.created_at < b.created_at;
      });
      const auto& before = req.previous ? req.previous->sandbox : std::nullopt;
      if (before && before->id == latest.id && before->state == latest.state) {
        std::lock_guard<std::mutex> lock(mutex);
        snap.sandbox = *before;  // same sandbox, same state: same IP
      } else {
        {
          std::lock_guard<std::mutex> lock(mutex);
          snap.sandbox = latest;
        }
        if (latest.state == rt::sandbox_state::ready) {
          add(1);
          auto self = shared_from_this();
          runtime->pod_sandbox_status(latest.id, timeout, [self](rt::result<rt::sandbox_info> s) {
            {
              std::lock_guard<std::mutex> lock(self->mutex);
              if (s)
                self->snap.sandbox = *s;
              else if (!s.status().is_not_found())
                self->fail(s.status());
              else
                self->snap.sandbox.reset();  // removed meanwhile
            }
            self->finish_one();
          });
        }
      }
    }
    finish_one();
  }

  const rt::container_status* known(const rt::container_info& c) const {
    if (!req.previous)
      return nullptr;
    for (const auto& p : req.previous->containers)
      if (p.id == c.id)
        return p.state == c.state ? &p : nullptr;
    return nullptr;
  }

  void on_containers(rt::result<std::vector<rt::container_info>> r) {
    if (!r) {
      std::lock_guard<std::mutex> lock(mutex);
      fail(r.status());
      finish_one();
      return;
    }
    std::vector<std::string> ask;
    std::set<std::string> running;  // names with a running instance: no image needed
    {
      std::lock_guard<std::mutex> lock(mutex);
      for (const auto& c : *r) {
        if (c.state == rt::container_state::running)
          running.insert(container_name(c));
        if (const auto* p = known(c))
          snap.containers.push_back(*p);
        else
          ask.push_back(c.id);
      }
    }
    std::set<std::string> images;
    for (const auto& [name, image] : req.images)
      if (!running.count(name))
        images.insert(image);
    add(static_cast<int>(ask.size() + images.size()));
    auto self = shared_from_this();
    for (const auto& id : ask)
      runtime->container_status(id, timeout, [self](rt::result<rt::container_status> s) {
        {
          std::lock_guard<std::mutex> lock(self->mutex);
          if (s)
            self->snap.containers.push_back(std::move(*s));
          else if (!s.status().is_not_found())
            self->fail(s.status());
        }
        self->finish_one();
      });
    for (const auto& image : images)
      runtime->image_status(image, timeout,
                            [self, image](rt::result<std::optional<rt::image_info>> s) {
                              {
                                std::lock_guard<std::mutex> lock(self->mutex);
                                if (!s)
                                  self->fail(s.status());
                                else if (s->has_value())
                                  self->snap.images_present.insert(image);
                              }
                              self->finish_one();
                            });
    finish_one();
  }
};

} // namespace

void collect_runtime_snapshot(const std::shared_ptr<runtime::container_runtime>& runtime,
                              snapshot_request req, runtime::timeout t, snapshot_callback done) {
  auto c = std::make_shared<collector>();
  c->runtime = runtime;
  c->timeout = t;
  c->done = std::move(done);
  c->req = std::move(req);
  // One extra count held by this function, so no answer given inside a call can finish early.
  c->pending = 3;
  rt::sandbox_filter sf;
  sf.label_selector[rt::labels::pod_uid] = c->req.pod_uid;
  runtime->list_pod_sandbox(sf, t, [c](auto r) { c->on_sandboxes(std::move(r)); });
  rt::container_filter cf;
  cf.label_selector[rt::labels::pod_uid] = c->req.pod_uid;
  runtime->list_containers(cf, t, [c](auto r) { c->on_containers(std::move(r)); });
  c->finish_one();
}

} // namespace troupe::node_agent::pod
