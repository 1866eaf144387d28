#pragma once
// Kubernetes field selectors (k8s.io/apimachinery pkg/fields), as in
// `?fieldSelector=metadata.name=web-0,status.phase!=Running`: a conjunction of "field=value",
// "field==value" and "field!=value" terms, values escaped with backslashes ("\,", "\=", "\\").
// Plus the field values of an object, read by reflection from a dotted path, and the per-kind
// list of fields the API server lets clients select on.
//
// Contract:
// - Terms are kept in upstream's order (sorted by their text) and printed as upstream: "==" prints
//   as "=", values re-escaped. "" selects everything.
// - A field the getter does not know reads as "", so "spec.nodeName=" selects unscheduled pods and
//   "x!=y" matches objects without x.
// - Parse errors use upstream's wording; validate_field_selector gives
//   "field label not supported: <field>".

#include <google/protobuf/message.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace troupe::config {

enum class field_op { equals, not_equals };

struct field_requirement {
  std::string field;
  field_op op = field_op::equals;
  std::string value;  // unescaped
};

/// Returns a field's value as text, or nothing when the object has no such field.
using field_getter = std::function<std::optional<std::string>(std::string_view field)>;

class field_selector {
public:
  field_selector() = default;  // matches everything
  static field_selector everything() { return {}; }
  static field_selector nothing();

  bool empty() const { return !nothing_ && requirements_.empty(); }
  bool matches_nothing() const { return nothing_; }
  const std::vector<field_requirement>& requirements() const { return requirements_; }

  bool matches(const field_getter& get) const;
  std::string to_string() const;
  /// The value `field` must equal, if a "=" term pins it (e.g. metadata.name for a single watch).
  std::optional<std::string> requires_exact_match(std::string_view field) const;

private:
  friend struct field_selector_builder;
  bool nothing_ = false;
  std::vector<field_requirement> requirements_;
};

struct field_selector_result {
  std::optional<field_selector> value;
  std::string error;

  explicit operator bool() const { return value.has_value(); }
};

/// Errors as upstream:
///   "invalid selector: 'a,b'; can't understand 'a'"
///   "invalid field selector: invalid escape sequence: \x"
///   "invalid field selector: unescaped character in value: 61" (upstream prints the code point)
field_selector_result parse_field_selector(std::string_view text);

std::string escape_field_value(std::string_view value);

/// The value at a dotted path of field names ("spec.nodeName", "involvedObject.uid") read by
/// reflection: strings as is, booleans "true"/"false", integers in decimal, enums by name; unset
/// scalars read as their default. Nothing when a name is unknown, or the path crosses or ends in
/// a repeated, map or message field.
std::optional<std::string> message_field_value(const google::protobuf::Message& object,
                                               std::string_view path);

/// A getter over `object` (which must outlive it) for the selectable fields of `kind` ("Pod",
/// "Event", ...): dotted paths, except where Kubernetes computes the value (an Event's "source"
/// is source.component, or reportingComponent when that is empty).
field_getter selectable_fields(std::string_view kind, const google::protobuf::Message& object);

/// The fields `kind` can be selected on: metadata.name and metadata.namespace for every kind, plus
/// Pod: spec.nodeName, spec.restartPolicy, spec.schedulerName, spec.serviceAccountName,
///   status.phase, status.podIP, status.nominatedNodeName
/// Event: involvedObject.{kind,namespace,name,uid,apiVersion,resourceVersion,fieldPath},
///   reason, reportingComponent, source, type
/// Node: spec.unschedulable; Namespace: status.phase; Secret: type;
/// ReplicaSet: status.replicas; Job: status.successful.
const std::vector<std::string>& supported_field_labels(std::string_view kind);

/// Empty when every field of `selector` is supported for `kind`, else
/// "field label not supported: <field>" for the first one that is not.
std::optional<std::string> validate_field_selector(std::string_view kind,
                                                   const field_selector& selector);

} // namespace troupe::config
