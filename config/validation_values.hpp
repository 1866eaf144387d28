#pragma once
// How Kubernetes prints an offending value in "Invalid value: <value>" when the value is not a
// plain string or number: Go's %#v of the internal type, e.g.
//   map[string]string{"app":"x"}     (template labels that do not match the selector)
//   v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}
// Only the handful of shapes validation needs.

#include <string>

#include <google/protobuf/map.h>

#include "proto/core_v1.pb.h"
#include "proto/meta.pb.h"

namespace troupe::config {

std::string go_string_map(const google::protobuf::Map<std::string, std::string>& m);
std::string go_label_selector(const troupe::meta::LabelSelector& s);
/// An IntOrString as the brief's messages show it: 0, or "25%".
std::string int_or_string_value(const troupe::meta::IntOrString& v);
std::string go_toleration(const troupe::core::v1::Toleration& t);
/// The key upstream uses for duplicate service ports: only protocol and port set.
std::string go_service_port_key(const std::string& protocol, int32_t port);

} // namespace troupe::config
