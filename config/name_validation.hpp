#pragma once
// Names and metadata as Kubernetes validates them (ValidateObjectMeta and the name rules of each
// kind): DNS-1123 subdomains (most kinds), DNS-1123 labels (namespaces, container and volume
// names), DNS-1035 labels (services), port names, and labels/annotations via label_syntax.hpp.
//
// The namespace is checked only when set: the API server fills it from the request path before
// admission, and `troupe check` validates manifests that often leave it out. A name may be empty
// when generateName is set (the server generates it before validation).

#include <string>
#include <string_view>
#include <vector>

#include "config/field_error.hpp"
#include "proto/meta.pb.h"

namespace troupe::config {

/// Problems with `value` as a name of the given kind; empty when valid.
std::vector<std::string> dns1123_label_problems(std::string_view value);
std::vector<std::string> dns1035_label_problems(std::string_view value);
/// IANA service port names ("http", "metrics-1"): at most 15 characters, a letter, no "--".
std::vector<std::string> port_name_problems(std::string_view value);

enum class name_rule { dns1123_subdomain, dns1123_label, dns1035_label };

std::vector<std::string> name_problems(name_rule rule, std::string_view value);

/// Invalid value errors for each problem of `value` at `path` (empty when valid).
field_errors validate_name(name_rule rule, std::string_view value, const field_path& path);

/// metadata: name (or generateName), namespace, labels, annotations, finalizers.
field_errors validate_object_meta(const troupe::meta::ObjectMeta& meta, name_rule rule,
                                  const field_path& path);

/// Keys must be qualified names; the whole set at most 256 KiB (TotalAnnotationSizeLimitB).
field_errors validate_annotations(const google::protobuf::Map<std::string, std::string>& annotations,
                                  const field_path& path);

} // namespace troupe::config
