#include "actors/controllers/replicaset_pods.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <string>

namespace troupe::controllers {

namespace {

namespace v1 = troupe::core::v1;

const v1::PodCondition* ready_condition(const v1::Pod& pod) {
  for (const auto& c : pod.status().conditions())
    if (c.type() == "Ready")
      return &c;
  return nullptr;
}

bool is_zero(const meta::Time& t) { return t.seconds() == 0 && t.nanos() == 0; }

bool same(const meta::Time& a, const meta::Time& b) {
  return a.seconds() == b.seconds() && a.nanos() == b.nanos();
}

bool after(const meta::Time& a, const meta::Time& b) {
  return a.seconds() != b.seconds() ? a.seconds() > b.seconds() : a.nanos() > b.nanos();
}

// Kubernetes' afterOrZero: a zero time sorts first, else the later time first.
bool after_or_zero(const meta::Time& a, const meta::Time& b) {
  if (is_zero(a) || is_zero(b))
    return is_zero(a);
  return after(a, b);
}

// podPhaseToOrdinal; phases not in it read as 0 (Go's map default).
int phase_ordinal(const std::string& phase) {
  if (phase == "Unknown")
    return 1;
  if (phase == "Running")
    return 2;
  return 0;
}

int32_t deletion_cost(const v1::Pod& pod) {
  const auto& a = pod.metadata().annotations();
  auto i = a.find("controller.kubernetes.io/pod-deletion-cost");
  if (i == a.end())
    return 0;
  int32_t v = 0;
  const auto& s = i->second;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size())
    return 0;  // invalid: Kubernetes ignores the error and uses 0
  return v;
}

int32_t max_restarts(const v1::Pod& pod) {
  int32_t m = 0;
  for (const auto& c : pod.status().containerstatuses())
    m = std::max(m, c.restartcount());
  return m;
}

struct ranked {
  pod_ptr pod;
  size_t rank = 0;
};

bool delete_first(const ranked& x, const ranked& y) {
  const auto& a = *x.pod;
  const auto& b = *y.pod;
  const auto& na = a.spec().nodename();
  const auto& nb = b.spec().nodename();
  if (na != nb && (na.empty() || nb.empty()))
    return na.empty();
  if (phase_ordinal(a.status().phase()) != phase_ordinal(b.status().phase()))
    return phase_ordinal(a.status().phase()) < phase_ordinal(b.status().phase());
  const bool ra = is_ready(a), rb = is_ready(b);
  if (ra != rb)
    return !ra;
  if (deletion_cost(a) != deletion_cost(b))
    return deletion_cost(a) < deletion_cost(b);
  if (x.rank != y.rank)
    return x.rank > y.rank;
  if (ra && rb) {
    const auto& ta = ready_condition(a)->lasttransitiontime();
    const auto& tb = ready_condition(b)->lasttransitiontime();
    if (!same(ta, tb))
      return after_or_zero(ta, tb);
  }
  if (max_restarts(a) != max_restarts(b))
    return max_restarts(a) > max_restarts(b);
  const auto& ca = a.metadata().creationtimestamp();
  const auto& cb = b.metadata().creationtimestamp();
  if (!same(ca, cb))
    return after_or_zero(ca, cb);
  return a.metadata().name() < b.metadata().name();
}

} // namespace

const meta::OwnerReference* controller_of(const meta::ObjectMeta& meta) {
  for (const auto& r : meta.ownerreferences())
    if (r.controller())
      return &r;
  return nullptr;
}

bool is_active(const v1::Pod& pod) {
  const auto& phase = pod.status().phase();
  return !pod.metadata().has_deletiontimestamp() && phase != "Succeeded" && phase != "Failed";
}

bool is_ready(const v1::Pod& pod) {
  const auto* c = ready_condition(pod);
  return c != nullptr && c->status() == "True";
}

std::optional<config::timestamp> ready_since(const v1::Pod& pod) {
  const auto* c = ready_condition(pod);
  if (c == nullptr || c->status() != "True" || is_zero(c->lasttransitiontime()))
    return std::nullopt;
  return config::timestamp{c->lasttransitiontime().seconds(), c->lasttransitiontime().nanos()};
}

bool is_available(const v1::Pod& pod, int32_t min_ready_seconds, config::timestamp now) {
  if (!is_ready(pod))
    return false;
  if (min_ready_seconds <= 0)
    return true;
  auto since = ready_since(pod);
  if (!since)
    return false;
  // lastTransitionTime + minReadySeconds strictly before now (IsPodAvailable).
  const config::timestamp at{since->seconds + min_ready_seconds, since->nanos};
  return at.seconds != now.seconds ? at.seconds < now.seconds : at.nanos < now.nanos;
}

std::optional<config::timestamp> available_at(const v1::Pod& pod, int32_t min_ready_seconds,
                                              config::timestamp now) {
  if (!is_ready(pod) || is_available(pod, min_ready_seconds, now))
    return std::nullopt;
  auto since = ready_since(pod);
  if (!since)
    return std::nullopt;  // never becomes available (no transition time)
  return config::timestamp{since->seconds + min_ready_seconds, since->nanos};
}

std::vector<pod_ptr> pods_to_delete(const std::vector<pod_ptr>& pods, size_t count) {
  std::map<std::string, size_t> on_node;
  for (const auto& p : pods)
    ++on_node[p->spec().nodename()];
  std::vector<ranked> all;
  all.reserve(pods.size());
  for (const auto& p : pods)
    all.push_back({p, on_node[p->spec().nodename()]});
  std::sort(all.begin(), all.end(), delete_first);
  std::vector<pod_ptr> out;
  for (size_t i = 0; i < all.size() && i < count; ++i)
    out.push_back(all[i].pod);
  return out;
}

} // namespace troupe::controllers
