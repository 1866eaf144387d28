#include "node-agent/pod/probe_tracker.hpp"

namespace troupe::node_agent::pod {

probe_settings probe_settings::from(const troupe::core::v1::Probe& p) {
  probe_settings s;
  if (p.initialdelayseconds() > 0)
    s.initial_delay = std::chrono::seconds(p.initialdelayseconds());
  if (p.timeoutseconds() > 0)
    s.timeout = std::chrono::seconds(p.timeoutseconds());
  if (p.periodseconds() > 0)
    s.period = std::chrono::seconds(p.periodseconds());
  if (p.successthreshold() > 0)
    s.success_threshold = p.successthreshold();
  if (p.failurethreshold() > 0)
    s.failure_threshold = p.failurethreshold();
  return s;
}

probe_tracker::probe_tracker(probe_kind kind, probe_settings settings)
  : kind_(kind), settings_(settings), published_(initial()) {}

probe_result probe_tracker::initial() const {
  switch (kind_) {
  case probe_kind::readiness:
    return probe_result::failure;
  case probe_kind::liveness:
    return probe_result::success;
  case probe_kind::startup:
    break;
  }
  return probe_result::unknown;
}

void probe_tracker::container_started(time_point started_at) {
  running_ = true;
  on_hold_ = false;
  started_at_ = started_at;
  last_probe_.reset();
  last_result_ = probe_result::unknown;
  run_ = 0;
  published_ = initial();
}

void probe_tracker::container_stopped() {
  running_ = false;
  run_ = 0;
  published_ = probe_result::failure;
}

std::optional<probe_tracker::time_point> probe_tracker::next_probe_at(bool startup_passed) const {
  if (!running_ || on_hold_)
    return std::nullopt;
  if (kind_ == probe_kind::startup ? startup_passed : !startup_passed)
    return std::nullopt;
  auto first = started_at_ + settings_.initial_delay;
  if (!last_probe_)
    return first;
  auto next = *last_probe_ + settings_.period;
  return next < first ? first : next;
}

probe_tracker::action probe_tracker::record(probe_result r, time_point probed_at) {
  last_probe_ = probed_at;
  if (r == probe_result::unknown || !running_ || on_hold_)
    return action::none;  // the kubelet throws away results it could not get
  if (r == last_result_) {
    ++run_;
  } else {
    last_result_ = r;
    run_ = 1;
  }
  const int threshold =
    r == probe_result::success ? settings_.success_threshold : settings_.failure_threshold;
  if (run_ < threshold)
    return action::none;
  const bool changed = published_ != r;
  published_ = r;
  if (r == probe_result::failure && kind_ != probe_kind::readiness) {
    // Liveness or startup failed: the container is restarted; stop probing it until the next one.
    on_hold_ = true;
    run_ = 0;
    return action::restart;
  }
  if (!changed)
    return action::none;
  if (kind_ == probe_kind::readiness)
    return r == probe_result::success ? action::set_ready : action::set_unready;
  if (kind_ == probe_kind::startup)
    return action::mark_started;
  return action::none;  // liveness back to success changes nothing
}

} // namespace troupe::node_agent::pod
