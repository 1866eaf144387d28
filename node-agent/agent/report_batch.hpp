#pragma once
// What the node actor has to tell its session, coalesced (CAF-free): per pod uid the latest
// status wins and events are appended in order; take() turns it into one report_atom's payload
// (node_protocol.hpp). The batch also remembers the last status of every live pod so that after a
// re-register everything is sent again (a report sent into a dying connection may be lost; the
// session writes statuses idempotently).
//
// Event names are the kubelet's: "<pod name>.<unix nanoseconds as 16 hex digits>", strictly
// increasing within a node so two events in the same nanosecond never share a name.
// A finished pod (everything of it gone from the node) is reported as a Pod carrying
// metadata.deletionTimestamp; the session then deletes the object.

#include "config/event_name.hpp"
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "proto/core_v1.pb.h"

namespace troupe::node_agent {

class report_batch {
public:
  using pod_ptr = std::shared_ptr<const troupe::core::v1::Pod>;

  /// A pod actor's report. `status` may be null (events only). `object` is the latest Pod the
  /// node has for the uid (identity for a finished report without a status); may be null.
  void add(const std::string& uid, pod_ptr status, std::vector<troupe::core::v1::Event> events,
           bool finished, const troupe::core::v1::Pod* object = nullptr);

  /// Queues the last known status of every live pod again (after a re-register).
  void requeue_all();

  /// The node status to send with the next report ("" = unchanged).
  void set_node_status(std::string bytes) { node_status_ = std::move(bytes); }

  bool empty() const { return pending_.empty() && node_status_.empty(); }
  std::size_t pending_pods() const { return pending_.size(); }

  struct payload {
    std::vector<std::string> statuses;  // troupe.core.v1.Pod bytes
    std::vector<std::string> events;    // troupe.core.v1.Event bytes
    std::string node_status;            // troupe.core.v1.NodeStatus bytes or ""
  };

  /// Everything pending, in uid order; empties the batch. `now_ns` names events and stamps a
  /// finished pod that has no deletionTimestamp.
  payload take(int64_t now_ns);

  /// The next event name for `pod_name` at `now_ns`.
  std::string event_name(const std::string& pod_name, int64_t now_ns);

private:
  struct pending_pod {
    pod_ptr status;
    std::vector<troupe::core::v1::Event> events;
    bool finished = false;
  };
  std::map<std::string, pending_pod> pending_;
  std::map<std::string, pod_ptr> last_status_;  // live pods only
  std::string node_status_;
  config::event_namer event_names_;
};

} // namespace troupe::node_agent
