#include "actors/server/node_log_source.hpp"

#include <caf/all.hpp>

#include "actors/nodes/node_registry_actor.hpp"

namespace troupe::server {

using apiserver::pod_log_chunk;

namespace {

// The message of a string-carrying error (the agent's words), else CAF's rendering.
std::string message_of(caf::actor_system& sys, const caf::error& e) {
  if (e.context().match_elements<std::string>())
    return e.context().get_as<std::string>(0);
  return sys.render(e);
}

} // namespace

apiserver::pod_log_source make_node_log_source(caf::actor_system& sys,
                                               std::chrono::milliseconds timeout) {
  return [&sys, timeout](const apiserver::pod_log_request& q) {
    pod_log_chunk out;
    auto registry = sys.registry().get(protocol::node_registry_name);
    if (!registry)
      return out;  // no_session
    auto reg = caf::actor_cast<nodes::node_registry_local>(registry);
    caf::scoped_actor self{sys};
    protocol::node_agent_actor agent;
    self->request(reg, std::chrono::seconds(2), caf::get_atom::value, nodes::agent_atom::value, q.node)
      .receive([&](protocol::node_agent_actor& a) { agent = std::move(a); }, [](caf::error&) {});
    if (!agent)
      return out;  // no_session
    self->request(agent, timeout, protocol::logs_atom::value, q.ns, q.pod, q.container, q.previous,
                  q.tail_lines, q.since_seconds, q.timestamps, q.limit_bytes, q.offset)
      .receive(
        [&](std::string& text, int64_t next, bool more) {
          out.what = pod_log_chunk::outcome::ok;
          out.text = std::move(text);
          out.next_offset = next;
          out.more = more;
        },
        [&](caf::error& e) {
          out.what = pod_log_chunk::outcome::failed;
          out.error = e == caf::sec::request_timeout
                        ? "the node \"" + q.node + "\" did not answer in time"
                        : message_of(sys, e);
        });
    return out;
  };
}

} // namespace troupe::server
