#pragma once
// The runtime layer's error type (leveldb Status shape): the gRPC status code the container runtime
// answered with plus its message, returned and never thrown. The fake runtime produces the same
// codes and wording as containerd 1.6, so code above the runtime cannot tell them apart:
//   not_found          CreateContainer with an image that is not present; ContainerStatus,
//                      StopContainer... of an unknown id; PullImage of an image the registry
//                      does not have (cri_runtime maps containerd's "...: not found" to it)
//   deadline_exceeded  the call's timeout passed (ExecSync past its timeout, a hung runtime)
//   unavailable        the runtime's socket is not there or not answering
//   unknown            everything else containerd reports (code 2), e.g. a failed exec start
// result<T> carries a value or a non-ok status.

#include <optional>
#include <string>
#include <utility>

namespace troupe::node_agent::runtime {

class status {
public:
  /// gRPC's status codes, same numbers.
  enum class code : int {
    ok = 0,
    cancelled = 1,
    unknown = 2,
    invalid_argument = 3,
    deadline_exceeded = 4,
    not_found = 5,
    already_exists = 6,
    permission_denied = 7,
    resource_exhausted = 8,
    failed_precondition = 9,
    aborted = 10,
    out_of_range = 11,
    unimplemented = 12,
    internal = 13,
    unavailable = 14,
    data_loss = 15,
    unauthenticated = 16,
  };

  status() = default;
  status(code c, std::string msg) : code_(c), message_(std::move(msg)) {}
  static status ok() { return {}; }
  static status unknown(std::string msg) { return {code::unknown, std::move(msg)}; }
  static status not_found(std::string msg) { return {code::not_found, std::move(msg)}; }
  static status deadline_exceeded(std::string msg) {
    return {code::deadline_exceeded, std::move(msg)};
  }
  static status unavailable(std::string msg) { return {code::unavailable, std::move(msg)}; }
  static status invalid_argument(std::string msg) {
    return {code::invalid_argument, std::move(msg)};
  }

  bool is_ok() const { return code_ == code::ok; }
  explicit operator bool() const { return is_ok(); }
  code get_code() const { return code_; }
  bool is(code c) const { return code_ == c; }
  bool is_not_found() const { return code_ == code::not_found; }
  bool is_deadline_exceeded() const { return code_ == code::deadline_exceeded; }
  const std::string& message() const { return message_; }

  /// As the kubelet prints a CRI error in events and container messages:
  /// "rpc error: code = NotFound desc = <message>" ("OK" for ok).
  std::string to_string() const;

  friend bool operator==(const status& a, const status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

private:
  code code_ = code::ok;
  std::string message_;
};

/// gRPC's name of a code as Go prints it: "OK", "NotFound", "DeadlineExceeded", "Unknown", ...
const char* to_string(status::code c);

/// A value or the reason there is none.
template <class T>
class result {
public:
  result(T value) : value_(std::move(value)) {}
  result(runtime::status error) : status_(std::move(error)) {}

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  /// ok() when there is a value.
  const runtime::status& status() const { return status_; }

  T& value() { return *value_; }
  const T& value() const { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

private:
  runtime::status status_;
  std::optional<T> value_;
};

} // namespace troupe::node_agent::runtime
