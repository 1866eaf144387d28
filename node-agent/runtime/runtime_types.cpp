#include "node-agent/runtime/runtime_types.hpp"

namespace troupe::node_agent::runtime {

const char* to_string(sandbox_state s) {
  return s == sandbox_state::ready ? "SANDBOX_READY" : "SANDBOX_NOTREADY";
}

const char* to_string(container_state s) {
  switch (s) {
    case container_state::created: return "CONTAINER_CREATED";
    case container_state::running: return "CONTAINER_RUNNING";
    case container_state::exited: return "CONTAINER_EXITED";
    case container_state::unknown: return "CONTAINER_UNKNOWN";
  }
  return "CONTAINER_UNKNOWN";
}

} // namespace troupe::node_agent::runtime
