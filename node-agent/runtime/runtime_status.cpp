#include "node-agent/runtime/runtime_status.hpp"

namespace troupe::node_agent::runtime {

const char* to_string(status::code c) {
  // Go's codes.Code.String(), which is what "rpc error: code = ..." shows.
  switch (c) {
    case status::code::ok: return "OK";
    case status::code::cancelled: return "Canceled";
    case status::code::unknown: return "Unknown";
    case status::code::invalid_argument: return "InvalidArgument";
    case status::code::deadline_exceeded: return "DeadlineExceeded";
    case status::code::not_found: return "NotFound";
    case status::code::already_exists: return "AlreadyExists";
    case status::code::permission_denied: return "PermissionDenied";
    case status::code::resource_exhausted: return "ResourceExhausted";
    case status::code::failed_precondition: return "FailedPrecondition";
    case status::code::aborted: return "Aborted";
    case status::code::out_of_range: return "OutOfRange";
    case status::code::unimplemented: return "Unimplemented";
    case status::code::internal: return "Internal";
    case status::code::unavailable: return "Unavailable";
    case status::code::data_loss: return "DataLoss";
    case status::code::unauthenticated: return "Unauthenticated";
  }
  return "Unknown";
}

std::string status::to_string() const {
  if (is_ok()) return "OK";
  return std::string("rpc error: code = ") + runtime::to_string(code_) + " desc = " + message_;
}

} // namespace troupe::node_agent::runtime
