#include "actors/controllers/pod_gc.hpp"

#include <algorithm>
#include <set>

namespace troupe::controllers {

namespace v1 = troupe::core::v1;

namespace {

bool terminal(const v1::Pod& p) {
  return p.status().phase() == "Succeeded" || p.status().phase() == "Failed";
}

bool terminating(const v1::Pod& p) { return p.metadata().has_deletiontimestamp(); }

// Kubernetes' byEvictionAndCreationTimestamp: evicted pods first, then the oldest, then by name.
bool gc_order(const v1::Pod* a, const v1::Pod* b) {
  const bool ea = a->status().reason() == "Evicted";
  const bool eb = b->status().reason() == "Evicted";
  if (ea != eb)
    return ea;
  const auto& ca = a->metadata().creationtimestamp();
  const auto& cb = b->metadata().creationtimestamp();
  if (ca.seconds() != cb.seconds())
    return ca.seconds() < cb.seconds();
  if (a->metadata().namespace_() != b->metadata().namespace_())
    return a->metadata().namespace_() < b->metadata().namespace_();
  return a->metadata().name() < b->metadata().name();
}

bool older_than(config::timestamp since, config::timestamp now, std::chrono::seconds span) {
  const int64_t since_ns = since.seconds * 1000000000LL + since.nanos;
  const int64_t now_ns = now.seconds * 1000000000LL + now.nanos;
  return now_ns - since_ns >= std::chrono::duration_cast<std::chrono::nanoseconds>(span).count();
}

} // namespace

const char* to_string(pod_gc_reason r) {
  switch (r) {
    case pod_gc_reason::terminated: return "terminated";
    case pod_gc_reason::terminating_out_of_service: return "out-of-service";
    case pod_gc_reason::orphaned: return "orphaned";
    case pod_gc_reason::unscheduled_terminating: return "unscheduled";
  }
  return "";
}

pod_gc_node pod_gc_node_of(const v1::Node& node) {
  pod_gc_node n;
  for (const auto& c : node.status().conditions())
    if (c.type() == "Ready")
      n.ready = c.status() == "True";
  for (const auto& t : node.spec().taints())
    if (t.key() == taint_out_of_service)
      n.out_of_service = true;
  return n;
}

std::vector<pod_gc_action> plan_pod_gc(const pod_gc_pods& pods,
                                       const std::map<std::string, pod_gc_node>& nodes,
                                       std::map<std::string, config::timestamp>& missing_since,
                                       config::timestamp now, const pod_gc_options& options) {
  std::vector<pod_gc_action> out;
  std::set<std::string> taken;  // uids
  auto take = [&](const v1::Pod& p, pod_gc_reason reason) {
    if (!taken.insert(p.metadata().uid()).second)
      return;
    out.push_back({p.metadata().namespace_(), p.metadata().name(), p.metadata().uid(), reason,
                   !terminal(p)});
  };
  // 1. Terminated pods beyond the threshold.
  if (options.terminated_pod_threshold > 0) {
    std::vector<const v1::Pod*> done;
    for (const auto& p : pods)
      if (terminal(*p))
        done.push_back(p.get());
    if (done.size() > options.terminated_pod_threshold) {
      const size_t excess = done.size() - options.terminated_pod_threshold;
      std::partial_sort(done.begin(), done.begin() + static_cast<std::ptrdiff_t>(excess), done.end(), gc_order);
      for (size_t i = 0; i < excess; ++i)
        take(*done[i], pod_gc_reason::terminated);
    }
  }
  // 2. Terminating on a node declared out of service.
  std::vector<const v1::Pod*> out_of_service;
  for (const auto& p : pods) {
    if (!terminating(*p) || p->spec().nodename().empty())
      continue;
    auto n = nodes.find(p->spec().nodename());
    if (n != nodes.end() && !n->second.ready && n->second.out_of_service)
      out_of_service.push_back(p.get());
  }
  std::sort(out_of_service.begin(), out_of_service.end(), gc_order);
  for (const auto* p : out_of_service)
    take(*p, pod_gc_reason::terminating_out_of_service);
  // 3. Orphaned: bound to a node missing for the whole quarantine.
  std::set<std::string> referenced;
  for (const auto& p : pods) {
    const auto& node = p->spec().nodename();
    if (!node.empty() && nodes.count(node) == 0) {
      referenced.insert(node);
      missing_since.emplace(node, now);
    }
  }
  for (auto i = missing_since.begin(); i != missing_since.end();)
    i = referenced.count(i->first) ? std::next(i) : missing_since.erase(i);
  for (const auto& p : pods) {
    auto m = missing_since.find(p->spec().nodename());
    if (m != missing_since.end() && older_than(m->second, now, options.quarantine))
      take(*p, pod_gc_reason::orphaned);
  }
  // 4. Being deleted, and on no node.
  for (const auto& p : pods)
    if (terminating(*p) && p->spec().nodename().empty())
      take(*p, pod_gc_reason::unscheduled_terminating);
  return out;
}

v1::Pod mark_failed_by_pod_gc(const v1::Pod& pod, pod_gc_reason reason, config::timestamp now) {
  v1::Pod p = pod;
  p.mutable_status()->set_phase("Failed");
  if (reason == pod_gc_reason::orphaned) {
    auto* conditions = p.mutable_status()->mutable_conditions();
    v1::PodCondition* c = nullptr;
    for (auto& x : *conditions)
      if (x.type() == "DisruptionTarget")
        c = &x;
    if (c == nullptr)
      c = conditions->Add();
    c->Clear();
    c->set_type("DisruptionTarget");
    c->set_status("True");
    c->set_reason("DeletionByPodGC");
    c->set_message("PodGC: node no longer exists");
    c->mutable_lasttransitiontime()->set_seconds(now.seconds);
  }
  return p;
}

} // namespace troupe::controllers
