#include "node-agent/agent/report_batch.hpp"


namespace troupe::node_agent {

namespace v1 = troupe::core::v1;

void report_batch::add(const std::string& uid, pod_ptr status, std::vector<v1::Event> events,
                       bool finished, const v1::Pod* object) {
  auto& p = pending_[uid];
  if (finished && !status) {
    // The session needs the identity to delete the object: build it from what the node knows.
    auto identity = std::make_shared<v1::Pod>();
    if (auto last = last_status_.find(uid); last != last_status_.end())
      *identity = *last->second;
    if (object) {
      auto* m = identity->mutable_metadata();
      m->set_namespace_(object->metadata().namespace_());
      m->set_name(object->metadata().name());
      m->set_uid(object->metadata().uid());
      if (object->metadata().has_deletiontimestamp())
        *m->mutable_deletiontimestamp() = object->metadata().deletiontimestamp();
    }
    identity->mutable_metadata()->set_uid(uid);
    status = identity;
  }
  if (status)
    p.status = status;
  for (auto& e : events)
    p.events.push_back(std::move(e));
  p.finished = p.finished || finished;
  if (finished)
    last_status_.erase(uid);
  else if (status)
    last_status_[uid] = status;
}

void report_batch::requeue_all() {
  for (const auto& [uid, status] : last_status_) {
    auto& p = pending_[uid];
    if (!p.status)
      p.status = status;
  }
}

std::string report_batch::event_name(const std::string& pod_name, int64_t now_ns) {
  return event_names_.next(pod_name, now_ns);
}

report_batch::payload report_batch::take(int64_t now_ns) {
  payload out;
  for (auto& [uid, p] : pending_) {
    std::string pod_name, pod_namespace;
    if (p.status) {
      pod_name = p.status->metadata().name();
      pod_namespace = p.status->metadata().namespace_();
      if (p.finished && !p.status->metadata().has_deletiontimestamp()) {
        v1::Pod stamped = *p.status;
        stamped.mutable_metadata()->mutable_deletiontimestamp()->set_seconds(now_ns /
                                                                             1'000'000'000);
        out.statuses.push_back(stamped.SerializeAsString());
      } else {
        out.statuses.push_back(p.status->SerializeAsString());
      }
    }
    for (auto& e : p.events) {
      const auto& ref = e.involvedobject();
      auto name = !ref.name().empty() ? ref.name() : pod_name;
      auto* m = e.mutable_metadata();
      if (m->name().empty())
        m->set_name(event_name(name, now_ns));
      if (m->namespace_().empty())
        m->set_namespace_(!ref.namespace_().empty() ? ref.namespace_() : pod_namespace);
      if (e.reportingcomponent().empty())
        e.set_reportingcomponent("kubelet");
      if (e.reportinginstance().empty())
        e.set_reportinginstance(e.source().host());
      out.events.push_back(e.SerializeAsString());
    }
  }
  pending_.clear();
  out.node_status = std::move(node_status_);
  node_status_.clear();
  return out;
}

} // namespace troupe::node_agent
