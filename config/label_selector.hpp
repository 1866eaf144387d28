#pragma once
// Kubernetes label selectors (k8s.io/apimachinery pkg/labels): the string form used by
// `?labelSelector=` and `kubectl -l` ("app=nginx,tier!=fe", "env in (prod,qa)", "!canary",
// "replicas>3"), the structured form of a workload's spec.selector (troupe::meta::LabelSelector),
// and matching. The label key/value syntax checks are in label_syntax.hpp (included).
//
// Contract:
// - A selector is a conjunction of requirements kept sorted by key (stable), which is also the
//   order of to_string(): "env in (qa,prod),!canary,app=nginx" prints as
//   "app=nginx,!canary,env in (prod,qa)" (the "!" is not part of the key; values are sorted).
// - The empty selector matches every label set; nothing() matches none (what a nil
//   *LabelSelector means in Kubernetes). Both print as "".
// - Parse errors and validation errors use upstream's wording.

#include "config/field_error.hpp"
#include "config/label_syntax.hpp"
#include "proto/meta.pb.h"

#include <google/protobuf/map.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace troupe::config {

enum class selector_op {
  in,
  not_in,
  equals,         // "="
  double_equals,  // "=="
  not_equals,     // "!="
  exists,         // "key"
  does_not_exist, // "!key"
  greater_than,   // "key>3": the label's value must be an integer above 3
  less_than,      // "key<3"
};

struct label_requirement {
  std::string key;
  selector_op op = selector_op::exists;
  std::vector<std::string> values;

  /// "key in (a,b)", "!key", "key=v" ... with values sorted.
  std::string to_string() const;
};

/// NewRequirement's checks, with upstream's relative paths: "key", "values", "values[0]",
/// "values[0][<key>]" (the key is valid, the value count suits the operator, Gt/Lt values are
/// integers, every value is a valid label value).
field_errors validate_requirement(const label_requirement& r);

class label_selector {
public:
  label_selector() = default;  // matches everything
  static label_selector everything() { return {}; }
  static label_selector nothing();
  /// Equality requirements for every pair of the set, e.g. a ReplicaSet's pod-template labels.
  static label_selector from_set(const std::map<std::string, std::string>& labels);

  bool empty() const { return !nothing_ && requirements_.empty(); }
  bool matches_nothing() const { return nothing_; }
  const std::vector<label_requirement>& requirements() const { return requirements_; }

  bool matches(const google::protobuf::Map<std::string, std::string>& labels) const;
  bool matches(const std::map<std::string, std::string>& labels) const;

  std::string to_string() const;

  /// The value `key` must equal (=, == or a one-value in), if the selector pins it.
  std::optional<std::string> requires_exact_match(std::string_view key) const;

  /// Adds a requirement, keeping the order by key. Not checked: callers build valid ones.
  void add(label_requirement r);

private:
  bool nothing_ = false;
  std::vector<label_requirement> requirements_;
};

struct label_selector_result {
  std::optional<label_selector> value;
  std::string error;

  explicit operator bool() const { return value.has_value(); }
};

/// Parses the string form. Errors read as upstream, e.g.
///   "unable to parse requirement: values[0][env]: Invalid value: \"a b\": a valid label must ..."
///   "found ',', expected: !, identifier, or 'end of string'"
label_selector_result parse_label_selector(std::string_view text);

struct label_selector_conversion {
  std::optional<label_selector> value;
  field_errors errors;

  explicit operator bool() const { return value.has_value(); }
};

/// The selector a LabelSelector stands for. A null pointer selects nothing; no labels and no
/// expressions select everything. An invalid selector gives the errors of
/// validate_label_selector() under `path` ("spec.selector.matchExpressions[0].values: ...").
label_selector_conversion label_selector_from_proto(const troupe::meta::LabelSelector* selector,
                                                    const field_path& path = {});

/// ValidateLabelSelector: keys and values of matchLabels, and for each expression the operator
/// (In, NotIn, Exists, DoesNotExist), the presence of values, the key and every value.
field_errors validate_label_selector(const troupe::meta::LabelSelector& selector,
                                     const field_path& path);

} // namespace troupe::config
