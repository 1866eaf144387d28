#include "config/hpa_conversion.hpp"

#include "config/hpa_annotations.hpp"

#include <array>
#include <string>

namespace troupe::config {
namespace {

namespace v1 = ::troupe::autoscaling::v1;
namespace v2 = ::troupe::autoscaling::v2;
namespace ann = hpa_annotations;

const std::array<std::string_view, 4> round_trip_keys = {ann::metrics_key, ann::current_metrics_key,
                                                         ann::conditions_key, ann::behavior_key};

void drop_round_trip_annotations(::troupe::meta::ObjectMeta& meta) {
  for (auto key : round_trip_keys)
    meta.mutable_annotations()->erase(std::string(key));
}

bool is_cpu_resource(const std::string& type, bool has_resource, const std::string& name) {
  return type == "Resource" && has_resource && name == "cpu";
}

bool is_cpu_utilization_target(const v2::MetricSpec& m) {
  return is_cpu_resource(m.type(), m.has_resource(), m.resource().name()) &&
         m.resource().target().has_averageutilization();
}

v2::MetricSpec cpu_utilization_target(int32_t percent) {
  v2::MetricSpec m;
  m.set_type("Resource");
  m.mutable_resource()->set_name("cpu");
  m.mutable_resource()->mutable_target()->set_type("Utilization");
  m.mutable_resource()->mutable_target()->set_averageutilization(percent);
  return m;
}

void spec_to_v1(const v2::HorizontalPodAutoscalerSpec& in, v1::HorizontalPodAutoscalerSpec& out) {
  if (in.has_scaletargetref()) {
    const auto& ref = in.scaletargetref();
    auto* o = out.mutable_scaletargetref();
    o->set_kind(ref.kind());
    o->set_name(ref.name());
    if (ref.has_apiversion()) o->set_apiversion(ref.apiversion());
  }
  if (in.has_minreplicas()) out.set_minreplicas(in.minreplicas());
  out.set_maxreplicas(in.maxreplicas());
  // Only the first cpu metric counts, even when it targets a value rather than a utilization.
  for (const auto& m : in.metrics()) {
    if (!is_cpu_resource(m.type(), m.has_resource(), m.resource().name())) continue;
    if (m.resource().target().has_averageutilization())
      out.set_targetcpuutilizationpercentage(m.resource().target().averageutilization());
    break;
  }
}

void status_to_v1(const v2::HorizontalPodAutoscalerStatus& in,
                  v1::HorizontalPodAutoscalerStatus& out) {
  if (in.has_observedgeneration()) out.set_observedgeneration(in.observedgeneration());
  if (in.has_lastscaletime()) *out.mutable_lastscaletime() = in.lastscaletime();
  out.set_currentreplicas(in.currentreplicas());
  out.set_desiredreplicas(in.desiredreplicas());
  for (const auto& m : in.currentmetrics()) {
    if (is_cpu_resource(m.type(), m.has_resource(), m.resource().name()) &&
        m.resource().current().has_averageutilization())
      out.set_currentcpuutilizationpercentage(m.resource().current().averageutilization());
  }
}

void spec_to_v2(const v1::HorizontalPodAutoscalerSpec& in, v2::HorizontalPodAutoscalerSpec& out) {
  if (in.has_scaletargetref()) {
    const auto& ref = in.scaletargetref();
    auto* o = out.mutable_scaletargetref();
    o->set_kind(ref.kind());
    o->set_name(ref.name());
    if (ref.has_apiversion()) o->set_apiversion(ref.apiversion());
  }
  if (in.has_minreplicas()) out.set_minreplicas(in.minreplicas());
  out.set_maxreplicas(in.maxreplicas());
  if (in.has_targetcpuutilizationpercentage())
    *out.add_metrics() = cpu_utilization_target(in.targetcpuutilizationpercentage());
}

void status_to_v2(const v1::HorizontalPodAutoscalerStatus& in,
                  v2::HorizontalPodAutoscalerStatus& out) {
  if (in.has_observedgeneration()) out.set_observedgeneration(in.observedgeneration());
  if (in.has_lastscaletime()) *out.mutable_lastscaletime() = in.lastscaletime();
  out.set_currentreplicas(in.currentreplicas());
  out.set_desiredreplicas(in.desiredreplicas());
  if (in.has_currentcpuutilizationpercentage()) {
    auto* m = out.add_currentmetrics();
    m->set_type("Resource");
    m->mutable_resource()->set_name("cpu");
    m->mutable_resource()->mutable_current()->set_averageutilization(
        in.currentcpuutilizationpercentage());
  }
}

void set_annotation(::troupe::meta::ObjectMeta& meta, std::string_view key, std::string value) {
  (*meta.mutable_annotations())[std::string(key)] = std::move(value);
}

const std::string* annotation(const ::troupe::meta::ObjectMeta& meta, std::string_view key) {
  auto it = meta.annotations().find(std::string(key));
  return it == meta.annotations().end() ? nullptr : &it->second;
}

field_error bad_annotation(std::string_view key, const std::string& value, std::string why) {
  return field_error::invalid(field_path("metadata").child("annotations").key(key), quote(value),
                              std::move(why));
}

} // namespace

v1::HorizontalPodAutoscaler hpa_to_v1(const v2::HorizontalPodAutoscaler& in) {
  v1::HorizontalPodAutoscaler out;
  if (in.has_metadata()) *out.mutable_metadata() = in.metadata();
  // Annotations a stored v2 object carries are stale copies; only the ones written here count.
  drop_round_trip_annotations(*out.mutable_metadata());
  if (in.has_spec()) spec_to_v1(in.spec(), *out.mutable_spec());
  if (in.has_status()) status_to_v1(in.status(), *out.mutable_status());

  auto& meta = *out.mutable_metadata();
  google::protobuf::RepeatedPtrField<v2::MetricSpec> others;
  for (const auto& m : in.spec().metrics())
    if (!is_cpu_utilization_target(m)) *others.Add() = m;
  if (!others.empty()) set_annotation(meta, ann::metrics_key, ann::encode_metric_specs(others));
  // All current metrics, cpu included: currentCPUUtilizationPercentage drops the raw value.
  if (!in.status().currentmetrics().empty())
    set_annotation(meta, ann::current_metrics_key,
                   ann::encode_metric_statuses(in.status().currentmetrics()));
  if (in.spec().has_behavior())
    set_annotation(meta, ann::behavior_key, ann::encode_behavior(in.spec().behavior()));
  if (!in.status().conditions().empty())
    set_annotation(meta, ann::conditions_key, ann::encode_conditions(in.status().conditions()));
  if (meta.ByteSizeLong() == 0 && !in.has_metadata()) out.clear_metadata();
  return out;
}

field_errors hpa_to_v2(const v1::HorizontalPodAutoscaler& in, v2::HorizontalPodAutoscaler& out) {
  field_errors errs;
  if (in.has_metadata()) *out.mutable_metadata() = in.metadata();
  spec_to_v2(in.spec(), *out.mutable_spec());
  if (in.has_status()) status_to_v2(in.status(), *out.mutable_status());

  const auto& meta = in.metadata();
  auto* spec = out.mutable_spec();
  if (const auto* text = annotation(meta, ann::metrics_key)) {
    // The annotated metrics come first, then the cpu target spec conversion may have produced.
    google::protobuf::RepeatedPtrField<v2::MetricSpec> metrics;
    if (auto why = ann::decode_metric_specs(*text, metrics); !why.empty())
      errs.push_back(bad_annotation(ann::metrics_key, *text, why));
    for (auto& m : *spec->mutable_metrics())
      *metrics.Add() = std::move(m);
    spec->mutable_metrics()->Swap(&metrics);
  }
  if (const auto* text = annotation(meta, ann::current_metrics_key)) {
    // The annotation has the raw values too, so it replaces the status conversion's guess.
    google::protobuf::RepeatedPtrField<v2::MetricStatus> metrics;
    if (auto why = ann::decode_metric_statuses(*text, metrics); !why.empty())
      errs.push_back(bad_annotation(ann::current_metrics_key, *text, why));
    out.mutable_status()->mutable_currentmetrics()->Swap(&metrics);
  }
  if (spec->metrics().empty())
    *spec->add_metrics() = cpu_utilization_target(hpa_default_cpu_utilization);
  if (const auto* text = annotation(meta, ann::conditions_key)) {
    if (auto why = ann::decode_conditions(*text, *out.mutable_status()->mutable_conditions());
        !why.empty())
      errs.push_back(bad_annotation(ann::conditions_key, *text, why));
  }
  if (const auto* text = annotation(meta, ann::behavior_key)) {
    if (auto why = ann::decode_behavior(*text, *spec->mutable_behavior()); !why.empty()) {
      spec->clear_behavior();
      errs.push_back(bad_annotation(ann::behavior_key, *text, why));
    }
  }
  if (in.has_metadata()) drop_round_trip_annotations(*out.mutable_metadata());
  return errs;
}

} // namespace troupe::config
