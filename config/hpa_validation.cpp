#include "config/hpa_validation.hpp"

#include <set>

#include "config/label_selector.hpp"
#include "config/name_validation.hpp"
#include "config/quantity.hpp"

namespace troupe::config {

namespace as2 = troupe::autoscaling::v2;

namespace {

void append(field_errors& out, field_errors more) { out.insert(out.end(), more.begin(), more.end()); }

constexpr int32_t max_period_seconds = 1800;
constexpr int32_t max_stabilization_window_seconds = 3600;

const field_path spec_path("spec");

field_errors path_segment(const std::string& value, const field_path& path) {
  field_errors out;
  if (value == "." || value == "..") out.push_back(field_error::invalid(path, quote(value), "may not be '" + value + "'"));
  for (const char* bad : {"/", "%"})
    if (value.find(bad) != std::string::npos)
      out.push_back(field_error::invalid(path, quote(value), std::string("may not contain '") + bad + "'"));
  return out;
}

template <class Ref>
field_errors validate_reference(const Ref& ref, const field_path& path) {
  field_errors out;
  if (ref.kind().empty()) out.push_back(field_error::required(path.child("kind")));
  else append(out, path_segment(ref.kind(), path.child("kind")));
  if (ref.name().empty()) out.push_back(field_error::required(path.child("name")));
  else append(out, path_segment(ref.name(), path.child("name")));
  return out;
}

template <class Spec>
field_errors validate_replica_bounds(const Spec& spec) {
  field_errors out;
  if (spec.has_minreplicas() && spec.minreplicas() < 1)
    out.push_back(field_error::invalid(spec_path.child("minReplicas"), std::to_string(spec.minreplicas()), "must be greater than or equal to 1"));
  if (spec.maxreplicas() < 1)
    out.push_back(field_error::invalid(spec_path.child("maxReplicas"), std::to_string(spec.maxreplicas()), "must be greater than 0"));
  if (spec.has_minreplicas() && spec.maxreplicas() < spec.minreplicas())
    out.push_back(field_error::invalid(spec_path.child("maxReplicas"), std::to_string(spec.maxreplicas()), "must be greater than or equal to `minReplicas`"));
  append(out, validate_reference(spec.scaletargetref(), spec_path.child("scaleTargetRef")));
  return out;
}

field_errors positive_quantity(const troupe::meta::Quantity& q, const field_path& path) {
  auto parsed = parse_quantity_or_error(q.string());
  if (!parsed) return {field_error::invalid(path, quote(q.string()), parsed.error)};
  if (parsed.value->sign() != 1) return {field_error::invalid(path, quote(parsed.value->to_string()), "must be positive")};
  return {};
}

field_errors validate_target(const as2::MetricTarget& t, const field_path& path) {
  field_errors out;
  if (t.type().empty()) out.push_back(field_error::required(path.child("type"), "must specify a metric target type"));
  if (t.has_value()) append(out, positive_quantity(t.value(), path.child("value")));
  if (t.has_averagevalue()) append(out, positive_quantity(t.averagevalue(), path.child("averageValue")));
  if (t.has_averageutilization() && t.averageutilization() < 1)
    out.push_back(field_error::invalid(path.child("averageUtilization"), std::to_string(t.averageutilization()), "must be greater than 0"));
  return out;
}

field_errors validate_metric_name(const as2::MetricIdentifier& m, const field_path& path) {
  field_errors out;
  if (m.name().empty()) out.push_back(field_error::required(path.child("name"), "must specify a metric name"));
  else append(out, path_segment(m.name(), path.child("name")));
  if (m.has_selector()) append(out, validate_label_selector(m.selector(), path.child("selector")));
  return out;
}

// Resource and ContainerResource: a resource name and a per-pod target (utilization or value).
template <class Source>
field_errors validate_resource_source(const Source& s, const field_path& path) {
  field_errors out;
  if (s.name().empty()) out.push_back(field_error::required(path.child("name"), "must specify a resource name"));
  append(out, validate_target(s.target(), path.child("target")));
  auto tp = path.child("target");
  if (!s.target().has_averageutilization() && !s.target().has_averagevalue())
    out.push_back(field_error::required(tp.child("averageUtilization"), "must set either a target raw value or a target utilization"));
  if (s.target().has_averageutilization() && s.target().has_averagevalue())
    out.push_back(field_error::forbidden(tp.child("averageValue"), "may not set both a target raw value and a target utilization"));
  return out;
}

field_errors validate_metric(const as2::MetricSpec& m, const field_path& path) {
  field_errors out;
  std::vector<std::string> present;
  if (m.has_object()) present.push_back("object");
  if (m.has_pods()) present.push_back("pods");
  if (m.has_resource()) present.push_back("resource");
  if (m.has_containerresource()) present.push_back("containerResource");
  if (m.has_external()) present.push_back("external");
  std::string expected;
  if (m.type().empty()) {
    out.push_back(field_error::required(path.child("type"), "must specify a metric source type"));
  } else {
    expected = m.type() == "ContainerResource" ? "containerResource" : std::string(1, static_cast<char>(std::tolower(m.type()[0]))) + m.type().substr(1);
    if (std::find(present.begin(), present.end(), expected) == present.end())
      out.push_back(field_error::required(path.child(expected), "must populate information for the given metric source"));
  }
  if (present.size() > 1)
    for (const auto& p : present)
      if (p != expected) out.push_back(field_error::forbidden(path.child(p), "must populate the given metric source only"));
  // Each source present is validated (upstream validates only the first; the rest are already errors).
  if (m.has_resource()) append(out, validate_resource_source(m.resource(), path.child("resource")));
  if (m.has_containerresource()) {
    auto p = path.child("containerResource");
    append(out, validate_resource_source(m.containerresource(), p));
    if (m.containerresource().container().empty())
      out.push_back(field_error::required(p.child("container"), "must specify a container"));
  }
  if (m.has_pods()) {
    auto p = path.child("pods");
    append(out, validate_metric_name(m.pods().metric(), p.child("metric")));
    append(out, validate_target(m.pods().target(), p.child("target")));
    if (!m.pods().target().has_averagevalue())
      out.push_back(field_error::required(p.child("target").child("averageValue"), "must specify a positive target averageValue"));
  }
  if (m.has_object()) {
    auto p = path.child("object");
    append(out, validate_reference(m.object().describedobject(), p.child("describedObject")));
    append(out, validate_metric_name(m.object().metric(), p.child("metric")));
    append(out, validate_target(m.object().target(), p.child("target")));
    if (!m.object().target().has_value() && !m.object().target().has_averagevalue())
      out.push_back(field_error::required(p.child("target").child("averageValue"), "must set either a target value or averageValue"));
  }
  if (m.has_external()) {
    auto p = path.child("external");
    append(out, validate_metric_name(m.external().metric(), p.child("metric")));
    append(out, validate_target(m.external().target(), p.child("target")));
    const auto& t = m.external().target();
    if (!t.has_value() && !t.has_averagevalue())
      out.push_back(field_error::required(p.child("target").child("averageValue"), "must set either a target value for metric or a per-pod target"));
    if (t.has_value() && t.has_averagevalue())
      out.push_back(field_error::forbidden(p.child("target").child("value"), "may not set both a target value for metric and a per-pod target"));
  }
  return out;
}

field_errors validate_rules(const as2::HPAScalingRules& r, const field_path& path) {
  field_errors out;
  if (r.has_stabilizationwindowseconds()) {
    auto p = path.child("stabilizationWindowSeconds");
    if (r.stabilizationwindowseconds() < 0)
      out.push_back(field_error::invalid(p, std::to_string(r.stabilizationwindowseconds()), "must be greater than or equal to zero"));
    if (r.stabilizationwindowseconds() > max_stabilization_window_seconds)
      out.push_back(field_error::invalid(p, std::to_string(r.stabilizationwindowseconds()), "must be less than or equal to 3600"));
  }
  if (r.policies().empty()) out.push_back(field_error::required(path.child("policies"), "must specify at least one Policy"));
  for (int i = 0; i < r.policies_size(); ++i) {
    const auto& policy = r.policies(i);
    auto p = path.child("policies").index(i);
    if (policy.value() <= 0)
      out.push_back(field_error::invalid(p.child("value"), std::to_string(policy.value()), "must be greater than zero"));
    if (policy.periodseconds() <= 0)
      out.push_back(field_error::invalid(p.child("periodSeconds"), std::to_string(policy.periodseconds()), "must be greater than zero"));
    if (policy.periodseconds() > max_period_seconds)
      out.push_back(field_error::invalid(p.child("periodSeconds"), std::to_string(policy.periodseconds()), "must be less than or equal to 1800"));
  }
  return out;
}

} // namespace

field_errors validate_hpa(const as2::HorizontalPodAutoscaler& hpa) {
  const auto& spec = hpa.spec();
  field_errors out = validate_object_meta(hpa.metadata(), name_rule::dns1123_subdomain, field_path("metadata"));
  append(out, validate_replica_bounds(spec));
  for (int i = 0; i < spec.metrics_size(); ++i)
    append(out, validate_metric(spec.metrics(i), spec_path.child("metrics").index(i)));
  if (spec.has_behavior()) {
    auto p = spec_path.child("behavior");
    if (spec.behavior().has_scaleup()) append(out, validate_rules(spec.behavior().scaleup(), p.child("scaleUp")));
    if (spec.behavior().has_scaledown()) append(out, validate_rules(spec.behavior().scaledown(), p.child("scaleDown")));
  }
  return out;
}

field_errors validate_hpa_v1(const troupe::autoscaling::v1::HorizontalPodAutoscaler& hpa) {
  const auto& spec = hpa.spec();
  field_errors out = validate_object_meta(hpa.metadata(), name_rule::dns1123_subdomain, field_path("metadata"));
  append(out, validate_replica_bounds(spec));
  if (spec.has_targetcpuutilizationpercentage() && spec.targetcpuutilizationpercentage() < 1)
    out.push_back(field_error::invalid(spec_path.child("targetCPUUtilizationPercentage"),
                                       std::to_string(spec.targetcpuutilizationpercentage()), "must be greater than 0"));
  return out;
}

} // namespace troupe::config
