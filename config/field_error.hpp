#pragma once
// Errors about one field of an API object, worded as Kubernetes words them
// (k8s.io/apimachinery/pkg/util/validation/field), so that kubectl users see familiar text:
//   spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"
//   spec.containers[0].livenessProbe.initialDelaySecands: unknown field
// Errors are values: decoders, defaulting and validation return lists of them, never throw them.

#include <string>
#include <string_view>
#include <vector>

namespace troupe::config {

/// A path into an object: "spec", "containers[0]", "labels[app]" ...
class field_path {
public:
  field_path() = default;
  explicit field_path(std::string root) : text_(std::move(root)) {}

  field_path child(std::string_view name) const;
  field_path index(size_t i) const;
  field_path key(std::string_view k) const;

  const std::string& str() const { return text_; }
  bool empty() const { return text_.empty(); }

private:
  std::string text_;
};

struct field_error {
  enum class kind {
    required,       // "Required value"
    invalid,        // "Invalid value: <value>: <detail>"
    not_supported,  // "Unsupported value: <value>: supported values: ..."
    duplicate,      // "Duplicate value: <value>"
    not_found,      // "Not found: <value>"
    forbidden,      // "Forbidden: <detail>"
    too_long,       // "Too long: <detail>"
    unknown_field,  // "unknown field" (strict decoding)
    wrong_type,     // "expected <type>, got <json type>" (decoding)
  };

  kind type = kind::invalid;
  std::string field;   // full path, e.g. "spec.template.spec.containers[0].image"
  std::string value;   // the offending value, already quoted as JSON when a string ("\"x\"", 0, true)
  std::string detail;  // the explanation, possibly empty

  std::string to_string() const;

  static field_error required(const field_path& p, std::string detail = {});
  static field_error invalid(const field_path& p, std::string value, std::string detail);
  static field_error not_supported(const field_path& p, std::string value,
                                   const std::vector<std::string>& supported);
  static field_error duplicate(const field_path& p, std::string value);
  static field_error not_found(const field_path& p, std::string value);
  static field_error forbidden(const field_path& p, std::string detail);
  static field_error too_long(const field_path& p, size_t max_len);
  static field_error unknown_field(const field_path& p);
  static field_error wrong_type(const field_path& p, std::string detail);
};

using field_errors = std::vector<field_error>;

/// "a; b; c" – Kubernetes joins an aggregate of field errors with ", " inside "[...]" when there
/// are several; this returns the bare list joined by ", ".
std::string to_string(const field_errors& errs);

/// Quotes a string value the way Kubernetes prints it in messages: "value" with JSON escapes.
std::string quote(std::string_view s);

} // namespace troupe::config
