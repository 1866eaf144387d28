// The pod printer. STATUS follows Kubernetes' printPod (1.32) step by step, because users read
// it more than any other column: the phase or status.reason, then the first init container that
// has not finished ("Init:1/2", "Init:CrashLoopBackOff", "Init:Error", "Init:ExitCode:3"), then the
// containers from last to first (a waiting or terminated reason wins), then Terminating/Unknown
// for pods being deleted.
#include "actors/api/table_printers.hpp"

#include <unordered_map>

#include "actors/api/human_duration.hpp"

namespace troupe::api {

namespace {

using troupe::core::v1::ContainerStatus;
using troupe::core::v1::Pod;
using troupe::core::v1::PodStatus;

// A point in time that may be Go's zero time.
struct instant {
  bool set = false;
  config::timestamp t;
  bool before(const instant& o) const {
    if (!o.set)
      return false;
    if (!set)
      return true;
    return t.seconds < o.t.seconds || (t.seconds == o.t.seconds && t.nanos < o.t.nanos);
  }
};

instant last_termination(const ContainerStatus& c) {
  if (!c.has_laststate() || !c.laststate().has_terminated() ||
      !c.laststate().terminated().has_finishedat())
    return {};
  const auto& f = c.laststate().terminated().finishedat();
  return {true, {f.seconds(), f.nanos()}};
}

bool condition_true(const PodStatus& s, const std::string& type) {
  for (const auto& c : s.conditions())
    if (c.type() == type && c.status() == "True")
      return true;
  return false;
}

std::string terminated_reason(const troupe::core::v1::ContainerStateTerminated& t,
                              const std::string& prefix) {
  if (!t.reason().empty())
    return prefix + t.reason();
  if (t.signal() != 0)
    return prefix + "Signal:" + std::to_string(t.signal());
  return prefix + "ExitCode:" + std::to_string(t.exitcode());
}

std::string pod_ip(const PodStatus& s) {
  if (s.podips_size() > 0)
    return s.podips(0).ip();
  return s.podip();
}

std::string readiness_gates(const Pod& pod) {
  const auto& gates = pod.spec().readinessgates();
  if (gates.empty())
    return "<none>";
  int ready = 0;
  for (const auto& g : gates)
    for (const auto& c : pod.status().conditions())
      if (c.type() == g.conditiontype()) {
        if (c.status() == "True")
          ++ready;
        break;
      }
  return std::to_string(ready) + "/" + std::to_string(gates.size());
}

printed_row print_pod(const Pod& pod, config::timestamp now) {
  const auto& spec = pod.spec();
  const auto& status = pod.status();
  int restarts = 0, sidecar_restarts = 0;
  int total = spec.containers_size();
  int ready = 0;
  instant last_restart, last_sidecar_restart;

  std::string reason = status.phase();
  if (!status.reason().empty())
    reason = status.reason();
  for (const auto& c : status.conditions())
    if (c.type() == "PodScheduled" && c.reason() == "SchedulingGated")
      reason = "SchedulingGated";

  printed_row row;
  if (status.phase() == "Succeeded")
    row.conditions = {{{"type", "Completed"}, {"status", "True"}, {"reason", "Succeeded"},
                       {"message", "The pod has completed successfully."}}};
  else if (status.phase() == "Failed")
    row.conditions = {{{"type", "Completed"}, {"status", "True"}, {"reason", "Failed"},
                       {"message", "The pod failed."}}};

  // Init containers with restartPolicy Always are sidecars: they count as containers.
  std::unordered_map<std::string, bool> sidecar;
  for (const auto& c : spec.initcontainers()) {
    bool always = c.has_restartpolicy() && c.restartpolicy() == "Always";
    sidecar[c.name()] = always;
    if (always)
      ++total;
  }

  bool initializing = false;
  for (int i = 0; i < status.initcontainerstatuses_size(); ++i) {
    const auto& c = status.initcontainerstatuses(i);
    restarts += c.restartcount();
    instant finished = last_termination(c);
    if (last_restart.before(finished))
      last_restart = finished;
    bool is_sidecar = sidecar.count(c.name()) && sidecar[c.name()];
    if (is_sidecar) {
      sidecar_restarts += c.restartcount();
      if (last_sidecar_restart.before(finished))
        last_sidecar_restart = finished;
    }
    const auto& state = c.state();
    if (state.has_terminated() && state.terminated().exitcode() == 0)
      continue;
    if (is_sidecar && c.has_started() && c.started()) {
      if (c.ready())
        ++ready;
      continue;
    }
    if (state.has_terminated()) {
      reason = terminated_reason(state.terminated(), "Init:");
    } else if (state.has_waiting() && !state.waiting().reason().empty() &&
               state.waiting().reason() != "PodInitializing") {
      reason = "Init:" + state.waiting().reason();
    } else {
      reason = "Init:" + std::to_string(i) + "/" + std::to_string(spec.initcontainers_size());
    }
    initializing = true;
    break;
  }

  if (!initializing || condition_true(status, "Initialized")) {
    restarts = sidecar_restarts;
    last_restart = last_sidecar_restart;
    bool has_running = false;
    for (int i = status.containerstatuses_size() - 1; i >= 0; --i) {
      const auto& c = status.containerstatuses(i);
      restarts += c.restartcount();
      instant finished = last_termination(c);
      if (last_restart.before(finished))
        last_restart = finished;
      const auto& state = c.state();
      if (state.has_waiting() && !state.waiting().reason().empty()) {
        reason = state.waiting().reason();
      } else if (state.has_terminated()) {
        reason = terminated_reason(state.terminated(), "");
      } else if (c.ready() && state.has_running()) {
        has_running = true;
        ++ready;
      }
    }
    // A finished container beside running ones: the pod as a whole is still running.
    if (reason == "Completed" && has_running)
      reason = condition_true(status, "Ready") ? "Running" : "NotReady";
  }

  bool terminal = status.phase() == "Succeeded" || status.phase() == "Failed";
  if (pod.metadata().has_deletiontimestamp() && status.reason() == "NodeLost")
    reason = "Unknown";
  else if (pod.metadata().has_deletiontimestamp() && !terminal)
    reason = "Terminating";

  std::string restarts_cell = std::to_string(restarts);
  if (restarts != 0 && last_restart.set)
    restarts_cell += " (" + human_duration(nanos_between(last_restart.t, now)) + " ago)";

  row.cells = {pod.metadata().name(),
               std::to_string(ready) + "/" + std::to_string(total),
               reason,
               restarts_cell,
               object_age(pod.metadata(), now),
               or_none(pod_ip(status)),
               or_none(spec.nodename()),
               or_none(status.nominatednodename()),
               readiness_gates(pod)};
  return row;
}

} // namespace

void add_pod_printers(printer_map& m) {
  m[Pod::descriptor()->full_name()] = printer{
      {name_column(),
       {"Ready", "string", "", "Ready containers out of all containers.", 0},
       {"Status", "string", "", "The pod's aggregate state.", 0},
       {"Restarts", "string", "", "Container restarts, and how long ago the last one was.", 0},
       age_column(),
       {"IP", "string", "", "The pod's IP address.", 1},
       {"Node", "string", "", "The node the pod runs on.", 1},
       {"Nominated Node", "string", "", "The node the scheduler nominated for a preemption.", 1},
       {"Readiness Gates", "string", "", "Readiness gates that hold, out of all.", 1}},
      typed<Pod>(print_pod)};
}

} // namespace troupe::api
