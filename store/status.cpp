#include "store/status.hpp"

namespace troupe::store {

const char* to_string(status::code c) {
  switch (c) {
    case status::code::ok: return "ok";
    case status::code::not_found: return "not found";
    case status::code::already_exists: return "already exists";
    case status::code::conflict: return "conflict";
    case status::code::gone: return "gone";
    case status::code::invalid: return "invalid";
    case status::code::timeout: return "timeout";
    case status::code::io_error: return "io error";
    case status::code::corruption: return "corruption";
    case status::code::locked: return "locked";
    case status::code::closed: return "closed";
  }
  return "unknown";
}

int status::http_code() const {
  switch (code_) {
    case code::ok: return 200;
    case code::not_found: return 404;
    case code::already_exists:
    case code::conflict: return 409;
    case code::gone: return 410;
    case code::invalid: return 400;
    case code::timeout: return 504;
    case code::closed: return 503;
    case code::io_error:
    case code::corruption:
    case code::locked: return 500;
  }
  return 500;
}

const char* status::reason() const {
  switch (code_) {
    case code::ok: return "";
    case code::not_found: return "NotFound";
    case code::already_exists: return "AlreadyExists";
    case code::conflict: return "Conflict";
    case code::gone: return "Expired";
    case code::invalid: return "BadRequest";
    case code::timeout: return "Timeout";
    case code::closed: return "ServiceUnavailable";
    case code::io_error:
    case code::corruption:
    case code::locked: return "InternalError";
  }
  return "InternalError";
}

std::string status::to_string() const {
  if (is_ok()) return "OK";
  return std::string(store::to_string(code_)) + ": " + message_;
}

} // namespace troupe::store
