#pragma once
// The store's error type (leveldb Status shape): a code plus a message worded as Kubernetes words
// it, so the API server can pass it to kubectl unchanged, e.g.
//   conflict: Operation cannot be fulfilled on deployments.apps "web": the object has been
//             modified; please apply your changes to the latest version and try again
//   gone:     too old resource version: 12 (40)
// Returned, never thrown. result<T> carries a value or a non-ok status.

#include <optional>
#include <string>
#include <utility>

namespace troupe::store {

class status {
public:
  enum class code {
    ok,
    not_found,      // 404 NotFound
    already_exists, // 409 AlreadyExists
    conflict,       // 409 Conflict: stale resourceVersion, failed precondition
    gone,           // 410 Expired: history or continue token older than the retained window
    invalid,        // 400 BadRequest: malformed continue token, resourceVersion, wrong kind
    timeout,        // 504 Timeout: a resourceVersion newer than the store's
    io_error,       // 500: the disk failed, the path is not usable
    corruption,     // 500: the database is damaged
    locked,         // 500: another process holds the database
    closed,         // 503: the store was closed or failed an earlier write
  };

  status() = default;
  static status ok() { return {}; }
  static status not_found(std::string msg) { return {code::not_found, std::move(msg)}; }
  static status already_exists(std::string msg) { return {code::already_exists, std::move(msg)}; }
  static status conflict(std::string msg) { return {code::conflict, std::move(msg)}; }
  static status gone(std::string msg) { return {code::gone, std::move(msg)}; }
  static status invalid(std::string msg) { return {code::invalid, std::move(msg)}; }
  static status timeout(std::string msg) { return {code::timeout, std::move(msg)}; }
  static status io_error(std::string msg) { return {code::io_error, std::move(msg)}; }
  static status corruption(std::string msg) { return {code::corruption, std::move(msg)}; }
  static status locked(std::string msg) { return {code::locked, std::move(msg)}; }
  static status closed(std::string msg) { return {code::closed, std::move(msg)}; }

  bool is_ok() const { return code_ == code::ok; }
  explicit operator bool() const { return is_ok(); }
  code get_code() const { return code_; }
  bool is(code c) const { return code_ == c; }
  const std::string& message() const { return message_; }

  /// The HTTP status Kubernetes answers with (200 for ok).
  int http_code() const;
  /// Kubernetes' StatusReason: "NotFound", "AlreadyExists", "Conflict", "Expired", "BadRequest",
  /// "Timeout", "InternalError", "ServiceUnavailable" ("" for ok).
  const char* reason() const;
  /// "OK" or "<code name>: <message>", for logs and test output.
  std::string to_string() const;

private:
  status(code c, std::string msg) : code_(c), message_(std::move(msg)) {}
  code code_ = code::ok;
  std::string message_;
};

const char* to_string(status::code c);

/// A value or the reason there is none.
template <class T>
class result {
public:
  result(T value) : value_(std::move(value)) {}
  result(store::status error) : status_(std::move(error)) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  /// ok() when there is a value.
  const store::status& status() const { return status_; }

  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

private:
  store::status status_;
  std::optional<T> value_;
};

} // namespace troupe::store
