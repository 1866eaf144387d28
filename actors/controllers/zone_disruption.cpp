#include "actors/controllers/zone_disruption.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "actors/controllers/node_health.hpp"

namespace troupe::controllers {

namespace {

double seconds_between(config::timestamp a, config::timestamp b) {
  return static_cast<double>(b.seconds - a.seconds) +
         (static_cast<double>(b.nanos) - static_cast<double>(a.nanos)) / 1e9;
}

config::timestamp after_seconds(config::timestamp t, double s) {
  return add_duration(t, std::chrono::milliseconds(static_cast<int64_t>(std::ceil(s * 1000.0))));
}

} // namespace

const char* zone_state_name(zone_state s) {
  switch (s) {
    case zone_state::initial:
      return "Initial";
    case zone_state::normal:
      return "Normal";
    case zone_state::partial_disruption:
      return "PartialDisruption";
    case zone_state::full_disruption:
      return "FullDisruption";
  }
  return "Unknown";
}

std::string zone_of(const core::v1::Node& node) {
  const auto& labels = node.metadata().labels();
  if (auto i = labels.find("topology.kubernetes.io/zone"); i != labels.end())
    return i->second;
  if (auto i = labels.find("failure-domain.beta.kubernetes.io/zone"); i != labels.end())
    return i->second;
  return "";
}

zone_state compute_zone_state(int ready, int not_ready, const zone_options& options) {
  if (ready == 0 && not_ready > 0)
    return zone_state::full_disruption;
  if (not_ready > 2 &&
      static_cast<double>(not_ready) / static_cast<double>(not_ready + ready) >=
        options.unhealthy_zone_threshold)
    return zone_state::partial_disruption;
  return zone_state::normal;
}

double zone_eviction_rate(zone_state state, int size, const zone_options& options) {
  if (state == zone_state::partial_disruption)  // ReducedQPSFunc
    return size > options.large_cluster_size_threshold ? options.secondary_node_eviction_rate : 0.0;
  return options.node_eviction_rate;  // HealthyQPSFunc (Normal, FullDisruption)
}

// ---- token_bucket

void token_bucket::refill(config::timestamp now) {
  if (qps_ <= 0)
    return;
  const double elapsed = seconds_between(last_, now);
  if (elapsed > 0) {
    tokens_ = std::min(1.0, tokens_ + elapsed * qps_);
    last_ = now;
  }
}

bool token_bucket::try_accept(config::timestamp now) {
  if (qps_ <= 0)
    return false;
  refill(now);
  if (tokens_ < 1.0)
    return false;
  tokens_ -= 1.0;
  return true;
}

config::timestamp token_bucket::next_token(config::timestamp now) const {
  if (qps_ <= 0)
    return {std::numeric_limits<int32_t>::max(), 0};
  const double have = std::min(1.0, tokens_ + std::max(0.0, seconds_between(last_, now)) * qps_);
  if (have >= 1.0)
    return now;
  return after_seconds(now, (1.0 - have) / qps_);
}

// ---- taint_queue

bool taint_queue::add(const std::string& node, config::timestamp now) {
  if (at_.count(node))
    return false;
  const std::pair<int64_t, int32_t> key{now.seconds, now.nanos};
  at_[node] = key;
  order_.insert({key, node});
  return true;
}

bool taint_queue::remove(const std::string& node) {
  auto i = at_.find(node);
  if (i == at_.end())
    return false;
  order_.erase({i->second, node});
  at_.erase(i);
  return true;
}

void taint_queue::set_rate(double qps, config::timestamp now) {
  if (!started_) {  // a new zone's queue: a full bucket (NewRateLimitedTimedQueue)
    started_ = true;
    bucket_ = token_bucket(qps, now);
    return;
  }
  if (qps == bucket_.qps())
    return;
  // SwapLimiter: a new bucket, drained when the old one had no token either ("if we're currently
  // waiting on limiter, we drain the new one"): a rate change never hands out a spare token, so
  // leaving master disruption mode taints the first node one period later, not at once.
  const bool waiting = !bucket_.try_accept(now);
  bucket_ = token_bucket(qps, now);
  if (waiting)
    bucket_.try_accept(now);
}

std::vector<std::string> taint_queue::release(config::timestamp now) {
  std::vector<std::string> out;
  while (!order_.empty() && bucket_.try_accept(now)) {
    auto first = order_.begin();
    out.push_back(first->second);
    at_.erase(first->second);
    order_.erase(first);
  }
  return out;
}

std::optional<config::timestamp> taint_queue::next_release(config::timestamp now) const {
  if (order_.empty() || bucket_.qps() <= 0)
    return std::nullopt;
  return bucket_.next_token(now);
}

// ---- handleDisruption

bool all_fully_disrupted(const std::map<std::string, zone_state>& states) {
  return !states.empty() && std::all_of(states.begin(), states.end(), [](const auto& s) {
           return s.second == zone_state::full_disruption;
         });
}

disruption_plan plan_disruption(const std::map<std::string, zone_state>& before,
                                const std::map<std::string, zone_health>& now,
                                const zone_options& options) {
  disruption_plan plan;
  std::map<std::string, zone_state> fresh;
  std::map<std::string, zone_state> previous;
  bool all_are = true;
  for (const auto& [zone, h] : now) {
    fresh[zone] = compute_zone_state(h.ready, h.not_ready, options);
    if (fresh[zone] != zone_state::full_disruption)
      all_are = false;
    auto b = before.find(zone);
    previous[zone] = b == before.end() ? zone_state::initial : b->second;
  }
  bool all_was = true;  // zones gone since are dropped (they do not count)
  for (const auto& [zone, s] : previous)
    if (s != zone_state::full_disruption)
      all_was = false;
  auto size = [&](const std::string& zone) {
    const auto& h = now.at(zone);
    return h.ready + h.not_ready;
  };
  if (all_are && all_was) {  // master disruption mode goes on (or there are no zones)
    plan.states = previous;
    return plan;
  }
  if (all_are) {
    plan.enter_master_disruption = true;
    plan.log.push_back(
      "Controller detected that all Nodes are not-Ready. Entering master disruption mode.");
    for (const auto& [zone, s] : fresh) {
      plan.states[zone] = zone_state::full_disruption;
      plan.rates[zone] = 0.0;
    }
    return plan;
  }
  if (all_was) {
    plan.exit_master_disruption = true;
    plan.log.push_back(
      "Controller detected that some Nodes are Ready. Exiting master disruption mode.");
    for (const auto& [zone, s] : fresh)
      plan.rates[zone] = zone_eviction_rate(s, size(zone), options);
    plan.states = fresh;
    return plan;
  }
  for (const auto& [zone, s] : fresh) {
    if (previous[zone] != s) {
      if (previous[zone] != zone_state::initial)
        plan.log.push_back("Controller detected that zone is now in new state zone=\"" + zone +
                           "\" newState=\"" + zone_state_name(s) + "\"");
      plan.rates[zone] = zone_eviction_rate(s, size(zone), options);
    }
  }
  plan.states = fresh;
  return plan;
}

} // namespace troupe::controllers
